"""Read the sync's state for staff: counts per state per model, oldest due, recent failures, and
whether publishing is paused (Builder Backed refused our credentials or access)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from builderops.core.publishing import DUE_STATES, SyncState
from integrations.breaker.services import breaker_sentence, breakers_open
from integrations.builderbacked.client import tenant_breaker
from integrations.builderbacked.sync.registry import KINDS


@dataclass(frozen=True)
class ModelStatus:
    """One publishable model's sync figures."""

    label: str
    name: str  # verbose name, plural
    counts: dict[str, int]  # every SyncState value, zero when none
    oldest_due_since: datetime | None

    @property
    def oldest_due_age(self) -> timedelta | None:
        return timezone.now() - self.oldest_due_since if self.oldest_due_since else None

    @property
    def due(self) -> int:
        return sum(self.counts[state] for state in DUE_STATES)


@dataclass(frozen=True)
class Failure:
    label: str
    pk: int
    text: str
    message: str
    at: datetime | None


def sync_status(labels=None) -> list[ModelStatus]:
    """Return each model's counts per sync state and the oldest due record's time, top down."""
    statuses = []
    for kind in KINDS.values():
        if labels is not None and kind.label not in labels:
            continue
        rows = kind.model._base_manager.order_by()
        counts = dict.fromkeys(SyncState.values, 0)
        counts.update(rows.values_list("sync_state").annotate(n=Count("pk")))
        oldest = rows.filter(sync_state__in=DUE_STATES).aggregate(at=Min("sync_due_since"))["at"]
        name = str(kind.model._meta.verbose_name_plural)
        statuses.append(ModelStatus(kind.label, name, counts, oldest))
    return statuses


def sync_oldest_due_age(statuses: list[ModelStatus]) -> timedelta | None:
    """Return how long the oldest due record of any model has waited."""
    ages = [s.oldest_due_age for s in statuses if s.oldest_due_age is not None]
    return max(ages) if ages else None


def sync_recent_failures(limit: int = 20, labels=None) -> list[Failure]:
    """Return the most recently failed records of every model, newest first, with messages."""
    failures = []
    for kind in KINDS.values():
        if labels is not None and kind.label not in labels:
            continue
        rows = kind.model._base_manager.filter(sync_state=SyncState.FAILED)
        rows = rows.order_by("-sync_last_attempt_at")[:limit]
        failures += [
            Failure(kind.label, obj.pk, str(obj), obj.sync_last_error, obj.sync_last_attempt_at)
            for obj in rows
        ]
    oldest = timezone.now() - timedelta(days=36500)
    failures.sort(key=lambda f: f.at or oldest, reverse=True)
    return failures[:limit]


def age_text(age: timedelta | None) -> str:
    """Say an age the way staff read it: "—", "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    if age is None:
        return "—"
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        return f"{hours} h {minutes % 60} min"
    return f"{days} d {hours % 24} h"


def publishing_paused_sentences() -> list[str]:
    """Say why publishing is paused, if Builder Backed's breaker is open (from its record)."""
    key = tenant_breaker(settings.BUILDERBACKED_BASE_URL, settings.BUILDERBACKED_CLIENT_ID).key
    return [breaker_sentence(record) for record in breakers_open() if record.key == key]
