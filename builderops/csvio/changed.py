"""Apply only what the preview showed: refuse rows whose stored records changed after it.

The preview reads each row's stored record and says what Apply will do to it; if an editor
changes that record before Apply, applying would write (and maybe approve) something nobody
reviewed (issue 11). `ChangedSinceGuard` wraps the apply's writer: before each chunk is
written it locks the chunk's stored records and compares their version (`updated_at`, bumped by
every writer of reviewed content: builderops/core/versions.py) with the time the preview began.
Once one has changed nothing more is written, and the service rolls the whole apply back.

The versions are compared with a timestamp from the same clock that wrote them (the app
servers', kept in step by NTP): a change committed after the preview started has a later one.
"""

from dataclasses import dataclass
from datetime import datetime

from builderops.core.versions import record_changed

CHANGED_LISTED = 20


@dataclass(frozen=True)
class ChangedRow:
    """A file row whose stored record changed after the preview, and who changed it."""

    row: int
    key: str
    what: str  # e.g. "“1 Main St, Mason (H-1)” was changed by editor at 2026-11-30 08:03:11 UTC"

    def line(self) -> str:
        return f"Row {self.row} ({self.key}): {self.what} after the preview."


class ImportRecordsChanged(Exception):
    """Records the file updates changed after its preview; nothing was written."""

    def __init__(self, rows: list[ChangedRow], count: int):
        super().__init__(f"{count} record(s) changed since the preview")
        self.rows, self.count = rows, count


class ChangedSinceGuard:
    """A writer that lets chunks through to `writer` until a stored record changed since
    `since`; it notes which ones did (the first CHANGED_LISTED, and how many)."""

    def __init__(self, writer, *, model, since: datetime):
        self.writer, self.model, self.since = writer, model, since
        self.changed: list[ChangedRow] = []
        self.changed_count = 0

    def write(self, rows) -> None:
        stored = {row.obj.pk: row for row in rows if row.obj is not None}
        if stored:
            self.check(stored)
        if not self.changed_count:
            self.writer.write(rows)

    def check(self, stored: dict) -> None:
        """Lock the chunk's stored records (until the apply ends) and note the changed ones."""
        current = (
            self.model._base_manager.filter(pk__in=list(stored))
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        for obj in current:
            if obj.updated_at > self.since:
                self.changed_count += 1
                if len(self.changed) < CHANGED_LISTED:
                    row = stored[obj.pk]
                    self.changed.append(ChangedRow(row.number, row.key, changed_what(obj)))

    def __getattr__(self, name):
        return getattr(self.writer, name)


def changed_what(obj) -> str:
    """Say who changed `obj` last and when (from its history)."""
    return record_changed(obj).describe()


def changed_raise(guard: ChangedSinceGuard | None) -> None:
    """Raise ImportRecordsChanged if `guard` saw a changed record (inside the apply's
    transaction, so everything written is rolled back)."""
    if guard is not None and guard.changed_count:
        raise ImportRecordsChanged(guard.changed, guard.changed_count)
