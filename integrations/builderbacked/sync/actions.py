"""What staff and operators ask of the whole sync: retry every failure, republish everything,
publish what is due now. Each marks records due (`records_mark_due`, one UPDATE per model) and
queues the ready ones in batches, parents first. Marking does not bump `sync_version`: a record
whose payload hash is unchanged is still published without a request.

Per-selection "Publish now" / "Retry failed" are the domain's (builderops.core.publishing): they
mark records due and the bulk pass this app connects to `records_due` queues them.
"""

from builderops.core.publishing import DUE_STATES, SyncState, records_mark_due
from integrations.builderbacked.sync.enqueue import sync_enqueue_due
from integrations.builderbacked.sync.registry import KINDS


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
