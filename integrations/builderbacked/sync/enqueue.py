"""Put due records on the queue: one by one after a save, in batches per level otherwise.

The bulk path (`sync_enqueue_due`, run by the periodic sweeper, `bb_publish` and after imports)
picks records that are due, not leased, not queued in the last `ENQUEUE_STALE`, past their retry
time, and whose parent is published — or stuck (draft, failed), so they can say what they wait
for. Records under a parent still on its way are left alone: that parent's success releases them
(`children_release`) and the bulk path runs again. Parents first, without waiting on a level.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from builderops.core.publishing import DUE_STATES, SyncState
from integrations.builderbacked.sync.lease import lease_free
from integrations.builderbacked.sync.registry import KINDS, Kind, kind_children

logger = logging.getLogger(__name__)

# A record queued this long ago and not leased has lost its message (a killed worker, a Redis
# restart): queue it again. With the sweeper every 15 s, publishing resumes within 45 s (issue 10,
# item 3); a message still waiting in a long queue meanwhile costs only a duplicate task, whose
# lease claim or unchanged hash makes it send nothing.
ENQUEUE_STALE = timedelta(seconds=30)
DUE_SOON_KEY = "builderbacked:publish_due:queued"


def chunks(items: list, size: int):
    """Yield successive slices of `items`, `size` long (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batch_size() -> int:
    return settings.BUILDERBACKED_PUBLISH_BATCH_SIZE


def record_enqueue(label: str, pk: int, countdown: float = 0) -> None:
    """Queue a publish of one record; if the broker is down, the sweeper will find it."""
    from integrations.builderbacked.tasks import publish_record

    try:
        publish_record.apply_async((label, pk), countdown=countdown or None)
    except Exception:
        logger.warning("could not queue the publish of %s %s", label, pk, exc_info=True)
        # Not queued after all: let the sweeper's next pass pick it up (issue 10, item 4).
        KINDS[label].model._base_manager.filter(pk=pk).update(sync_enqueued_at=None)


def on_record_due(sender, pk, **kwargs) -> None:
    """Queue a publish of the record the domain just made due (builderops.core.publishing)."""
    record_enqueue(sender._meta.label, pk)


def on_records_due(sender, **kwargs) -> None:
    """Queue one bulk pass after the domain made many records due at once."""
    sync_enqueue_due_soon()


def record_nudge(label: str, pk: int) -> bool:
    """Queue a publish of a parent someone waits for, unless it was queued recently."""
    now = timezone.now()
    fresh = Q(sync_enqueued_at__isnull=True) | Q(sync_enqueued_at__lt=now - ENQUEUE_STALE)
    rows = KINDS[label].model._base_manager.filter(fresh, pk=pk, sync_state__in=DUE_STATES)
    if not rows.update(sync_enqueued_at=now):
        return False
    record_enqueue(label, pk)
    return True


def due_ready(kind: Kind, now=None):
    """Select the records of `kind` the bulk path should queue now (see the module docstring)."""
    now = now or timezone.now()
    rows = kind.model._base_manager.filter(lease_free(now), sync_state__in=DUE_STATES)
    rows = rows.filter(
        Q(sync_enqueued_at__isnull=True) | Q(sync_enqueued_at__lt=now - ENQUEUE_STALE)
    )
    rows = rows.filter(Q(sync_retry_at__isnull=True) | Q(sync_retry_at__lte=now))
    if kind.waits_for_parent:
        parent = kind.parent_field
        rows = rows.exclude(
            **{f"{parent}__remote_id__isnull": True, f"{parent}__sync_state__in": DUE_STATES}
        )
    return rows


def sync_enqueue_due(labels=None) -> dict[str, int]:
    """Queue every ready due record in batches, parents' levels first; return counts per model."""
    queued = {}
    for kind in KINDS.values():
        if labels is None or kind.label in labels:
            queued[kind.label] = records_enqueue(kind, due_ready(kind))
    return queued


def records_enqueue(kind: Kind, rows) -> int:
    """Mark the records of `rows` queued (skipping rows another run is marking) and queue them."""
    from integrations.builderbacked.tasks import publish_batch

    now = timezone.now()
    with transaction.atomic():
        locked = rows.order_by("pk").select_for_update(skip_locked=True, of=("self",))
        ids = list(locked.values_list("pk", flat=True))
        for chunk in chunks(ids, 500):
            kind.model._base_manager.filter(pk__in=chunk).update(sync_enqueued_at=now)
    for chunk in chunks(ids, batch_size()):
        try:
            publish_batch.delay(kind.label, chunk)
        except Exception:
            logger.warning("could not queue a batch of %s", kind.label, exc_info=True)
            kind.model._base_manager.filter(pk__in=chunk).update(sync_enqueued_at=None)
    return len(ids)


def sync_enqueue_due_soon() -> None:
    """Queue one bulk pass unless one is already queued and not yet started."""
    from integrations.builderbacked.tasks import publish_due

    try:  # with the cache or the broker down, the periodic sweeper does this pass instead
        if cache.add(DUE_SOON_KEY, 1, timeout=60):
            try:
                publish_due.delay()
            except Exception:
                cache.delete(DUE_SOON_KEY)
                raise
    except Exception:
        logger.warning("could not queue the bulk publish", exc_info=True)


def sync_due_soon_started() -> None:
    """Let the next trigger queue another bulk pass (called when a bulk pass starts)."""
    cache.delete(DUE_SOON_KEY)


def children_release(kind: Kind, parent_ids: list[int]) -> int:
    """Make the due children of newly published parents ready for the bulk path at once."""
    child = kind_children(kind)
    if child is None or not parent_ids:
        return 0
    rows = child.model._base_manager.filter(
        sync_state__in=DUE_STATES, **{f"{child.parent_field}_id__in": parent_ids}
    )
    # Children waiting (PENDING, with a re-check time) for a parent Builder Backed showed
    # deactivated go now too: staff re-published it as active (outcome.REMOTE_INACTIVE_WAIT).
    rows.filter(sync_state=SyncState.PENDING).update(sync_retry_at=None)
    return rows.update(sync_enqueued_at=None)
