"""The webhook endpoint (contract portals.md, "Webhooks (decided here)"): a signed, fresh event
queues one targeted pull; replays, stale or unsigned requests, unknown projects and floods don't."""

import json
import logging
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.portals import tasks, webhook_events
from integrations.portals.models.webhooks import WebhookEvent
from integrations.portals.webhook_events import event_resource, webhook_events_prune
from integrations.portals.webhooks import webhook_signature
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PROJECT_ID = "100007"
COUNTS = ("new_count", "updated_count", "deleted_count", "unchanged_count", "requests_made")


def event(event_id: str = "evt_1", **fields) -> dict:
    return {
        "eventId": event_id,
        "event": "change_order.approved",
        "projectId": PROJECT_ID,
        "objectId": "30000070002",
        "occurredAt": "2026-11-22T20:00:00Z",
        **fields,
    }


@pytest.fixture
def queued(monkeypatch):
    """Record the pulls the endpoint queues instead of sending them to a broker (the test's
    transaction never commits, so on_commit callbacks run at once here)."""
    calls = []
    monkeypatch.setattr(webhook_events.transaction, "on_commit", lambda callback: callback())
    monkeypatch.setattr(
        tasks.portal_pull_object, "apply_async", lambda args, **kwargs: calls.append(tuple(args))
    )
    return calls


@pytest.fixture
def connection():
    connection = PortalConnectionFactory()
    ProjectFactory(connection=connection, remote_id=PROJECT_ID)
    return connection


def post(client, connection, body: bytes, *, timestamp: str | None = "now", signature="sign"):
    """POST a webhook; by default timestamped now and signed as the contract says."""
    if timestamp == "now":
        timestamp = str(int(time.time()))
    headers = {}
    if timestamp is not None:
        headers["HTTP_X_TIMESTAMP"] = timestamp
    if signature == "sign":
        signature = webhook_signature(connection.webhook_secret(), timestamp or "", body)
    if signature is not None:
        headers["HTTP_X_SIGNATURE"] = signature
    url = reverse("portals:webhook", args=[connection.webhook_id])
    return client.post(url, data=body, content_type="application/json", **headers)


def send(client, connection, payload: dict, **kwargs):
    return post(client, connection, json.dumps(payload).encode(), **kwargs)


def test_a_signed_event_is_accepted_and_queues_a_targeted_pull(client, connection, queued):
    response = send(client, connection, event())
    assert response.status_code == 202
    assert response.json() == {"accepted": True, "queued": True}
    assert queued == [(connection.pk, "change_orders", PROJECT_ID, "30000070002")]


def test_fifty_replays_of_one_event_queue_one_pull(client, connection, queued):
    body = json.dumps(event()).encode()
    timestamp = str(int(time.time()))
    signature = webhook_signature(connection.webhook_secret(), timestamp, body)
    statuses = [
        post(client, connection, body, timestamp=timestamp, signature=signature).status_code
        for _ in range(50)
    ]
    assert statuses == [202] + [200] * 49
    assert len(queued) == 1
    assert WebhookEvent.objects.filter(connection=connection).count() == 1


def test_a_redelivery_with_a_fresh_timestamp_is_still_a_repeat(client, connection, queued):
    first = send(client, connection, event(), timestamp=str(int(time.time()) - 200))
    again = send(client, connection, event())
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"accepted": False, "reason": "duplicate event"}
    assert len(queued) == 1


@pytest.mark.parametrize(
    ("timestamp", "code"),
    [
        (None, "invalid_timestamp"),
        ("", "invalid_timestamp"),
        ("yesterday", "invalid_timestamp"),
        ("-5", "invalid_timestamp"),
        (-301, "stale_timestamp"),  # seconds from now
        (400, "stale_timestamp"),
    ],
)
def test_a_missing_or_stale_timestamp_is_401(client, connection, queued, timestamp, code):
    if isinstance(timestamp, int):
        timestamp = str(int(time.time()) + timestamp)
    response = send(client, connection, event(), timestamp=timestamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert queued == []
    assert not WebhookEvent.objects.exists()


def test_a_signature_that_does_not_cover_the_timestamp_is_401(client, connection, queued):
    """The old format (HMAC of the body alone) lets a captured request be replayed later."""
    import hashlib
    import hmac

    body = json.dumps(event()).encode()
    body_only = hmac.new(connection.webhook_secret().encode(), body, hashlib.sha256).hexdigest()
    response = post(client, connection, body, signature="sha256=" + body_only)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"


def test_a_signed_stale_request_cannot_be_refreshed_by_changing_its_timestamp(
    client, connection, queued
):
    body = json.dumps(event()).encode()
    old = str(int(time.time()) - 3600)
    signature = webhook_signature(connection.webhook_secret(), old, body)
    assert post(client, connection, body, timestamp=old, signature=signature).status_code == 401
    now = str(int(time.time()))
    assert post(client, connection, body, timestamp=now, signature=signature).status_code == 401
    assert queued == []


@pytest.mark.parametrize(
    "signature", [None, "", "sha256=" + "0" * 64, "sha1=deadbeef", "not-a-signature"]
)
def test_a_missing_or_malformed_signature_is_401(client, connection, queued, signature):
    response = send(client, connection, event(), signature=signature)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert queued == []


def test_a_tampered_body_is_401(client, connection, queued):
    body = json.dumps(event()).encode()
    timestamp = str(int(time.time()))
    signature = webhook_signature(connection.webhook_secret(), timestamp, body)
    tampered = body.replace(b"100007", b"100008")
    assert (
        post(client, connection, tampered, timestamp=timestamp, signature=signature).status_code
        == 401
    )
    assert queued == []


def test_a_signature_made_with_another_connections_secret_is_401(client, connection, queued):
    other = PortalConnectionFactory()
    body = json.dumps(event()).encode()
    timestamp = str(int(time.time()))
    signature = webhook_signature(other.webhook_secret(), timestamp, body)
    assert (
        post(client, connection, body, timestamp=timestamp, signature=signature).status_code == 401
    )
    assert queued == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"event": "x.y", "projectId": "1"}',  # no eventId
        json.dumps(event(eventId="")).encode(),
        json.dumps(event(eventId="e" * 201)).encode(),
        json.dumps(event(projectId=None)).encode(),
        b"\xff\xfe",
    ],
)
def test_a_signed_body_that_is_not_an_event_is_400(client, connection, queued, body):
    assert post(client, connection, body).status_code == 400
    assert queued == []


def test_a_body_larger_than_an_event_is_refused_before_reading(client, connection, queued):
    url = reverse("portals:webhook", args=[connection.webhook_id])
    response = client.generic(
        "POST", url, data=b"{}", content_type="application/json", CONTENT_LENGTH="10000000"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "project_id",
    ["100008", "9" * 5000, "../../etc", "100007\nforged log line", 100008],
)
def test_an_unknown_or_malformed_project_is_202_ignored_and_logged(
    client, connection, queued, caplog, project_id
):
    with caplog.at_level(logging.WARNING):
        response = send(client, connection, event(projectId=project_id))
    assert response.status_code == 202
    assert response.json() == {"accepted": False, "reason": "unknown project"}
    assert queued == []
    assert "which it doesn't mirror: ignored" in caplog.text
    assert "9" * 100 not in caplog.text  # a huge id is cut in the log line
    assert "\nforged" not in caplog.text


def test_a_project_of_another_connection_is_unknown(client, connection, queued):
    other = PortalConnectionFactory()
    ProjectFactory(connection=other, remote_id="555")
    response = send(client, connection, event(projectId="555"))
    assert response.json()["reason"] == "unknown project"


def test_a_burst_for_one_project_and_resource_queues_one_pull(client, connection, queued):
    ProjectFactory(connection=connection, remote_id="100009")
    burst = [send(client, connection, event(f"evt_{n}")) for n in range(20)]
    send(client, connection, event("evt_sel", event="selection.approved"))
    send(client, connection, event("evt_other", projectId="100009"))
    assert [r.status_code for r in burst] == [202] * 20
    assert [r.json()["queued"] for r in burst] == [True] + [False] * 19
    assert sorted(queued) == sorted(
        [
            (connection.pk, "change_orders", PROJECT_ID, "30000070002"),
            (connection.pk, "selections", PROJECT_ID, "30000070002"),
            (connection.pk, "change_orders", "100009", "30000070002"),
        ]
    )
    assert WebhookEvent.objects.filter(connection=connection).count() == 22


def test_an_event_during_the_pull_queues_another(client, connection, queued, monkeypatch):
    """The pull may already have read the portal when the event's change happened."""

    def pull_meanwhile_notified(**kwargs):
        send(client, connection, event("evt_2"))
        return SimpleNamespace(pk=1, status="succeeded", errors=[], **dict.fromkeys(COUNTS, 0))

    monkeypatch.setattr(tasks, "portal_pull_targeted", pull_meanwhile_notified)
    send(client, connection, event("evt_1"))
    tasks.portal_pull_object.run(*queued[0])
    send(client, connection, event("evt_3"))  # joins the pull evt_2 queued
    assert len(queued) == 2


def test_the_rate_limit_is_per_connection(client, connection, queued, settings):
    settings.PORTAL_WEBHOOK_RATE_LIMIT = 5
    other = PortalConnectionFactory()
    ProjectFactory(connection=other, remote_id=PROJECT_ID)
    statuses = [send(client, connection, event(f"evt_{n}")).status_code for n in range(8)]
    limited = send(client, connection, event("evt_late"))
    elsewhere = send(client, other, event("evt_other"))
    assert statuses == [202] * 5 + [429] * 3
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert elsewhere.status_code == 202
    # A refused event was not recorded: the portal's retry of it will be accepted.
    assert not WebhookEvent.objects.filter(event_id="evt_late").exists()


def test_only_post_is_allowed(client, connection):
    url = reverse("portals:webhook", args=[connection.webhook_id])
    assert client.get(url).status_code == 405


def test_an_unknown_webhook_id_is_404(client, queued):
    url = reverse("portals:webhook", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, data=b"{}", content_type="application/json").status_code == 404


def test_a_disabled_connection_accepts_but_pulls_nothing(client, connection, queued):
    connection.enabled = False
    connection.save()
    response = send(client, connection, event())
    assert response.status_code == 202
    assert queued == []


def test_event_ids_are_forgotten_after_the_retention_window(connection, settings):
    settings.PORTAL_WEBHOOK_EVENT_RETENTION_DAYS = 7
    now = timezone.now()
    for n, age in enumerate((timedelta(days=8), timedelta(days=6), timedelta(0))):
        WebhookEvent.objects.create(
            connection=connection, event_id=f"evt_{n}", event="x.y", project_id=PROJECT_ID,
            received_at=now - age,
        )  # fmt: skip
    assert webhook_events_prune(now=now) == 1
    assert sorted(WebhookEvent.objects.values_list("event_id", flat=True)) == ["evt_1", "evt_2"]


def test_the_prune_task_is_scheduled():
    from builderops.celery import app

    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "integrations.portals.tasks.portal_webhook_events_prune" in tasks_scheduled


@pytest.mark.parametrize(
    ("event_name", "resource"),
    [
        ("change_order.approved", "change_orders"),
        ("selection.approved", "selections"),
        ("schedule.changed", "schedule_tasks"),
        ("purchase_order.accepted", "purchase_orders"),
        ("project.updated", None),
    ],
)
def test_events_name_the_resource_to_pull(event_name, resource):
    assert event_resource(event_name) == resource
