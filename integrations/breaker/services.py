"""Mirror a breaker's cache state into its durable `BreakerRecord`, and read the open ones."""

import datetime as dt

from django.utils import timezone

from integrations.breaker.models import BreakerRecord
from integrations.breaker.state import CircuitBreaker, breaker_headline


def _when(epoch: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC) if epoch else None


def breaker_record_sync(*, breaker: CircuitBreaker) -> BreakerRecord | None:
    """Write the breaker's live state to its record (open, or closed now); return the record."""
    state = breaker.state()
    if state is None:
        BreakerRecord.objects.filter(key=breaker.key, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        return None
    record, _ = BreakerRecord.objects.update_or_create(
        key=breaker.key,
        defaults={
            "label": state["label"],
            "reason": state["reason"],
            "message": state["message"],
            "hint": state["hint"],
            "activity": state["activity"],
            "opened_at": _when(state["since"]),
            "probed_at": _when(state.get("probed_at")),
            "closed_at": None,
        },
    )
    return record


def breaker_sentence(record: BreakerRecord) -> str:
    """Return "Builder Backed rejected our credentials at 10:42 — publishing is paused; check …"."""
    return breaker_state_sentence(
        {
            "label": record.label,
            "reason": record.reason,
            "message": record.message,
            "activity": record.activity,
            "hint": record.hint,
            "since": record.opened_at.timestamp(),
        }
    )


def breaker_state_sentence(state: dict) -> str:
    """Say what a breaker's state means for staff; local time, with the date unless today."""
    when = timezone.localtime(_when(state["since"]))
    day = "" if when.date() == timezone.localdate() else f" on {when:%Y-%m-%d}"
    return (
        f"{breaker_headline(state)}{day} at {when:%H:%M} — {state['activity']} is paused; "
        f"{state['hint']}. It resumes by itself within a minute of the fix."
    )


def breakers_open() -> list[BreakerRecord]:
    """Return every open breaker's record, newest first."""
    return list(BreakerRecord.objects.filter(closed_at__isnull=True))
