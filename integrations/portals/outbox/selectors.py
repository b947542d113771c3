"""Read the portal outbox: counts per state, the oldest write still owed, recent failures."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from integrations.portals.models.outbox import IN_FLIGHT, PortalWrite, WriteState

WAITING = (WriteState.AWAITING_APPROVAL, *IN_FLIGHT)


@dataclass(frozen=True)
class OutboxStatus:
    counts: Counter
    oldest_waiting: datetime | None  # created_at of the oldest write awaiting approval or a send
    recent_failures: list[PortalWrite]


def outbox_status(*, connection_name: str | None = None, failures: int = 10) -> OutboxStatus:
    """Count writes per state and name the oldest waiting one and the latest failures."""
    writes = PortalWrite.objects.all()
    if connection_name:
        writes = writes.filter(connection__name=connection_name)
    counts = Counter(dict(writes.values_list("state").annotate(n=Count("pk")).order_by()))
    oldest = writes.filter(state__in=WAITING).aggregate(oldest=Min("created_at"))["oldest"]
    failed = writes.filter(state=WriteState.FAILED).select_related("project", "connection")
    return OutboxStatus(counts, oldest, list(failed.order_by("-updated_at")[:failures]))


def writes_settled(ids: list[int]) -> int:
    """Count how many of these writes are no longer owed to a portal (sent, failed, draft...)."""
    return PortalWrite.objects.filter(pk__in=ids).exclude(state__in=IN_FLIGHT).count()
