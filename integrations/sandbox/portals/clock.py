"""Keep the sandbox's time: a UTC clock that never repeats or goes back, and its text format.

Every write stamps `updatedAt` from `Clock.now()`, which is strictly later than any earlier stamp
(and than every seeded timestamp), so a record changed now is always found by an incremental pull
from any earlier `updatedAt`. Timestamps are ISO 8601 UTC with microseconds:
`2026-11-22T20:00:00.123456Z`.
"""

from datetime import UTC, datetime, timedelta

TICK = timedelta(microseconds=1)


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with microseconds and a `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 date or timestamp; naive values are taken as UTC. Raises ValueError."""
    if not isinstance(text, str) or len(text) < 10:
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock:
    """Hand out strictly increasing UTC datetimes, never earlier than the wall clock."""

    def __init__(self, floor: datetime | None = None):
        self.last = floor or datetime.now(UTC)

    def advance_past(self, moment: datetime) -> None:
        """Make sure the next stamp is later than `moment` (e.g. the newest seeded record)."""
        self.last = max(self.last, moment)

    def now(self) -> datetime:
        """Return the current time, or one microsecond past the last stamp if that is later."""
        self.last = max(datetime.now(UTC), self.last + TICK)
        return self.last
