"""Portal outbox end to end: a real Celery worker sends approved writes to the sandboxes over
sockets; under 5xx, dropped connections (half after the record was created) and a rate limit,
every write lands exactly once and every retry carried its original Idempotency-Key."""

import signal
import time
from collections import Counter, defaultdict
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from integrations.portals.models.orders import ChangeOrder
from integrations.portals.models.outbox import PortalWrite, WriteKind, WriteState
from integrations.portals.outbox import services
from integrations.portals.outbox.bodies import ChangeOrderLineDraft, change_order_body
from integrations.portals.outbox.tasks import portal_write_send_task
from integrations.portals.pull.run import portal_pull
from tests.factories import user_in_role
from tests.fixtures.processes import wait_until
from tests.integrations.portals.test_e2e import connect, sandbox

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]
FAULTS = {"error_rate": 0.2, "drop_rate": 0.1, "drop_after": 0.5, "rate_limit": 20, "seed": 13}
NO_FAULTS = {"error_rate": 0, "drop_rate": 0, "rate_limit": 0}
CREATE_PATHS = ("/change-orders", "/selections", "/purchase-orders")


def co_body(title: str) -> dict:
    return change_order_body(
        title=title, description="", deadline=None, signature_required=False,
        tax_rate=Decimal("0.0725"),
        lines=[
            ChangeOrderLineDraft("Outlet", "16-100", Decimal("2"), Decimal("150.00"),
                                 Decimal("10"), True),
            ChangeOrderLineDraft("Labor", "01-200", Decimal("1.5"), Decimal("80.00")),
            ChangeOrderLineDraft("Credit", "01-900", Decimal("1"), Decimal("-25.00")),
        ],
    )  # fmt: skip


def selection_body(title: str) -> dict:
    return {
        "category": "Flooring", "title": title, "dueDate": "2026-12-20", "allowance": "2500.00",
        "options": [{"name": "Oak", "price": "2400.00", "vendor": "FloorCo"}],
    }  # fmt: skip


def po_body(title: str) -> dict:
    return {
        "vendor": {"name": "Sparky Electric", "email": "po@sparky.test"},
        "scopeOfWork": title,
        "lineItems": [{"description": "Outlet", "costCode": "16-100", "quantity": "1.5",
                       "unitCost": "33.33"}],
    }  # fmt: skip


BUILDERS = {
    WriteKind.CHANGE_ORDER: co_body,
    WriteKind.SELECTION: selection_body,
    WriteKind.PURCHASE_ORDER: po_body,
}
STATE_KEYS = {
    WriteKind.CHANGE_ORDER: ("changeOrders", "title"),
    WriteKind.SELECTION: ("selections", "title"),
    WriteKind.PURCHASE_ORDER: ("purchaseOrders", "scopeOfWork"),
}


def pulled(base_url: str, portal: str):
    """Connect to a sandbox and mirror its projects (and children) with a full pull."""
    connection = connect(base_url, portal)
    run = portal_pull(connection_id=connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    return connection


def draft_and_approve(connection, kind: str, title: str, approver, project=None) -> PortalWrite:
    project = project or connection_projects(connection)[0]
    write = services.portal_write_draft_create(
        project=project, kind=kind, body=BUILDERS[kind](title), title=title, user=approver
    )
    assert services.portal_write_approve(write=write, user=approver)
    return write


def connection_projects(connection):
    from integrations.portals.models.mirrors import Project

    return list(Project.objects.filter(connection=connection).order_by("remote_id"))


def all_settled(ids: list[int]) -> bool:
    states = Counter(PortalWrite.objects.filter(pk__in=ids).values_list("state", flat=True))
    return states.get(WriteState.SENT, 0) + states.get(WriteState.FAILED, 0) == len(ids)


def test_draft_approve_send_then_the_pull_shows_the_record(run_sandbox, celery_worker_process):
    base_url = run_sandbox("buildertrend", "--projects", "3")
    connection = pulled(base_url, "buildertrend")
    approver = user_in_role("Approver")
    celery_worker_process(concurrency=1)

    write = draft_and_approve(connection, WriteKind.CHANGE_ORDER, "Add garage outlet", approver)
    wait_until(lambda: all_settled([write.pk]), timeout=60, what="the write to be sent")
    write.refresh_from_db()

    assert write.state == WriteState.SENT, write.error
    assert write.remote_number.startswith("CO-")
    assert write.totals_mismatch is False
    portal_pull(connection_id=connection.pk)
    mirror = ChangeOrder.objects.get(connection=connection, title="Add garage outlet")
    assert (mirror.pk, mirror.remote_id) == (write.change_order_id, write.remote_id)
    assert mirror.total == Decimal("448.93")  # 420 + 30 markup + 23.93 tax - 25 credit
    state = sandbox(base_url, "/_sandbox/state")
    assert [r["title"] for r in state["changeOrders"]].count("Add garage outlet") == 1


def test_writes_under_faults_land_once_each_with_their_original_keys(
    run_sandbox, celery_worker_process
):
    portals = {
        "buildertrend": (WriteKind.CHANGE_ORDER, WriteKind.SELECTION),
        "coconstruct": (WriteKind.CHANGE_ORDER, WriteKind.PURCHASE_ORDER),
    }
    urls = {portal: run_sandbox(portal, "--projects", "10") for portal in portals}
    connections = {portal: pulled(url, portal) for portal, url in urls.items()}
    approver = user_in_role("Approver")
    for url in urls.values():
        httpx.delete(f"{url}/_sandbox/requests", timeout=10)
        httpx.put(f"{url}/_sandbox/faults", json=FAULTS, timeout=10).raise_for_status()
    celery_worker_process(concurrency=2)

    writes = []
    for portal, kinds in portals.items():
        projects = connection_projects(connections[portal])
        for n in range(50):
            kind = kinds[n % 2]
            title = f"{portal} outbox write {n:03d}"
            project = projects[n % len(projects)]
            writes.append(draft_and_approve(connections[portal], kind, title, approver, project))
    ids = [w.pk for w in writes]
    wait_until(lambda: all_settled(ids), timeout=400, interval=1, what="every write to settle")

    for url in urls.values():
        httpx.put(f"{url}/_sandbox/faults", json=NO_FAULTS, timeout=10)
    sent = PortalWrite.objects.filter(pk__in=ids).select_related("connection", "project")
    assert Counter(w.state for w in sent) == {WriteState.SENT: 100}
    drops_after_create = 0
    for portal, url in urls.items():
        ours = [w for w in sent if w.connection.portal == portal]
        log = sandbox(url, "/_sandbox/requests")["data"]
        assert_once_in_state(ours, sandbox(url, "/_sandbox/state"))
        assert_keys_kept(ours, log)
        drops_after_create += sum(
            1 for e in log if e["dropped"] == "after" and e["method"] == "POST"
        )
    assert drops_after_create > 0, "no record was created unheard: the hard case went untested"


def assert_once_in_state(writes: list[PortalWrite], state: dict) -> None:
    """Each write's record exists exactly once in the portal, with the id the write recorded."""
    for write in writes:
        collection, field = STATE_KEYS[write.kind]
        found = [r for r in state[collection] if r.get(field) == write.title]
        assert [r["id"] for r in found] == [write.remote_id], write.title
        assert found[0]["projectId"] == write.project.remote_id


def assert_keys_kept(writes: list[PortalWrite], log: list[dict]) -> None:
    """Every create request carried a write's own key, on that write's path — retries included."""
    posts = [e for e in log if e["method"] == "POST" and e["path"].endswith(CREATE_PATHS)]
    by_key = defaultdict(set)
    for entry in posts:
        by_key[entry["idempotency_key"]].add(entry["path"])
    expected = {w.idempotency_key: w for w in writes}
    assert set(by_key) == set(expected)
    for key, paths in by_key.items():
        write = expected[key]
        assert paths == {f"/projects/{write.project.remote_id}/{path_of(write.kind)}"}
    retried = sum(1 for entry in posts) - len(expected)
    assert retried > 0, "the faults never made a write retry: the test proved nothing"


def path_of(kind: str) -> str:
    return {"change_order": "change-orders", "selection": "selections"}.get(kind, "purchase-orders")


def test_a_worker_killed_mid_send_is_replaced_and_the_record_exists_once(
    run_sandbox, celery_worker_process
):
    base_url = run_sandbox("buildertrend", "--projects", "2")
    connection = pulled(base_url, "buildertrend")
    approver = user_in_role("Approver")
    httpx.delete(f"{base_url}/_sandbox/requests", timeout=10)
    # Slow answers: the worker is killed while its POST is on the wire, unanswered.
    httpx.put(f"{base_url}/_sandbox/faults", json={"latency_ms": 3000}, timeout=10)
    lease = {"PORTAL_WRITE_LEASE_SECONDS": "4"}
    first = celery_worker_process(concurrency=1, **lease)

    write = draft_and_approve(connection, WriteKind.CHANGE_ORDER, "Crash-proof outlet", approver)
    wait_until(lambda: posts_of(base_url), timeout=60, what="the POST to reach the portal")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    time.sleep(4)  # the killed worker's lease runs out
    httpx.put(f"{base_url}/_sandbox/faults", json={"latency_ms": 0}, timeout=10)
    write.refresh_from_db()
    assert write.state == WriteState.SENDING  # nobody heard the answer

    celery_worker_process(concurrency=1, **lease)
    # What the beat's sweeper does once the send is overdue (SWEEP_GRACE after its due time).
    overdue = timezone.now() + services.SWEEP_GRACE
    for write_id in services.portal_writes_requeue(now=overdue):
        portal_write_send_task.delay(write_id)
    wait_until(lambda: all_settled([write.pk]), timeout=60, what="the write to be sent")

    write.refresh_from_db()
    assert write.state == WriteState.SENT, write.error
    titles = [r["title"] for r in sandbox(base_url, "/_sandbox/state")["changeOrders"]]
    assert titles.count("Crash-proof outlet") == 1
    keys = [entry["idempotency_key"] for entry in posts_of(base_url)]
    assert keys == [write.idempotency_key] * 2  # the killed try, and the replacement's


def posts_of(base_url: str) -> list[dict]:
    log = sandbox(base_url, "/_sandbox/requests")["data"]
    return [e for e in log if e["method"] == "POST" and e["path"].endswith(CREATE_PATHS)]
