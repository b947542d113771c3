"""Act on verified webhook events: each event id once, one pull per burst, a per-connection limit.

shared/contracts/portals.md, "Webhooks (decided here)": a receiver "accepts each `eventId` once (a
repeat is answered 200 and ignored) … and pulls the named object in the background". So:

- an event id is stored (WebhookEvent, unique per connection) and kept for
  PORTAL_WEBHOOK_EVENT_RETENTION_DAYS (`webhook_events_prune`, daily in builderops/celery.py);
  longer than the 300 s timestamp window, because portals redeliver an event with a fresh
  timestamp;
- a `projectId` that is not a project we mirror for the connection, or not shaped like an id, is
  ignored with a log line: only the scheduled incremental pull can discover new projects, and an
  event must never turn into a whole pull;
- deliveries for one connection + project + resource within PORTAL_WEBHOOK_COALESCE_SECONDS queue
  one targeted pull (a cache key marks the pull pending until its task starts);
- each connection accepts at most PORTAL_WEBHOOK_RATE_LIMIT requests a minute (a fixed window
  counted in the shared cache, so every web process shares it).
"""

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import Project
from integrations.portals.models.webhooks import WebhookEvent

logger = logging.getLogger(__name__)

# Mirrors keep remote ids in 100 characters (models/mirrors.py); the portals' ids are digits.
PROJECT_ID_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
RATE_WINDOW_SECONDS = 60
MAX_LOGGED = 80  # characters of a caller's value in a log line
# A pending mark outlives the coalescing window by this much, so a lost task only delays (never
# blocks for good) the next webhook's pull.
PENDING_GRACE_SECONDS = 300
# The event's noun names the resource to pull; anything else pulls all of the project's children.
EVENT_RESOURCES = {
    "selection": "selections",
    "change_order": "change_orders",
    "purchase_order": "purchase_orders",
    "schedule": "schedule_tasks",
    "schedule_task": "schedule_tasks",
}


@dataclass(frozen=True)
class WebhookEventData:
    """Hold one parsed event (ids as strings)."""

    event_id: str
    event: str
    project_id: str
    object_id: str | None = None


class Received(Enum):
    QUEUED = "queued"
    COALESCED = "coalesced"
    DUPLICATE = "duplicate"
    UNKNOWN_PROJECT = "unknown project"


def event_resource(event: str) -> str | None:
    """Map an event name ("change_order.approved") to the resource to pull (None: all)."""
    return EVENT_RESOURCES.get(event.split(".", 1)[0])


def pending_key(connection_id: int, project_id: str, resource: str | None) -> str:
    """Return the cache key that marks a targeted pull as queued and not yet started."""
    return f"portals:webhook:pending:{connection_id}:{project_id}:{resource or 'all'}"


def portal_webhook_rate_check(*, connection: PortalConnection, now: float | None = None) -> int:
    """Count one request for the connection; return 0 if admitted, else seconds to wait."""
    limit = settings.PORTAL_WEBHOOK_RATE_LIMIT
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"portals:webhook:rate:{connection.pk}:{window}"
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
        count = cache.incr(key)
    except Exception:  # cache down (issue 10): a signed request is answered, not failed
        logger.warning("Webhook rate limit not counted: the cache failed", exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, int((window + 1) * RATE_WINDOW_SECONDS - now))


def portal_webhook_receive(*, connection: PortalConnection, event: WebhookEventData) -> Received:
    """Act on one verified event: ignore, recognise a repeat, or queue (or join) a pull."""
    if not project_known(connection, event.project_id):
        logger.warning(
            "Webhook %r for connection %s names project %r, which it doesn't mirror: ignored",
            event.event_id[:MAX_LOGGED],
            connection.pk,
            event.project_id[:MAX_LOGGED],
        )
        return Received.UNKNOWN_PROJECT
    if not event_record_once(connection, event):
        return Received.DUPLICATE
    resource = event_resource(event.event)
    coalesce = settings.PORTAL_WEBHOOK_COALESCE_SECONDS
    key = pending_key(connection.pk, event.project_id, resource)
    if not pending_mark(key, event.event_id, timeout=coalesce + PENDING_GRACE_SECONDS):
        return Received.COALESCED
    pull_queue(connection.pk, resource, event, countdown=coalesce)
    return Received.QUEUED


def project_known(connection: PortalConnection, project_id: str) -> bool:
    """Say whether the id is shaped like a portal id and names a project we mirror."""
    if not PROJECT_ID_SHAPE.fullmatch(project_id):
        return False
    return Project.objects.filter(connection=connection, remote_id=project_id).exists()


def event_record_once(connection: PortalConnection, event: WebhookEventData) -> bool:
    """Store the event id; return False when the connection accepted it before."""
    _, created = WebhookEvent.objects.get_or_create(
        connection=connection,
        event_id=event.event_id,
        defaults={
            "event": event.event,
            "project_id": event.project_id,
            "object_id": (event.object_id or "")[:100],
            "received_at": timezone.now(),
        },
    )
    return created


def pull_queue(
    connection_id: int, resource: str | None, event: WebhookEventData, *, countdown: float
) -> None:
    """Queue the targeted pull when the transaction commits, after the coalescing window."""
    from integrations.portals.tasks import portal_pull_object  # the tasks import the pull

    args = (connection_id, resource, event.project_id, event.object_id)

    def send() -> None:
        try:
            portal_pull_object.apply_async(args, countdown=countdown)
        except Exception:  # broker down (issue 10): the scheduled incremental pull covers it
            logger.warning(
                "Webhook pull for connection %s not queued", connection_id, exc_info=True
            )

    transaction.on_commit(send)


def pending_mark(key: str, event_id: str, *, timeout: float) -> bool:
    """Mark a pull pending; False when one already is. A failing cache marks nothing: queue."""
    try:
        return cache.add(key, event_id, timeout=timeout)
    except Exception:
        logger.warning("Webhook coalescing skipped: the cache failed", exc_info=True)
        return True


def portal_webhook_pending_clear(
    *, connection_id: int, project_id: str, resource: str | None
) -> None:
    """Let the next event for this project + resource queue a new pull (its pull is starting)."""
    cache.delete(pending_key(connection_id, project_id, resource))


def webhook_events_prune(*, now: datetime | None = None) -> int:
    """Delete event ids older than the retention window; return how many were deleted."""
    days = settings.PORTAL_WEBHOOK_EVENT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted
