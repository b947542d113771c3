"""Write a chunk of classified rows in bulk, under the same rules as an admin save.

Each record goes through builderops/core/records.py's `record_review`, the per-record step
`record_save` and bulk review share: a new record starts as a draft; an edit by someone without
the approve permission returns an approved record to draft, an approver's edit keeps it
approved; "approve on import" approves; an approved record becomes due to publish. Unticked,
"approve on import" returns every changed record to draft first, an approver's too (issue 12).
Records and their history rows are then written in bulk (csvio/bulk.py: COPY for new ones, one
UPDATE … FROM VALUES per batch for changed ones on PostgreSQL).
"""

from django.utils import timezone

from builderops.core.publishing import (
    sync_enqueue_deferred,
    sync_field_names,
    sync_fields_refresh_bulk,
)
from builderops.core.records import REVIEW_FIELDS, record_review
from builderops.core.review import review_mark_draft
from builderops.csvio.bulk import records_insert, records_update
from builderops.csvio.rows import Row


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
        updating = [row for row in rows if row.state == "updated"]
        # Whole rows are written back, so the worker's fields are read fresh, under a lock, once
        # per chunk — before record_prepare sets any of them (homes: sync_homeowners_replace).
        sync_fields_refresh_bulk(self.model, [row.obj for row in updating])
        updated = [(row, self.updated(row)) for row in updating]
        records_insert(self.model, [obj for _, obj in created], user=self.user, reason=self.reason)
        records_update(
            self.model,
            [obj for _, obj in updated],
            self.update_fields(updated) if updated else [],
            user=self.user,
            reason=self.reason,
        )
        self.spec.children_write(
            created=created, updated=updated, user=self.user, reason=self.reason
        )
        self.written["created"] += len(created)
        self.written["updated"] += len(updated)

    def created(self, row: Row):
        obj = self.spec.instance_new(row)
        record_review(obj=obj, user=self.user, approve=self.approve)
        return obj

    def updated(self, row: Row):
        obj = row.obj
        for attr, value in row.values.items():
            setattr(obj, attr, value)
        self.spec.record_prepare(row, obj)
        if not self.approve:
            # Issue 12: unticked "approve on import" is the importer's explicit choice — every
            # change waits for an approver, an approver's own too (engine.py counts to_draft).
            review_mark_draft(obj=obj)
        record_review(obj=obj, user=self.user, approve=self.approve, refresh=False)
        obj.updated_at = timezone.now()
        return obj

    def update_fields(self, updated: list) -> list[str]:
        """Name the columns to write: what changed, the review state, and every sync field
        (read under the chunk's lock, then set by record_review and record_prepare)."""
        concrete = {f.attname for f in self.model._meta.concrete_fields}
        changed = {attr for row, _ in updated for attr in row.changed if attr in concrete}
        return sorted(changed | set(sync_field_names(self.model)) | set(REVIEW_FIELDS))
