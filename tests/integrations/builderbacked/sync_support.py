"""Build published/approved hierarchies through the services, fake Builder Backed's wire, and
catch what the sync would queue — for the sync, task, admin and command tests."""

from __future__ import annotations

import itertools
import json

import httpx

from homes.services import home_create
from integrations.builderbacked.client import BuilderBackedClient
from integrations.http import RetryPolicy
from locations.models import Region
from locations.services import division_create, master_community_create, neighborhood_create
from tests.integrations.http_fakes import Wire, reply

BASE = "https://bb.example.test"
NO_SLEEP = RetryPolicy(attempts=1)


class BBWire(Wire):
    """A scripted Builder Backed: token requests are answered and not recorded."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            body = {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600}
            return reply(200, body)
        return super().__call__(request)

    def bodies(self) -> list:
        return [json.loads(r.content) if r.content else None for r in self.requests]


def bb_client(wire: Wire, retry: RetryPolicy = NO_SLEEP) -> BuilderBackedClient:
    return BuilderBackedClient(
        base_url=BASE,
        token_url=f"{BASE}/oauth2/token",
        client_id="id",
        client_secret="secret",
        transport=wire.transport,
        retry=retry,
    )


def bb_error(status: int, message: str, headers: dict | None = None) -> httpx.Response:
    return reply(status, {"status": status, "error": "Error", "message": message}, headers)


_ids = itertools.count(1)


def created(body: dict | None = None, **extra) -> callable:
    """Answer a create/update with the body echoed and an id."""

    def answer(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        return reply(200, {"id": next(_ids) + 100, **sent, **(body or {}), **extra})

    return answer


class Queued:
    """Collect tasks the sync would send to the broker, instead of sending them."""

    def __init__(self):
        self.records: list[tuple[str, int, float | None]] = []
        self.batches: list[tuple[str, list[int]]] = []
        self.due = 0

    def labels(self) -> list[tuple[str, int]]:
        return [(label, pk) for label, pk, _ in self.records]


def queued_catch(monkeypatch) -> Queued:
    """Replace the sync's task sends with a recorder (use from a `queued` fixture)."""
    from integrations.builderbacked import tasks

    seen = Queued()

    def record(args, countdown=None, **_):
        seen.records.append((*args, countdown))

    def batch(label, ids):
        seen.batches.append((label, list(ids)))

    def batch_later(args, countdown=None, **_):
        seen.batches.append((args[0], list(args[1])))

    def due():
        seen.due += 1

    monkeypatch.setattr(tasks.publish_record, "apply_async", record)
    monkeypatch.setattr(tasks.publish_batch, "delay", batch)
    monkeypatch.setattr(tasks.publish_batch, "apply_async", batch_later)
    monkeypatch.setattr(tasks.publish_due, "delay", due)
    return seen


def build_chain(user, suffix: str = "1", approve: bool = True, region: str = "Cincinnati"):
    """Create and (by default) approve a division → master community → neighborhood."""
    region_obj, _ = Region.objects.get_or_create(
        name=region, defaults={"remote_id": 1, "builder_id": 1, "active": True}
    )
    division = division_create(
        user=user,
        approve=approve,
        data={"external_id": f"DIV_{suffix}", "name": f"Division {suffix}", "region": region_obj},
    )
    community = master_community_create(
        user=user,
        approve=approve,
        data={"external_id": f"MC_{suffix}", "name": f"Community {suffix}", "division": division},
    )
    neighborhood = neighborhood_create(
        user=user,
        approve=approve,
        data={
            "external_id": f"NH_{suffix}",
            "name": f"Neighborhood {suffix}",
            "master_community": community,
        },
    )
    return division, community, neighborhood


def build_home(user, neighborhood, external_id: str = "H_1", owners: int = 1, approve=True, **data):
    """Create a home with `owners` homeowners under `neighborhood`."""
    fields = {
        "external_id": external_id,
        "neighborhood": neighborhood,
        "address_line1": "12 Oak St",
        "city": "Mason",
        "state": "OH",
        "postal_code": "45040",
        "home_type": "Single Family",
        **data,
    }
    homeowners = [
        {"email": f"{external_id.lower()}.owner{i}@example.com", "first_name": f"Pat{i}"}
        for i in range(owners)
    ]
    return home_create(user=user, data=fields, homeowners=homeowners, approve=approve)


def mark_published(*objs, remote_id: int = 500) -> None:
    """Pretend each record was published with its current payload (no request made)."""
    from builderops.core.publishing import SyncState
    from integrations.builderbacked.payloads import payload_hash, record_body

    for offset, obj in enumerate(objs):
        obj.refresh_from_db()
        type(obj).objects.filter(pk=obj.pk).update(
            remote_id=remote_id + offset,
            sync_state=SyncState.PUBLISHED,
            sync_payload_hash=payload_hash(record_body(obj)),
            sync_published_version=obj.sync_version,
        )
        if hasattr(obj, "homeowners"):
            from django.utils import timezone

            obj.homeowners.update(published_at=timezone.now())
        obj.refresh_from_db()


def sync_client_fake(monkeypatch, wire: Wire) -> None:
    """Make tasks, commands and admin buttons build their client over `wire`."""
    from integrations.builderbacked import tasks
    from integrations.builderbacked.sync import client

    def fake(**_):
        return bb_client(wire)

    monkeypatch.setattr(tasks, "sync_client", fake)
    monkeypatch.setattr(client, "sync_client", fake)


def regions_reply(*rows: tuple[int, str, bool]) -> httpx.Response:
    return reply(200, [{"id": i, "name": n, "builderId": 1, "active": a} for i, n, a in rows])
