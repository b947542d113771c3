"""Sync state every publishable record carries, and the one rule that makes a record due.

Builder Backed sync (integrations/builderbacked/sync) reads and writes these fields; the services
that change a record call `sync_mark_due` inside their own transaction, so a crash between the
save and the enqueue loses nothing: the periodic sweeper finds every due record.
"""

from django.db import models


class SyncState(models.TextChoices):
    NOT_PUBLISHED = "not_published", "Not published"
    PENDING = "pending", "Pending"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Retrying"


DUE_STATES = (SyncState.PENDING, SyncState.RETRYING)


class PublishableModel(models.Model):
    sync_state = models.CharField(
        max_length=16, choices=SyncState.choices, default=SyncState.NOT_PUBLISHED, db_index=True,
        editable=False,
    )
    sync_last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_last_error = models.TextField(blank=True, editable=False)
    sync_payload_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Bumped on every change that makes the record due; a publish that started from an older
    # version leaves the record due, so a burst of saves coalesces into one send of the latest.
    sync_version = models.PositiveIntegerField(default=0, editable=False)
    sync_published_version = models.PositiveIntegerField(default=0, editable=False)
    remote_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        """Say whether Builder Backed has ever accepted this record."""
        return self.remote_id is not None or self.sync_last_success_at is not None


def sync_mark_due(obj: PublishableModel) -> None:
    """Mark `obj` due for publishing (fields only; the caller saves in its transaction)."""
    obj.sync_state = SyncState.PENDING
    obj.sync_version = (obj.sync_version or 0) + 1
