"""Sync state every publishable record carries, and the one rule that makes a record due.

Being due for publishing is a fact of the domain: the services that change a record call
`sync_mark_due` inside their own transaction. When that transaction commits, the signals below
say so; `integrations` connects the reaction (queueing a publish) in its `AppConfig.ready`, so
no domain module imports an HTTP client. A crash between the save and the reaction loses
nothing: the periodic sweeper finds every due record.

Writers save whole rows, so before a save `sync_fields_refresh` re-reads the fields the worker
writes (remote id, hash, lease, …) under a row lock: a writer holding a stale copy never undoes
a publish that finished meanwhile.
"""

import contextlib
import contextvars
import logging
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from builderops.core.review import ReviewState

logger = logging.getLogger(__name__)


class SyncState(models.TextChoices):
    NOT_PUBLISHED = "not_published", "Not published"
    PENDING = "pending", "Pending"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Retrying"


DUE_STATES = (SyncState.PENDING, SyncState.RETRYING)

# Sent after the transaction that made records due commits (never inside it).
# record_due: one record, `sender` its model, `pk` its id — publish it now.
# records_due: many records (`sender` None) — run one bulk pass over everything due.
record_due = Signal()
records_due = Signal()


class PublishableModel(models.Model):
    sync_state = models.CharField(
        max_length=16,
        choices=SyncState.choices,
        default=SyncState.NOT_PUBLISHED,
        db_index=True,
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
    # Worker bookkeeping (integrations/builderbacked/sync): a lease so two workers never publish
    # the record at once; when it was last queued (the sweeper leaves it alone for a while);
    # transient failures in a row and the earliest next attempt; since when it is due.
    sync_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    sync_lease_token = models.CharField(max_length=32, blank=True, editable=False)
    sync_enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    sync_retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Builder Backed shows this record deactivated although ours is active (someone did it on
    # their side). Publishing it would silently re-activate it, so it is held, and its children
    # wait, until staff choose "Re-publish as active" (issue 10, item 6).
    sync_remote_inactive_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        """Say whether Builder Backed has ever accepted this record."""
        return self.remote_id is not None or self.sync_last_success_at is not None


def sync_field_names(model) -> list[str]:
    """Name the fields the sync worker writes (every `sync_*` field and `remote_id`)."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.name.startswith("sync_") or field.name == "remote_id"
    ]


def sync_fields_refresh(obj: PublishableModel) -> None:
    """Re-read the worker-written fields of a saved `obj`, locking its row in a transaction."""
    if obj.pk is None:
        return
    names = sync_field_names(type(obj))
    rows = type(obj)._base_manager.filter(pk=obj.pk)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    current = rows.values(*names).first()
    for name, value in (current or {}).items():
        setattr(obj, name, value)


def sync_fields_refresh_bulk(model, objs: list) -> None:
    """Re-read the worker-written fields of saved `objs` in one SELECT, locking their rows.

    The chunked form of `sync_fields_refresh` for bulk writers (the CSV import): one query per
    chunk instead of one per record. Call it inside the transaction that saves them.
    """
    by_pk = {obj.pk: obj for obj in objs if obj.pk is not None}
    if not by_pk:
        return
    names = sync_field_names(model)
    rows = model._base_manager.filter(pk__in=list(by_pk)).select_for_update().order_by("pk")
    for current in rows.values("pk", *names):
        obj = by_pk[current.pop("pk")]
        for name, value in current.items():
            setattr(obj, name, value)


_deferred = contextvars.ContextVar("sync_enqueue_deferred", default=None)


@contextlib.contextmanager
def sync_enqueue_deferred():
    """Queue no per-record publish inside the block; queue one bulk publish when it ends.

    For writers that save many records at once (CSV import, bulk approve): the bulk path
    publishes them in batches, parents first, instead of one task per record.
    """
    marked = []
    token = _deferred.set(marked)
    try:
        yield
    finally:
        _deferred.reset(token)
        if marked:
            transaction.on_commit(_enqueue_due, robust=True)


# What `sync_mark_due` sets: the only sync fields a bulk writer may save (the worker owns the rest).
SYNC_DUE_FIELDS = (
    "sync_state",
    "sync_version",
    "sync_due_since",
    "sync_attempts",
    "sync_retry_at",
    "sync_enqueued_at",
)


def sync_mark_due(obj: PublishableModel, *, refresh: bool = True) -> None:
    """Mark `obj` due for publishing (fields only; the caller saves in its transaction).

    After the caller's transaction commits, a publish of `obj` is queued (or, inside
    `sync_enqueue_deferred`, one bulk publish); if that is lost, the sweeper still finds it.
    A bulk writer that loaded `obj` in this transaction and saves only named fields (never
    `remote_id` and the worker's other fields) may pass `refresh=False` to save a query per row.
    """
    if refresh:
        sync_fields_refresh(obj)
    now = timezone.now()
    if obj.sync_state not in DUE_STATES or obj.sync_due_since is None:
        obj.sync_due_since = now
    obj.sync_state = SyncState.PENDING
    obj.sync_version = (obj.sync_version or 0) + 1
    obj.sync_attempts = 0
    obj.sync_retry_at = None
    deferred = _deferred.get()
    if deferred is not None:
        obj.sync_enqueued_at = None
        deferred.append(obj)
        return
    obj.sync_enqueued_at = now
    transaction.on_commit(lambda: _enqueue_record(obj), robust=True)


def _enqueue_record(obj: PublishableModel) -> None:
    record_due.send_robust(sender=type(obj), pk=obj.pk)


def _enqueue_due() -> None:
    records_due.send_robust(sender=None)


def records_mark_due(rows, *, force: bool = False) -> int:
    """Make the approved records of `rows` due now, in one UPDATE; return how many.

    `force` also forgets their payload hash, so even an unchanged record is sent again. Marking
    does not bump `sync_version`. One bulk publish pass is asked for when the transaction commits.
    """
    fields = {
        "sync_state": SyncState.PENDING,
        "sync_due_since": Coalesce(F("sync_due_since"), timezone.now()),
        "sync_attempts": 0,
        "sync_retry_at": None,
        "sync_enqueued_at": None,
    }
    if force:
        fields["sync_payload_hash"] = ""
    marked = rows.filter(review_state=ReviewState.APPROVED).update(**fields)
    if marked:
        transaction.on_commit(_enqueue_due, robust=True)
    return marked


# Builder Backed already has this version: its last publish finished with the record unchanged
# since (every change bumps `sync_version`), so sending it again would send the same payload.
UP_TO_DATE = Q(sync_state=SyncState.PUBLISHED, sync_published_version__gte=F("sync_version"))


@dataclass(frozen=True)
class PublishNow:
    """What "Publish now" did: queued, left alone as up to date, refused as drafts."""

    queued: int
    unchanged: int
    drafts: int
    drafts_listed: list


def records_publish_now(queryset, *, drafts_listed: int = 10) -> PublishNow:
    """Make the approved records of `queryset` that changed since their last publish due now."""
    approved = queryset.filter(review_state=ReviewState.APPROVED)
    unchanged = approved.filter(UP_TO_DATE).count()
    queued = records_mark_due(approved.exclude(UP_TO_DATE))
    drafts = queryset.exclude(review_state=ReviewState.APPROVED)
    return PublishNow(queued, unchanged, drafts.count(), list(drafts[:drafts_listed]))


def records_force_republish(queryset) -> int:
    """Resend the approved records of `queryset`, even unchanged ones (e.g. after drift)."""
    return records_mark_due(queryset._chain(), force=True)


def records_republish_active(queryset) -> int:
    """Re-activate on Builder Backed the records of `queryset` it shows deactivated; return how
    many were marked. Staff decide this (issue 10, item 6): publishing never does it by itself."""
    held = queryset.filter(sync_remote_inactive_since__isnull=False)
    if any(field.name == "active" for field in queryset.model._meta.concrete_fields):
        held = held.filter(active=True)  # deactivated here meanwhile: it publishes as inactive
    ids = list(held.values_list("pk", flat=True))
    if not ids:
        return 0
    rows = queryset.model._base_manager.filter(pk__in=ids)
    rows.update(sync_remote_inactive_since=None)
    return records_mark_due(rows, force=True)


def records_retry_failed(queryset) -> int:
    """Make the failed records of `queryset` due again; return how many."""
    return records_mark_due(queryset.filter(sync_state=SyncState.FAILED))
