"""The webhook endpoint: signed bodies queue a targeted pull at once; anything else is refused."""

import json

import pytest
from django.urls import reverse

from integrations.portals import tasks
from integrations.portals.webhooks import event_resource, webhook_signature
from tests.integrations.portals.factories import PortalConnectionFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "event": "change_order.approved",
    "projectId": "100007",
    "objectId": "30000070002",
    "occurredAt": "2026-11-22T20:00:00Z",
}


@pytest.fixture
def queued(monkeypatch):
    """Record the pulls the endpoint queues instead of sending them to a broker."""
    calls = []
    monkeypatch.setattr(tasks.portal_pull_object, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def connection():
    return PortalConnectionFactory()


def post(client, connection, body: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_X_SIGNATURE": signature}
    url = reverse("portals:webhook", args=[connection.webhook_id])
    return client.post(url, data=body, content_type="application/json", **headers)


def test_a_signed_event_is_accepted_and_queues_a_targeted_pull(client, connection, queued):
    body = json.dumps(EVENT).encode()
    response = post(client, connection, body, webhook_signature(connection.webhook_secret(), body))
    assert response.status_code == 202
    assert queued == [(connection.pk, "change_orders", "100007", "30000070002")]


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "sha1=deadbeef",
        "not-a-signature",
    ],
)
def test_a_missing_or_malformed_signature_is_401(client, connection, queued, signature):
    response = post(client, connection, json.dumps(EVENT).encode(), signature)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert queued == []


def test_a_tampered_body_is_401(client, connection, queued):
    body = json.dumps(EVENT).encode()
    signature = webhook_signature(connection.webhook_secret(), body)
    tampered = body.replace(b"100007", b"100008")
    assert post(client, connection, tampered, signature).status_code == 401
    assert queued == []


def test_a_signature_made_with_another_connections_secret_is_401(client, connection, queued):
    other = PortalConnectionFactory()
    body = json.dumps(EVENT).encode()
    signature = webhook_signature(other.webhook_secret(), body)
    assert post(client, connection, body, signature).status_code == 401
    assert queued == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"event": "x.y"}', b"\xff\xfe"])
def test_a_signed_body_that_is_not_an_event_is_400(client, connection, queued, body):
    response = post(client, connection, body, webhook_signature(connection.webhook_secret(), body))
    assert response.status_code == 400
    assert queued == []


def test_only_post_is_allowed(client, connection):
    url = reverse("portals:webhook", args=[connection.webhook_id])
    assert client.get(url).status_code == 405


def test_an_unknown_webhook_id_is_404(client, queued):
    url = reverse("portals:webhook", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, data=b"{}", content_type="application/json").status_code == 404


def test_a_disabled_connection_accepts_but_pulls_nothing(client, connection, queued):
    connection.enabled = False
    connection.save()
    body = json.dumps(EVENT).encode()
    response = post(client, connection, body, webhook_signature(connection.webhook_secret(), body))
    assert response.status_code == 202
    assert queued == []


@pytest.mark.parametrize(
    ("event", "resource"),
    [
        ("change_order.approved", "change_orders"),
        ("selection.approved", "selections"),
        ("schedule.changed", "schedule_tasks"),
        ("purchase_order.accepted", "purchase_orders"),
        ("project.updated", None),
    ],
)
def test_events_name_the_resource_to_pull(event, resource):
    assert event_resource(event) == resource
