"""Portal outbox: the exact request per write and portal, each answer to its state, approval."""

import datetime as dt
from decimal import Decimal

import httpx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from builderops.core.roles import role_permissions
from integrations.portals.buildertrend.client import BuildertrendClient
from integrations.portals.coconstruct.client import CoConstructClient
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder
from integrations.portals.models.outbox import PortalWrite, WriteKind, WriteState
from integrations.portals.outbox import services
from integrations.portals.outbox.bodies import ChangeOrderLineDraft, change_order_body
from integrations.portals.outbox.capabilities import write_kinds_offered
from integrations.portals.outbox.send import BUG_ALARM, portal_write_send
from tests.factories import user_in_role
from tests.integrations.http_fakes import FakeTime, Wire, reply, sent_json
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory
from tests.integrations.portals.test_client import make_client, portal_error, session_reply

pytestmark = pytest.mark.django_db

CLIENTS = {"buildertrend": BuildertrendClient, "coconstruct": CoConstructClient}
CO_BODY = change_order_body(
    title="Add outlet",
    description="Garage, east wall",
    deadline=dt.date(2026, 12, 15),
    signature_required=True,
    tax_rate=Decimal("0.0725"),
    lines=[
        ChangeOrderLineDraft(
            "Outlet", "16-100", Decimal("2"), Decimal("150.00"), Decimal("10"), True
        ),
        ChangeOrderLineDraft("Labor", "01-200", Decimal("1.5"), Decimal("80.00")),
    ],
)
SELECTION_BODY = {
    "category": "Flooring",
    "title": "Kitchen floor",
    "dueDate": "2026-12-20",
    "allowance": "2500.00",
    "options": [{"name": "Oak", "price": "2400.00", "vendor": "FloorCo"}],
}
PO_BODY = {
    "vendor": {"name": "Sparky Electric", "email": "po@sparky.test"},
    "scopeOfWork": "Garage outlets",
    "lineItems": [
        {"description": "Outlet", "costCode": "16-100", "quantity": "1.5", "unitCost": "33.33"}
    ],
}
BODIES = {
    WriteKind.CHANGE_ORDER: CO_BODY,
    WriteKind.SELECTION: SELECTION_BODY,
    WriteKind.PURCHASE_ORDER: PO_BODY,
}
PATHS = {
    WriteKind.CHANGE_ORDER: "change-orders",
    WriteKind.SELECTION: "selections",
    WriteKind.PURCHASE_ORDER: "purchase-orders",
}
# What the portal answers: our body plus what it owns (the sandbox computes the same totals).
ANSWERS = {
    WriteKind.CHANGE_ORDER: {
        **CO_BODY, "id": "CO9", "number": "CO-009", "approvedAt": None, "approvedBy": None,
        "subtotal": "420.00", "markupTotal": "30.00", "taxTotal": "23.93", "total": "473.93",
        "updatedAt": "2026-11-30T08:00:00Z",
    },
    WriteKind.SELECTION: {
        **SELECTION_BODY, "id": "S9", "status": "pending", "chosenOptionId": None,
        "approvedAt": None, "options": [{"id": "S9-1", **SELECTION_BODY["options"][0]}],
        "updatedAt": "2026-11-30T08:00:00Z",
    },
    WriteKind.PURCHASE_ORDER: {
        **PO_BODY, "id": "PO9", "number": "PO-009", "status": "issued", "total": "50.00",
        "updatedAt": "2026-11-30T08:00:00Z",
    },
}  # fmt: skip
OFFERED = [
    ("buildertrend", WriteKind.CHANGE_ORDER),
    ("buildertrend", WriteKind.SELECTION),
    ("coconstruct", WriteKind.CHANGE_ORDER),
    ("coconstruct", WriteKind.PURCHASE_ORDER),
]


def approved_write(portal="buildertrend", kind=WriteKind.CHANGE_ORDER, body=None) -> PortalWrite:
    project = ProjectFactory(connection=PortalConnectionFactory(portal=portal), remote_id="P1")
    write = services.portal_write_draft_create(
        project=project, kind=kind, body=body or BODIES[kind], title="t", user=None
    )
    approver = user_in_role("Approver")
    assert services.portal_write_approve(write=write, user=approver)
    write.refresh_from_db()
    return write


def send(write, *answers, portal="buildertrend", **options):
    wire = Wire(session_reply(), *answers)
    client = make_client(wire, cls=CLIENTS[portal], **options)
    return portal_write_send(write_id=write.pk, client=client), wire


@pytest.fixture(autouse=True)
def sends_recorded(monkeypatch):
    """Record the sends approval queues instead of running them."""
    from integrations.portals.outbox import tasks

    queued = []
    monkeypatch.setattr(tasks.portal_write_send_task, "delay", queued.append)
    return queued


def test_the_capability_table_follows_the_contract():
    assert write_kinds_offered("buildertrend") == ["change_order", "selection", "schedule_task"]
    assert write_kinds_offered("coconstruct") == ["change_order", "purchase_order"]


def test_a_write_the_portal_does_not_offer_is_refused_as_a_draft():
    project = ProjectFactory(connection=PortalConnectionFactory(portal="buildertrend"))

    with pytest.raises(ValidationError, match="Buildertrend does not offer a purchase order"):
        services.portal_write_draft_create(
            project=project, kind=WriteKind.PURCHASE_ORDER, body=PO_BODY, title="", user=None
        )


@pytest.mark.parametrize(("portal", "kind"), OFFERED)
def test_sends_the_exact_request_and_mirrors_the_created_record(portal, kind):
    write = approved_write(portal, kind)

    sent, wire = send(write, reply(201, ANSWERS[kind]), portal=portal)

    _, post = wire.requests
    assert (post.method, post.url.path) == ("POST", f"/t/buildertrend/projects/P1/{PATHS[kind]}")
    assert sent_json(post) == BODIES[kind]
    assert post.headers["Idempotency-Key"] == write.idempotency_key
    assert (sent.state, sent.remote_id, sent.totals_mismatch) == (
        "sent",
        ANSWERS[kind]["id"],
        False,
    )
    assert sent.mirrored.remote_id == ANSWERS[kind]["id"]
    assert sent.mirrored.project_id == write.project_id


def test_every_retry_sends_the_same_key_and_body():
    write = approved_write()

    sent, wire = send(
        write,
        portal_error(500, "internal"),
        httpx.RemoteProtocolError("peer closed connection"),
        httpx.ReadTimeout("slow"),
        reply(201, ANSWERS[WriteKind.CHANGE_ORDER]),
    )

    posts = wire.requests[1:]
    assert len(posts) == 4
    assert {p.headers["Idempotency-Key"] for p in posts} == {write.idempotency_key}
    assert all(p.content == posts[0].content for p in posts)
    assert sent.state == WriteState.SENT
    assert ChangeOrder.objects.filter(remote_id="CO9").count() == 1


def test_a_portal_total_that_differs_from_ours_is_flagged():
    write = approved_write()
    answer = {**ANSWERS[WriteKind.CHANGE_ORDER], "taxTotal": "23.94", "total": "473.94"}

    sent, _ = send(write, reply(201, answer))

    assert sent.state == WriteState.SENT
    assert sent.totals_mismatch is True


def test_a_purchase_order_total_is_checked_with_the_contract_rounding():
    write = approved_write("coconstruct", WriteKind.PURCHASE_ORDER)

    sent, _ = send(write, reply(201, ANSWERS[WriteKind.PURCHASE_ORDER]), portal="coconstruct")

    assert sent.totals_mismatch is False  # 1.5 x 33.33 = 49.995 -> 50.00 (half-up)
    assert PurchaseOrder.objects.get(remote_id="PO9").computed_total == Decimal("50.00")


def test_a_400_returns_the_draft_with_the_message_on_its_field():
    write = approved_write()
    refusal = portal_error(400, "invalid", "taxRate must be below 1.", field="taxRate")

    sent, _ = send(write, refusal)

    assert sent.state == WriteState.DRAFT
    assert (sent.error_field, sent.error) == ("taxRate", "taxRate must be below 1.")
    assert sent.idempotency_key is None  # nothing was created: a corrected draft gets a new key


def test_a_409_is_a_bug_alarm_and_is_never_retried():
    write = approved_write()

    sent, wire = send(write, portal_error(409, "idempotency_key_reused"))

    assert len(wire.requests) == 2  # the login, and one POST
    assert (sent.state, sent.error) == (WriteState.FAILED, BUG_ALARM)
    assert portal_write_send(write_id=write.pk, client=object()) is None  # not owed any more


def test_a_403_fails_in_our_own_words():
    write = approved_write()

    sent, _ = send(write, portal_error(403, "forbidden", "<b>internal detail</b>"))

    assert sent.state == WriteState.FAILED
    assert sent.error == (
        "The portal refused access (HTTP 403, POST /t/buildertrend/projects/P1/change-orders)."
    )


def test_a_failure_that_outlasts_the_client_budget_is_retried_later():
    write = approved_write()
    before = timezone.now()

    sent, _ = send(write, portal_error(503, "unavailable"), retry=FakeTime().policy(attempts=1))

    assert sent.state == WriteState.RETRYING
    assert sent.attempts == 1
    assert sent.next_attempt_at > before
    assert sent.error.startswith("The portal failed to answer (HTTP 503")


def test_a_write_being_sent_is_not_sent_by_a_second_worker():
    write = approved_write()
    PortalWrite.objects.filter(pk=write.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=1)
    )

    assert portal_write_send(write_id=write.pk, client=object()) is None


class TestApproval:
    def test_an_editor_drafts_but_cannot_approve(self):
        project = ProjectFactory()
        editor = user_in_role("Editor")
        write = services.portal_write_draft_create(
            project=project, kind=WriteKind.CHANGE_ORDER, body=CO_BODY, title="t", user=editor
        )

        with pytest.raises(PermissionDenied):
            services.portal_write_approve(write=write, user=editor)
        assert editor.has_perm("integrations.add_portalwrite")

    def test_approving_fixes_the_key_once_and_queues_one_send(
        self, sends_recorded, django_capture_on_commit_callbacks
    ):
        write = services.portal_write_draft_create(
            project=ProjectFactory(),
            kind=WriteKind.CHANGE_ORDER,
            body=CO_BODY,
            title="t",
            user=None,
        )
        approver = user_in_role("Approver")

        with django_capture_on_commit_callbacks(execute=True):
            assert services.portal_write_approve(write=write, user=approver)
            assert not services.portal_write_approve(write=write, user=approver)

        assert write.state == WriteState.SENDING
        assert len(write.idempotency_key) == 32
        assert write.approved_by == approver
        assert sends_recorded == [write.pk]
        assert [h.state for h in write.history.order_by("history_id")] == ["draft", "sending"]

    def test_only_approvers_hold_the_send_permission(self):
        roles = role_permissions()
        assert "integrations.send_portalwrite" in roles["Approver"]
        assert "integrations.send_portalwrite" not in roles["Editor"]
        assert "integrations.add_portalwrite" not in roles["Viewer"]

    def test_retry_keeps_the_key_and_discard_refuses_a_write_in_flight(self):
        write = approved_write()
        key = write.idempotency_key

        assert not services.portal_write_discard(write=write)
        PortalWrite.objects.filter(pk=write.pk).update(state=WriteState.FAILED)
        assert services.portal_write_retry(write=write)
        assert (write.state, write.idempotency_key) == (WriteState.SENDING, key)


def test_the_sweeper_queues_lost_sends_once():
    write = approved_write()
    now = timezone.now()
    PortalWrite.objects.filter(pk=write.pk).update(next_attempt_at=now - dt.timedelta(minutes=5))

    assert services.portal_writes_requeue(now=now) == [write.pk]
    assert services.portal_writes_requeue(now=now) == []
