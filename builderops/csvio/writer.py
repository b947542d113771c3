"""Write a chunk of classified rows in bulk, under the same rules as an admin save.

The rules are builderops/core/records.py's `record_save`, applied per record before the bulk write:
a new record starts as a draft; an edit by someone without the approve permission returns an
approved record to draft, an approver's edit keeps it approved; "approve on import" approves;
an approved record becomes due to publish (`sync_mark_due`). History rows are written in bulk
with django-simple-history's helpers.
"""

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from builderops.core.publishing import sync_enqueue_deferred, sync_mark_due
from builderops.core.review import ReviewState, review_apply_edit, review_mark_approved
from builderops.csvio.bulk import records_insert
from builderops.csvio.rows import Row

BATCH = 1000
REVIEW_FIELDS = ("review_state", "approved_by", "approved_at", "updated_at")


class ChunkWriter:
    """Create and update the records of each chunk it is given, with history."""

    def __init__(self, *, spec, user, approve: bool, reason: str):
        self.spec, self.user, self.approve = spec, user, approve
        self.reason = reason[:100]  # the history change reason column holds 100 characters
        self.model = spec.model
        self.written = {"created": 0, "updated": 0}

    def write(self, rows: list[Row]) -> None:
        """Write one chunk; approved records are published in bulk once the import commits."""
        with sync_enqueue_deferred():  # per chunk, so marked records don't pile up in memory
            self.chunk_write(rows)

    def chunk_write(self, rows: list[Row]) -> None:
        created = [(row, self.created(row)) for row in rows if row.state == "new"]
        updated = [(row, self.updated(row)) for row in rows if row.state == "updated"]
        history = {"default_user": self.user, "default_change_reason": self.reason}
        records_insert(self.model, [obj for _, obj in created], user=self.user, reason=self.reason)
        if updated:
            bulk_update_with_history(
                [obj for _, obj in updated],
                self.model,
                self.update_fields(updated),
                batch_size=BATCH,
                **history,
            )
        self.spec.children_write(
            created=created, updated=updated, user=self.user, reason=self.reason
        )
        self.written["created"] += len(created)
        self.written["updated"] += len(updated)

    def created(self, row: Row):
        obj = self.spec.instance_new(row)
        obj.review_state = ReviewState.DRAFT
        return self.review(obj)

    def updated(self, row: Row):
        obj = row.obj
        for attr, value in row.values.items():
            setattr(obj, attr, value)
        self.spec.record_prepare(row, obj)
        review_apply_edit(obj=obj, user=self.user)
        obj.updated_at = timezone.now()
        return self.review(obj)

    def review(self, obj):
        if self.approve:
            review_mark_approved(obj=obj, user=self.user)
        if obj.is_approved:
            sync_mark_due(obj)
        return obj

    def update_fields(self, updated: list) -> list[str]:
        """Name the columns to write: what changed, review state, and every sync field
        (sync_mark_due sets some and re-reads the rest under a row lock)."""
        concrete = {f.attname for f in self.model._meta.concrete_fields}
        changed = {attr for row, _ in updated for attr in row.changed if attr in concrete}
        sync = {name for name in concrete if name.startswith("sync_") or name == "remote_id"}
        return sorted(changed | sync | set(REVIEW_FIELDS))
