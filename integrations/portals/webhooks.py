"""Receive a portal's webhooks: verify, answer at once, and leave the work to a targeted pull.

shared/contracts/portals.md, "Webhooks (decided here)": the body is `{"eventId", "event",
"projectId", "objectId", "occurredAt"}`; `X-Timestamp` is the Unix time it was sent and
`X-Signature: sha256=<hex HMAC-SHA256 of "<X-Timestamp>." + raw body>` with the connection's
shared secret. In order, before any work:

  413  a body larger than MAX_BODY_BYTES (refused by Content-Length, before reading it)
  401  no usable X-Timestamp, a signature that doesn't cover timestamp and body (checked in
       constant time), or a timestamp more than 300 s from our clock
  400  a signed body that is not an event
  202  a disabled connection (nothing done)
  429  over the connection's PORTAL_WEBHOOK_RATE_LIMIT (Retry-After says when to come back)
then `portal_webhook_receive` (webhook_events.py) decides: 200 for an event id already accepted,
202 for the rest — queued, gathered into a pull already queued, or ignored (unknown project).
"""

import hashlib
import hmac
import json
import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.portals.models.connection import PortalConnection
from integrations.portals.webhook_events import (
    Received,
    WebhookEventData,
    portal_webhook_rate_check,
    portal_webhook_receive,
)

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_PREFIX = "sha256="
TIMESTAMP_TOLERANCE_SECONDS = 300  # contract: refuse a timestamp more than 300 s away
MAX_BODY_BYTES = 64 * 1024  # an event is a few hundred bytes
MAX_EVENT_ID_LENGTH = 200
MAX_EVENT_NAME_LENGTH = 100


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the X-Signature a sender puts on `body` sent at `timestamp`."""
    signed = timestamp.encode() + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_signature_valid(secret: str, timestamp: str, body: bytes, header: str | None) -> bool:
    """Say, in constant time, whether `header` signs the timestamp and body with `secret`."""
    if not header or not secret:
        return False
    expected = webhook_signature(secret, timestamp, body)
    return hmac.compare_digest(header.strip().encode(), expected.encode())


def timestamp_read(header: str | None) -> str | None:
    """Return the X-Timestamp header if it is Unix seconds (digits only), else None."""
    value = (header or "").strip()
    return value if value.isascii() and value.isdigit() and len(value) <= 12 else None


def timestamp_fresh(timestamp: str, now: float) -> bool:
    """Say whether the timestamp is within the contract's 300 s of our clock."""
    return abs(now - int(timestamp)) <= TIMESTAMP_TOLERANCE_SECONDS


def text_field(event: dict, name: str, max_length: int) -> str | None:
    """Return a string (or integer) field as a non-empty string of at most max_length, else None."""
    value: Any = event.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    value = str(value)
    return value if 0 < len(value) <= max_length else None


def event_parse(body: bytes) -> WebhookEventData | None:
    """Return the event if the body is a JSON object with eventId, event and projectId."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict):
        return None
    event_id = text_field(event, "eventId", MAX_EVENT_ID_LENGTH)
    name = text_field(event, "event", MAX_EVENT_NAME_LENGTH)
    project_id = event.get("projectId")
    if event_id is None or name is None or not isinstance(project_id, str | int):
        return None
    if isinstance(project_id, bool):
        return None
    object_id = event.get("objectId")
    return WebhookEventData(
        event_id=event_id,
        event=name,
        project_id=str(project_id),
        object_id=str(object_id) if isinstance(object_id, str | int) else None,
    )


def error(status: int, code: str, message: str) -> JsonResponse:
    """Answer an error in the contract's error shape."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def body_too_large(request: HttpRequest) -> bool:
    """Say whether the declared body is larger than an event can be (before reading it)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def request_refusal(request: HttpRequest, connection: PortalConnection) -> JsonResponse | None:
    """Return the 401 for a request not signed as the contract says, or None when it is."""
    timestamp = timestamp_read(request.headers.get(TIMESTAMP_HEADER))
    if timestamp is None:
        return error(401, "invalid_timestamp", "X-Timestamp must be the Unix time in seconds.")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not webhook_signature_valid(connection.webhook_secret(), timestamp, request.body, signature):
        return error(
            401,
            "invalid_signature",
            "The X-Signature header does not sign this timestamp and body.",
        )
    if not timestamp_fresh(timestamp, time.time()):
        return error(401, "stale_timestamp", "X-Timestamp is more than 300 seconds from our clock.")
    return None


ANSWERS = {
    Received.QUEUED: (202, {"accepted": True, "queued": True}),
    Received.COALESCED: (202, {"accepted": True, "queued": False}),
    Received.DUPLICATE: (200, {"accepted": False, "reason": "duplicate event"}),
    Received.UNKNOWN_PROJECT: (202, {"accepted": False, "reason": "unknown project"}),
}


@csrf_exempt
@require_POST
def portal_webhook(request: HttpRequest, webhook_id) -> JsonResponse:
    """Accept one signed event for a connection and queue the pull it asks for."""
    connection = get_object_or_404(PortalConnection, webhook_id=webhook_id)
    if body_too_large(request):
        return error(413, "too_large", f"A webhook body may be at most {MAX_BODY_BYTES} bytes.")
    refusal = request_refusal(request, connection)
    if refusal is not None:
        return refusal
    event = event_parse(request.body)
    if event is None:
        return error(
            400, "invalid", "The body must be a JSON event with eventId, event, projectId."
        )
    if not connection.enabled:
        return JsonResponse({"accepted": False, "reason": "connection disabled"}, status=202)
    retry_after = portal_webhook_rate_check(connection=connection)
    if retry_after:
        response = error(429, "rate_limited", "Too many webhooks for this connection; retry later.")
        response["Retry-After"] = str(retry_after)
        return response
    status, answer = ANSWERS[portal_webhook_receive(connection=connection, event=event)]
    return JsonResponse(answer, status=status)
