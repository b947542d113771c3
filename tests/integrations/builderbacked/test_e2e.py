"""End to end: staff build and approve through the services, a real Celery worker publishes over
sockets to the Builder Backed sandbox, and the sandbox ends up holding exactly the local state —
also with 20% 5xx, 5% dropped connections, a rate limit and 5-second tokens.

The fault run's limit is 2 requests/s so that 429s surely happen with this little data (and the
Retry-After check is not vacuous); its records go through the bulk path, as an import's do.
"""

import time

import httpx
import pytest

from builderops.core.publishing import DUE_STATES, SyncState, sync_enqueue_deferred
from homes.models import Home, Homeowner
from homes.services import home_update, homeowner_add, homeowner_remove
from locations.models import Division, MasterCommunity, Neighborhood
from locations.services import location_deactivate, location_update
from tests.factories import superuser

from .sync_support import build_chain, build_home

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]
MODELS = (Division, MasterCommunity, Neighborhood, Home)
TOKEN_PATH = "/oauth2/token"


@pytest.fixture
def publish_to(run_sandbox, celery_worker_process, settings):
    """Start a sandbox with `args` and a worker pointed at it; return the sandbox's URL."""

    def start(*args: str, worker_env: dict | None = None) -> str:
        base_url = run_sandbox("builderbacked", *args)
        env = {
            "BUILDERBACKED_BASE_URL": base_url,
            "BUILDERBACKED_TOKEN_URL": f"{base_url}/oauth2/token",
        }
        settings.BUILDERBACKED_BASE_URL = env["BUILDERBACKED_BASE_URL"]
        settings.BUILDERBACKED_TOKEN_URL = env["BUILDERBACKED_TOKEN_URL"]
        celery_worker_process(concurrency=2, **env, **(worker_env or {}))
        return base_url

    return start


def build_world(user):
    """Two chains with homes and homeowners, approved through the services (staff's path)."""
    for suffix in ("1", "2"):
        *_, neighborhood = build_chain(user, suffix)
        for n in range(3):
            build_home(
                user,
                neighborhood,
                f"H_{suffix}_{n}",
                owners=n % 3,
                job_id=f"JOB-{suffix}{n}",
                closing_date=f"2026-05-0{n + 1}",
            )
    spare = build_chain(user, "3")[2]
    return spare


def change_world(user, spare):
    """Edits staff make after the first publish: rename, owners added/removed, deactivation."""
    location_update(
        obj=Division.objects.get(external_id="DIV_1"),
        user=user,
        data={"display_name": "Division One"},
    )
    home = Home.objects.get(external_id="H_1_0")
    homeowner_add(home=home, user=user, data={"email": "late@example.com", "last_name": "Late"})
    crowded = Home.objects.get(external_id="H_2_2")
    homeowner_remove(owner=crowded.homeowners.order_by("pk").first(), user=user)
    home_update(
        home=Home.objects.get(external_id="H_2_1"),
        user=user,
        data={"city": "Lebanon", "market_home": True},
    )
    location_deactivate(obj=spare, user=user)


def wait_until_published(timeout: float = 60.0) -> None:
    """Poll the database until no record is due or failed, or fail showing what is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [
            (model.__name__, obj.external_id, obj.sync_state, obj.sync_last_error)
            for model in MODELS
            for obj in model.objects.exclude(sync_state=SyncState.PUBLISHED)
        ]
        if not left:
            return
        assert not [row for row in left if row[2] == SyncState.FAILED], left
        time.sleep(0.1)
    pytest.fail(f"not all published within {timeout}s: {left}")


def blank_none(value):
    return value if value not in ("", None) else None


def location_expected(obj, parent_key: str | None, parent_value) -> dict:
    expected = {
        "id": obj.remote_id,
        "externalId": obj.external_id,
        "name": obj.name,
        "displayName": blank_none(obj.display_name),
        "abbreviatedName": blank_none(obj.abbreviated_name),
        "active": obj.active,
    }
    if parent_key:
        expected[parent_key] = parent_value
    return expected


def home_expected(home: Home) -> dict:
    owners = [
        {
            "email": o.email,
            "firstName": blank_none(o.first_name),
            "lastName": blank_none(o.last_name),
            "middleName": blank_none(o.middle_name),
            "prefix": blank_none(o.prefix),
            "suffix": blank_none(o.suffix),
        }
        for o in home.homeowners.order_by("email")
    ]
    return {
        "id": home.remote_id,
        "externalId": home.external_id,
        "addressLine1": home.address_line1,
        "addressLine2": blank_none(home.address_line2),
        "city": home.city,
        "state": home.state,
        "postalCode": home.postal_code,
        "type": home.home_type,
        "neighborhoodExternalId": home.neighborhood.external_id,
        "marketHome": home.market_home,
        "jobId": blank_none(home.job_id),
        "productCollection": blank_none(home.product_collection),
        "model": blank_none(home.home_model),
        "closingDate": home.closing_date.isoformat() if home.closing_date else None,
        "scheduledClosingDate": None,
        "homeowners": owners,
    }


def assert_sandbox_matches_local(base_url: str) -> None:
    """The sandbox's state equals the local records, field by field."""
    state = httpx.get(f"{base_url}/_sandbox/state").json()

    def remote(key, drop=("builderId",)):
        rows = sorted(state[key], key=lambda r: r["externalId"])
        return [{k: v for k, v in r.items() if k not in drop} for r in rows]

    assert remote("divisions") == [
        location_expected(d, "regionName", d.region.name)
        for d in Division.objects.order_by("external_id")
    ]
    assert remote("masterCommunities") == [
        location_expected(m, "divisionExternalId", m.division.external_id)
        for m in MasterCommunity.objects.order_by("external_id")
    ]
    assert remote("neighborhoods") == [
        location_expected(n, "masterCommunityExternalId", n.master_community.external_id)
        for n in Neighborhood.objects.order_by("external_id")
    ]
    homes = remote("homes", drop=("neighborhood", "masterCommunity", "division", "region"))
    for home in homes:
        home["homeowners"].sort(key=lambda owner: owner["email"])
    assert homes == [home_expected(h) for h in Home.objects.order_by("external_id")]


def request_log(base_url: str) -> list[dict]:
    return httpx.get(f"{base_url}/_sandbox/requests").json()


def created_twice(log: list[dict]) -> list:
    seen, twice = set(), []
    for record in log:
        if record["method"] == "POST" and record["created"]:
            key = (record["path"], record["externalId"])
            if key in seen:
                twice.append(key)
            seen.add(key)
    return twice


def sent_before_retry_after(log: list[dict], tolerance: float = 0.05) -> list[dict]:
    """Requests that repeat a 429'd request (same method, path, externalId) before Retry-After.

    Token requests are left out: every thread and process fetches its own, so two token requests
    are not the same request retried — the client's retry of one is what Retry-After governs.
    """
    early = []
    for index, limited in enumerate(log):
        if limited["status"] != 429 or limited["path"] == TOKEN_PATH:
            continue
        key = (limited["method"], limited["path"], limited["externalId"])
        early += [
            r
            for r in log[index + 1 :]
            if (r["method"], r["path"], r["externalId"]) == key
            and r["t"] < limited["retryAt"] - tolerance
        ]
    return early


def test_approved_records_reach_builder_backed_and_match_local_state(publish_to):
    base_url = publish_to()
    user = superuser(username="approver")

    spare = build_world(user)
    wait_until_published()
    assert_sandbox_matches_local(base_url)

    first_publish = len(request_log(base_url))
    change_world(user, spare)
    wait_until_published()
    assert_sandbox_matches_local(base_url)

    log = request_log(base_url)
    assert created_twice(log) == []
    api_calls = [r for r in log[first_publish:] if r["path"] != TOKEN_PATH]
    assert sorted(f"{r['method']} {r['path']}" for r in api_calls) == sorted(
        [
            "PUT /api/v2/locations/divisions",  # renamed
            "POST /api/v2/homes/H_1_0/users",  # homeowner added later
            "PUT /api/v2/homes",  # homeowner removed: the set is replaced
            "PUT /api/v2/homes",  # edited
            "PUT /api/v2/locations/neighborhoods",  # deactivated
        ]
    )
    assert not Homeowner.objects.filter(published_at__isnull=True).exists()


def test_the_same_convergence_through_5xx_drops_rate_limits_and_expiring_tokens(publish_to):
    base_url = publish_to(
        "--error-rate",
        "0.2",
        "--drop-rate",
        "0.05",
        "--rate-limit",
        "2",
        "--token-lifetime",
        "5",
        "--seed",
        "11",
    )
    user = superuser(username="approver")

    with sync_enqueue_deferred():  # as an import does: one bulk pass, batches, parents first
        spare = build_world(user)
    wait_until_published(timeout=90)
    change_world(user, spare)
    wait_until_published(timeout=90)

    assert_sandbox_matches_local(base_url)
    log = request_log(base_url)
    statuses = {str(r["status"]) for r in log}
    assert {"503", "dropped", "429"} <= statuses, "the faults must actually have happened"
    assert created_twice(log) == []
    assert sent_before_retry_after(log) == []
    assert not any(obj.sync_state in DUE_STATES for model in MODELS for obj in model.objects.all())
