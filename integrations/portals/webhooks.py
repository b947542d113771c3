"""Receive a portal's webhooks: verify the signature, queue a targeted pull, answer 202 at once.

shared/contracts/portals.md, "Webhooks": the body is `{"event", "projectId", "objectId",
"occurredAt"}`, signed with `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` using the
connection's shared secret. The signature is checked in constant time before the body is parsed.
"""

import hashlib
import hmac
import json

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.portals.models import PortalConnection
from integrations.portals.tasks import portal_pull_object

SIGNATURE_HEADER = "X-Signature"
SIGNATURE_PREFIX = "sha256="
# The event's noun names the resource to pull; anything else pulls all of the project's children.
EVENT_RESOURCES = {
    "selection": "selections",
    "change_order": "change_orders",
    "purchase_order": "purchase_orders",
    "schedule": "schedule_tasks",
    "schedule_task": "schedule_tasks",
}


def webhook_signature(secret: str, body: bytes) -> str:
    """Return the header value a sender puts on `body`: `sha256=<hex digest>`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def webhook_signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Say, in constant time, whether `header` signs `body` with `secret`."""
    if not header or not secret:
        return False
    return hmac.compare_digest(header.strip().encode(), webhook_signature(secret, body).encode())


def event_resource(event: str) -> str | None:
    """Map an event name ("change_order.approved") to the resource to pull (None: all)."""
    return EVENT_RESOURCES.get(event.split(".", 1)[0])


def event_parse(body: bytes) -> dict | None:
    """Return the event if the body is a JSON object naming its project, else None."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return None
    if not isinstance(event.get("projectId"), str | int) or isinstance(event["projectId"], bool):
        return None
    return event


def error(status: int, code: str, message: str) -> JsonResponse:
    """Answer an error in the contract's error shape."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
@require_POST
def portal_webhook(request: HttpRequest, webhook_id) -> JsonResponse:
    """Accept one signed event for a connection and queue the pull it asks for."""
    connection = get_object_or_404(PortalConnection, webhook_id=webhook_id)
    body = request.body
    if not webhook_signature_valid(
        connection.webhook_secret(), body, request.headers.get(SIGNATURE_HEADER)
    ):
        return error(401, "invalid_signature", "The X-Signature header does not sign this body.")
    event = event_parse(body)
    if event is None:
        return error(400, "invalid", "The body must be a JSON event with event and projectId.")
    if not connection.enabled:
        return JsonResponse({"accepted": False, "reason": "connection disabled"}, status=202)
    object_id = event.get("objectId")
    portal_pull_object.delay(
        connection.pk,
        event_resource(event["event"]),
        str(event["projectId"]),
        None if object_id is None else str(object_id),
    )
    return JsonResponse({"accepted": True}, status=202)
