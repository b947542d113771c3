"""What staff and operators ask of the sync: publish now, retry failed, republish everything.

Each marks records due in one UPDATE and queues them in batches. Marking does not bump
`sync_version`: a record whose payload hash is unchanged is still published without a request.
"""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from builderops.review import ReviewState
from integrations.builderbacked.sync.enqueue import chunks, records_enqueue, sync_enqueue_due
from integrations.builderbacked.sync.registry import KINDS, kind_for
from integrations.builderbacked.sync_fields import DUE_STATES, SyncState


def records_mark_due(rows, *, force: bool = False) -> int:
    """Make the approved records of `rows` due now; `force` also forgets their payload hash."""
    fields = {
        "sync_state": SyncState.PENDING,
        "sync_due_since": Coalesce(F("sync_due_since"), timezone.now()),
        "sync_attempts": 0,
        "sync_retry_at": None,
        "sync_enqueued_at": None,
    }
    if force:
        fields["sync_payload_hash"] = ""
    return rows.filter(review_state=ReviewState.APPROVED).update(**fields)


def records_publish_now(queryset, *, drafts_listed: int = 10) -> tuple[int, int, list]:
    """Queue the approved records of `queryset`; return (queued, drafts refused, a few drafts)."""
    drafts = queryset.exclude(review_state=ReviewState.APPROVED)
    approved = queryset.filter(review_state=ReviewState.APPROVED)
    queued = _ids_queue(queryset.model, approved.values_list("pk", flat=True))
    return queued, drafts.count(), list(drafts[:drafts_listed])


def records_retry_failed(queryset) -> int:
    """Queue again the failed records of `queryset`; return how many."""
    failed = queryset.filter(sync_state=SyncState.FAILED)
    return _ids_queue(queryset.model, failed.values_list("pk", flat=True))


def _ids_queue(model, ids) -> int:
    """Mark these records due and queue them, a slice of ids at a time (any selection size)."""
    kind, queued = kind_for(model), 0
    for chunk in chunks(list(ids), 500):
        rows = kind.model._base_manager.filter(pk__in=chunk)
        records_mark_due(rows)
        queued += records_enqueue(kind, rows)
    return queued


def sync_retry_all_failed(labels=None) -> tuple[int, int]:
    """Make every failed record (of `labels`, default all models) due; return (marked, queued)."""
    return _mark_and_queue(labels, lambda rows: rows.filter(sync_state=SyncState.FAILED))


def sync_republish_all(labels=None, *, force: bool = False) -> tuple[int, int]:
    """Make every approved record due again; unchanged ones cost no request. (marked, queued)"""
    return _mark_and_queue(labels, lambda rows: rows, force=force)


def sync_publish_due_now(labels=None) -> tuple[int, int]:
    """Queue every due record now, even if queued recently or backing off. (due, queued)"""
    return _mark_and_queue(labels, lambda rows: rows.filter(sync_state__in=DUE_STATES))


def _mark_and_queue(labels, select, *, force: bool = False) -> tuple[int, int]:
    """Mark `select(rows)` of each model due, then queue the ready ones, parents first.

    Records under a parent still on its way are not queued now: they follow their parent.
    """
    marked = 0
    for kind in KINDS.values():
        if labels is None or kind.label in labels:
            marked += records_mark_due(select(kind.model._base_manager.all()), force=force)
    return marked, sum(sync_enqueue_due(labels).values())
