"""End to end over sockets: pulls from both portal sandboxes equal their state, field by field."""

import json
import logging
import time
from datetime import date, datetime
from decimal import Decimal

import httpx
import pytest
from django.db import connection as db
from django.urls import reverse

from integrations.portals.models.connection import PortalConnection, PullRun, PullStatus
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder
from integrations.portals.pull.run import portal_pull
from integrations.portals.services import portal_connection_pull_request

pytestmark = [pytest.mark.django_db, pytest.mark.e2e]

PASSWORD = "demo-password"  # the sandboxes' default
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MODELS = {
    "projects": Project,
    "selections": Selection,
    "changeOrders": ChangeOrder,
    "purchaseOrders": PurchaseOrder,
    "scheduleTasks": ScheduleTask,
}


def sandbox(base_url: str, path: str, body: dict | None = None) -> dict:
    """Call a sandbox control endpoint (GET, or POST with a body)."""
    if body is None:
        return httpx.get(base_url + path, timeout=30).json()
    return httpx.post(base_url + path, json=body, timeout=30).json()


def connect(base_url: str, portal: str, **fields) -> PortalConnection:
    connection = PortalConnection(
        name=f"{portal} e2e", portal=portal, base_url=base_url, username="demo@builder.example"
    )
    connection.set_password(fields.pop("password", PASSWORD))
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.save()
    return connection


def when(value: str | None):
    """Parse an API date or timestamp (independently of the code under test)."""
    if value is None:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def expected_project(r: dict) -> dict:
    a = r["address"]
    return {
        "name": r["name"], "job_number": r["jobNumber"], "status": r["status"],
        "address_line1": a["line1"], "address_line2": a["line2"] or "", "city": a["city"],
        "state": a["state"], "postal_code": a["postalCode"], "clients": r["clients"],
        "start_date": when(r["startDate"]),
        "projected_completion_date": when(r["projectedCompletionDate"]),
        "contract_price": money(r["contractPrice"]),
    }  # fmt: skip


def expected_selection(r: dict) -> dict:
    chosen = next((o for o in r["options"] if o["id"] == r["chosenOptionId"]), None)
    remaining = r.get("allowanceRemaining", "absent")
    if remaining == "absent":  # Buildertrend: computed locally
        allowance = money(r["allowance"])
        spent = Decimal(chosen["price"]) if chosen else Decimal(0)
        remaining = None if allowance is None else allowance - spent
    return {
        "category": r["category"], "title": r["title"], "due_date": when(r["dueDate"]),
        "status": r["status"], "allowance": money(r["allowance"]),
        "allowance_remaining": money(remaining) if isinstance(remaining, str) else remaining,
        "options": r["options"], "chosen_option_id": r["chosenOptionId"] or "",
        "chosen_option_price": money(chosen["price"]) if chosen else None,
        "approved_at": when(r["approvedAt"]),
    }  # fmt: skip


def expected_change_order(r: dict) -> dict:
    return {
        "number": r["number"], "title": r["title"], "description": r["description"],
        "approval_status": r["approvalStatus"], "signature_required": r["signatureRequired"],
        "approved_at": when(r["approvedAt"]), "approved_by": r["approvedBy"] or "",
        "deadline": when(r["deadline"]), "tax_rate": Decimal(r["taxRate"]),
        "subtotal": money(r["subtotal"]), "markup_total": money(r["markupTotal"]),
        "tax_total": money(r["taxTotal"]), "total": money(r["total"]),
        "computed_total": money(r["total"]), "totals_mismatch": False,
        "lines": [
            (i["description"], i["costCode"], Decimal(i["quantity"]), money(i["unitCost"]),
             Decimal(i["markupPercent"]), i["taxable"])
            for i in r["lineItems"]
        ],
    }  # fmt: skip


def expected_purchase_order(r: dict) -> dict:
    return {
        "number": r["number"], "vendor_name": r["vendor"]["name"],
        "vendor_email": r["vendor"]["email"], "status": r["status"],
        "scope_of_work": r["scopeOfWork"], "total": money(r["total"]),
        "lines": [
            (i["description"], i["costCode"], Decimal(i["quantity"]), money(i["unitCost"]))
            for i in r["lineItems"]
        ],
    }  # fmt: skip


def expected_schedule_task(r: dict) -> dict:
    return {
        "title": r["title"], "start_date": when(r["startDate"]), "end_date": when(r["endDate"]),
        "progress_percent": r["progressPercent"], "predecessor_ids": r["predecessorIds"],
        "assignees": r["assignees"],
    }  # fmt: skip


EXPECTED = {
    "projects": expected_project,
    "selections": expected_selection,
    "changeOrders": expected_change_order,
    "purchaseOrders": expected_purchase_order,
    "scheduleTasks": expected_schedule_task,
}
LINE_FIELDS = {
    "changeOrders": ("description", "cost_code", "quantity", "unit_cost", "markup_percent",
                     "taxable"),
    "purchaseOrders": ("description", "cost_code", "quantity", "unit_cost"),
}  # fmt: skip


def actual(kind: str, mirror, wanted: dict) -> dict:
    """Read the mirror's values for the keys `wanted` has."""
    values = {name: getattr(mirror, name) for name in wanted if name != "lines"}
    if "lines" in wanted:
        values["lines"] = [
            tuple(getattr(line, f) for f in LINE_FIELDS[kind]) for line in mirror.line_items.all()
        ]
    return values


def assert_mirrors_equal_state(connection: PortalConnection, state: dict) -> None:
    """Compare every record of the sandbox's state with its mirror, field by field."""
    for kind, model in MODELS.items():
        records = state.get(kind, [])
        mirrors = {m.remote_id: m for m in model.objects.filter(connection=connection)}
        live_state = {r["id"] for r in records if not r["deleted"]}
        assert {rid for rid, m in mirrors.items() if not m.deleted} == live_state, kind
        for record in records:
            mirror = mirrors.get(record["id"])
            if record["deleted"]:
                assert mirror is None or mirror.deleted
                continue
            wanted = EXPECTED[kind](record)
            assert actual(kind, mirror, wanted) == wanted, (kind, record["id"])
            assert mirror.remote_updated_at == when(record["updatedAt"])
            if kind != "projects":
                assert mirror.project.remote_id == record["projectId"]


def changed_by(run, connection) -> dict[str, set[str]]:
    """Return, per resource, the remote ids whose mirror this run wrote."""
    return {
        kind: set(
            model.objects.filter(connection=connection, updated_at__gte=run.started_at).values_list(
                "remote_id", flat=True
            )
        )
        for kind, model in MODELS.items()
    }


@pytest.mark.parametrize("portal", ["buildertrend", "coconstruct"])
def test_full_then_incremental_pulls_equal_the_sandbox(run_sandbox, portal):
    base_url = run_sandbox(portal, "--projects", "40")
    connection = connect(base_url, portal)
    full = portal_pull(connection_id=connection.pk, full=True)
    assert full.status == PullStatus.SUCCEEDED, full.errors
    assert_mirrors_equal_state(connection, sandbox(base_url, "/_sandbox/state"))

    mutation = sandbox(base_url, "/_sandbox/mutate",
                       {"projects": 2, "newProjects": 1, "deleteProjects": 1})  # fmt: skip
    assert mutation["deleted"]["projects"]
    assert any(mutation["deleted"].values())
    incremental = portal_pull(connection_id=connection.pk)
    assert incremental.status == PullStatus.SUCCEEDED, incremental.errors
    assert_mirrors_equal_state(connection, sandbox(base_url, "/_sandbox/state"))
    written = changed_by(incremental, connection)
    for kind in MODELS:
        assert written[kind] == set(mutation["changed"].get(kind, [])), kind
    assert incremental.deleted_count == sum(len(ids) for ids in mutation["deleted"].values())
    assert incremental.requests_made / full.requests_made <= 0.15


def test_a_session_that_expires_mid_run_is_renewed(run_sandbox, settings):
    settings.PORTAL_PULL_BATCH_SIZE = 2
    settings.PORTAL_PULL_WORKERS = 1  # a window of 4 projects: most work comes after expiry
    base_url = run_sandbox("buildertrend", "--projects", "12")
    connection = connect(base_url, "buildertrend")
    expired = []

    def expire_once(done, total):
        if 0 < done < total and not expired:  # between pages of work, refresh token too
            expired.append(sandbox(base_url, "/_sandbox/sessions/expire", {"refresh": True}))

    run = portal_pull(connection_id=connection.pk, full=True, progress=expire_once)
    assert expired
    assert run.status == PullStatus.SUCCEEDED, run.errors
    log = sandbox(base_url, "/_sandbox/requests")["data"]
    assert [r["status"] for r in log if r["path"] == "/sessions"].count(200) >= 2
    assert any(r["status"] == 401 for r in log)
    assert_mirrors_equal_state(connection, sandbox(base_url, "/_sandbox/state"))


def test_short_lived_tokens_are_refreshed_while_pulling(run_sandbox, settings):
    settings.PORTAL_PULL_WORKERS = 2
    base_url = run_sandbox("coconstruct", "--projects", "15", "--access-token-lifetime", "1",
                           "--latency-ms", "60")  # fmt: skip
    connection = connect(base_url, "coconstruct")
    run = portal_pull(connection_id=connection.pk, full=True)
    assert run.status == PullStatus.SUCCEEDED, run.errors
    log = sandbox(base_url, "/_sandbox/requests")["data"]
    assert any(r["path"] == "/sessions/refresh" and r["status"] == 200 for r in log)
    assert_mirrors_equal_state(connection, sandbox(base_url, "/_sandbox/state"))


def test_mfa_and_the_password_never_appear_in_plaintext(run_sandbox, caplog):
    base_url = run_sandbox("buildertrend", "--projects", "3", "--mfa-secret", MFA_SECRET)
    for name in ("", "httpx", "httpcore", "integrations"):
        caplog.set_level(logging.DEBUG, logger=name)
    without_mfa = connect(base_url, "buildertrend", name="no mfa")
    assert portal_pull(connection_id=without_mfa.pk).status == PullStatus.FAILED
    without_mfa.refresh_from_db()
    assert "demands an MFA code" in without_mfa.last_error
    connection = connect(base_url, "buildertrend")
    connection.set_mfa_secret(MFA_SECRET)
    connection.save()
    run = portal_pull(connection_id=connection.pk)
    connection.refresh_from_db()
    assert run.status == PullStatus.SUCCEEDED, connection.last_error
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_portalconnection")
        rows = json.dumps(cursor.fetchall(), default=str)
        cursor.execute("SELECT errors FROM integrations_pullrun")
        rows += json.dumps(cursor.fetchall(), default=str)
    assert "/sessions" in caplog.text  # the log did capture the pull
    for secret in (PASSWORD, MFA_SECRET):
        assert secret not in rows
        assert secret not in caplog.text


def webhook_deliveries(base_url: str, count: int, timeout: float = 30) -> list[dict]:
    """Wait until the sandbox has logged `count` webhook deliveries; return them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries = sandbox(base_url, "/_sandbox/webhooks")["deliveries"]
        if len(deliveries) >= count:
            return deliveries
        time.sleep(0.1)
    raise AssertionError(f"the sandbox sent fewer than {count} webhooks in {timeout}s")


@pytest.mark.django_db(transaction=True)
def test_the_sandboxes_webhook_pulls_the_approved_record_once(
    run_sandbox, live_server, celery_eager
):
    """Over sockets both ways: the sandbox signs and sends as the contract says; a replay and an
    unknown project pull nothing."""
    base_url = run_sandbox("coconstruct", "--projects", "5")
    connection = connect(base_url, "coconstruct")
    portal_pull(connection_id=connection.pk)
    receiver = live_server.url + reverse("portals:webhook", args=[connection.webhook_id])
    sandbox(
        base_url, "/_sandbox/webhooks", {"url": receiver, "secret": connection.webhook_secret()}
    )
    mutation = sandbox(base_url, "/_sandbox/mutate",
                       {"projects": 1, "approve": 1, "edit": 0, "decline": 0, "delete": 0,
                        "create": 0})  # fmt: skip
    approved = (mutation["approved"]["changeOrders"] or mutation["approved"]["selections"])[0]
    model = ChangeOrder if mutation["approved"]["changeOrders"] else Selection

    [delivery] = webhook_deliveries(base_url, 1)
    assert delivery["status"] == 202
    assert delivery["objectId"] == approved
    record = model.objects.get(remote_id=approved)
    status = record.approval_status if model is ChangeOrder else record.status
    assert status == "approved"
    assert record.approved_at is not None
    runs = PullRun.objects.filter(connection=connection, kind="targeted").count()
    assert runs == 1

    replays = sandbox(base_url, "/_sandbox/webhooks/redeliver",
                      {"eventId": delivery["eventId"], "times": 5})["deliveries"]  # fmt: skip
    an_hour_ago = int(time.time()) - 3600
    stale = sandbox(base_url, "/_sandbox/webhooks/redeliver",
                    {"eventId": delivery["eventId"], "timestamp": an_hour_ago})  # fmt: skip
    unknown = sandbox(base_url, "/_sandbox/webhooks/send",
                      {"event": "selection.approved", "projectId": "9" * 5000})  # fmt: skip
    assert [d["status"] for d in replays] == [200] * 5
    assert stale["deliveries"][0]["status"] == 401
    assert unknown["deliveries"][0]["status"] == 202
    assert PullRun.objects.filter(connection=connection).count() == 1 + runs


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_pull_now_runs_in_a_celery_worker(run_sandbox, celery_worker_process):
    base_url = run_sandbox("buildertrend", "--projects", "6")
    connection = connect(base_url, "buildertrend")
    celery_worker_process(concurrency=1)
    portal_connection_pull_request(connection=connection, full=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run = PullRun.objects.filter(connection=connection, finished_at__isnull=False).first()
        if run is not None:
            break
        time.sleep(0.1)
    assert run is not None, "the worker never finished a pull"
    assert run.status == PullStatus.SUCCEEDED, run.errors
    assert_mirrors_equal_state(connection, sandbox(base_url, "/_sandbox/state"))
