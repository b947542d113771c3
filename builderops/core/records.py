"""Save, approve and return-to-draft any reviewed, publishable record — the rules in one place.

Locations and homes services call these so the admin, the CSV import and the commands apply the
same review rules (builderops/core/review.py), history and sync state
(builderops/core/publishing.py) in one transaction. `record_review` is the one per-record step
they all share — `record_save`, the CSV writer (builderops/csvio/writer.py) and bulk review.

The bulk services (`records_approve_bulk`, `records_return_to_draft_bulk`) apply the same rules
to thousands of records at a cost that doesn't grow with them: per level and batch, one locked
read of the rows with their parents, one UPDATE of only the review and due-marking fields, one
INSERT of history rows, and one bulk publish pass queued on commit.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from builderops.core.publishing import (
    SYNC_DUE_FIELDS,
    sync_enqueue_deferred,
    sync_fields_refresh,
    sync_mark_due,
)
from builderops.core.review import (
    ReviewState,
    review_apply_edit,
    review_check_can_approve,
    review_check_parent,
    review_check_permission,
    review_mark_approved,
)
from builderops.core.versions import records_changed_locked, records_changed_raise

BULK_BATCH = 1000
REVIEW_FIELDS = ("review_state", "approved_by", "approved_at", "updated_at")
APPROVED_REASON = "approved"
RETURNED_REASON = "returned to draft"


def record_save(*, obj, user, approve: bool = False, exclude_clean: Iterable[str] = ()) -> None:
    """Validate and save `obj` as edited by `user`; an approved record becomes due to publish."""
    obj.full_clean(exclude=list(exclude_clean))
    with transaction.atomic():
        if approve:
            review_check_can_approve(obj=obj, user=user)
        record_review(obj=obj, user=user, approve=approve)
        obj._history_user = user
        obj.save()


def record_review(*, obj, user, approve: bool = False, refresh: bool = True) -> None:
    """Set the review and sync state a save of `obj` by `user` leaves it in (not saved here).

    The one per-record step of every save under review — `record_save`, the CSV writer and
    `batch_approve` — so the rules can't drift apart: a new record starts as a draft; an edit
    returns an approved record to draft unless `user` may approve; `approve` approves (the
    caller checked it may); an approved record becomes due to publish.

    `refresh` re-reads the worker-written sync fields under a row lock first, so a stale copy
    never undoes a publish that just finished. A bulk writer that read them under a lock in this
    transaction (one SELECT per chunk) passes `refresh=False`.
    """
    if obj.pk is None:
        obj.review_state = ReviewState.DRAFT
    else:
        review_apply_edit(obj=obj, user=user)
    if approve:
        review_mark_approved(obj=obj, user=user)
    if obj.is_approved:
        sync_mark_due(obj, refresh=refresh)
    elif refresh:
        sync_fields_refresh(obj)


def record_approve(*, obj, user) -> None:
    """Approve `obj` (permission and parent checked) and make it due to publish."""
    review_check_can_approve(obj=obj, user=user)
    with transaction.atomic():
        review_mark_approved(obj=obj, user=user)
        sync_mark_due(obj)
        obj._history_user = user
        obj._change_reason = APPROVED_REASON
        obj.save()


def records_approve_bulk(
    *, objs, user, shown_versions: dict[int, str] | None = None
) -> tuple[int, list[tuple[object, str]]]:
    """Approve every draft among `objs` that may be, parents' levels first, in one transaction.

    `objs` is a queryset or records of the reviewed models; approved ones are skipped. Return
    (how many were approved, [(refused record, why)]). Raise PermissionDenied, writing nothing,
    unless `user` may approve every model involved. One bulk publish pass is queued on commit.

    `shown_versions` (pk → version, builderops/core/versions.py) are what the approver saw: if
    any draft differs, RecordsChanged is raised and nothing is approved (issue 11).
    """
    levels = records_by_level(objs)
    for model, _pks in levels:
        review_check_permission(model=model, user=user)
    approved, refused = 0, []
    with transaction.atomic(), sync_enqueue_deferred():
        if shown_versions is not None:
            changed = [
                obj
                for model, pks in levels
                for batch in chunks(pks, BULK_BATCH)
                for obj in records_changed_locked(model=model, pks=batch, shown=shown_versions)
            ]
            records_changed_raise(changed)
        for model, pks in levels:
            for batch in chunks(pks, BULK_BATCH):
                done, not_done = batch_approve(model=model, pks=batch, user=user)
                approved, refused = approved + done, refused + not_done
    return approved, refused


def batch_approve(*, model, pks, user) -> tuple[int, list[tuple[object, str]]]:
    """Approve the drafts among `model`'s rows `pks` whose parent allows it; say why not."""
    ready, refused = [], []
    now = timezone.now()
    for obj in rows_locked(model, pks, review_state=ReviewState.DRAFT):
        try:
            review_check_parent(obj=obj)
        except ValidationError as exc:
            refused.append((obj, " ".join(exc.messages)))
            continue
        # Just read under a lock, and only SYNC_DUE_FIELDS are saved: no refresh needed.
        record_review(obj=obj, user=user, approve=True, refresh=False)
        obj.updated_at = now
        ready.append(obj)
    rows_save(model, ready, (*REVIEW_FIELDS, *SYNC_DUE_FIELDS), user, APPROVED_REASON)
    return len(ready), refused


def records_return_to_draft_bulk(*, objs, user, reason: str = RETURNED_REASON) -> int:
    """Put every approved record among `objs` back to draft in one transaction; return how many.

    Only the review fields are written: Builder Backed keeps the last approved version, and a
    publish running meanwhile keeps what it writes. Raise PermissionDenied, writing nothing,
    unless `user` may approve every model involved (withdrawing an approval is a review decision).
    """
    levels = records_by_level(objs)
    for model, _pks in levels:
        review_check_permission(model=model, user=user)
    returned = 0
    with transaction.atomic():
        for model, pks in levels:
            for batch in chunks(pks, BULK_BATCH):
                returned += batch_return_to_draft(model=model, pks=batch, user=user, reason=reason)
    return returned


def batch_return_to_draft(*, model, pks, user, reason: str) -> int:
    """Return the approved rows among `model`'s rows `pks` to draft."""
    rows = list(rows_locked(model, pks, review_state=ReviewState.APPROVED))
    now = timezone.now()
    for obj in rows:
        obj.review_state = ReviewState.DRAFT
        obj.approved_by = None
        obj.approved_at = None
        obj.updated_at = now
    rows_save(model, rows, REVIEW_FIELDS, user, reason)
    return len(rows)


def records_by_level(objs) -> list[tuple[type, list[int]]]:
    """Group `objs` (a queryset, or records) into [(model, pks)], parents' levels first."""
    if isinstance(objs, QuerySet):
        return [(objs.model, list(objs.order_by("pk").values_list("pk", flat=True)))]
    pks = defaultdict(list)
    for obj in objs:
        pks[type(obj)].append(obj.pk)
    return sorted(pks.items(), key=lambda item: hierarchy_depth(item[0]))


def rows_locked(model, pks, **filters) -> QuerySet:
    """Select `model`'s rows `pks` with their parent, locked (not the parent) until commit."""
    rows = model._base_manager.filter(pk__in=pks, **filters).select_related(model.parent_field)
    return rows.select_for_update(of=("self",)).order_by("pk")


def rows_save(model, objs: list, fields, user, reason: str) -> None:
    """Write only `fields` of `objs`, with one history row each by `user` for `reason`."""
    if objs:
        bulk_update_with_history(
            objs,
            model,
            list(fields),
            batch_size=BULK_BATCH,
            default_user=user,
            default_change_reason=reason,
            manager=model._base_manager,
        )


def chunks(items: list, size: int):
    """Yield successive slices of `items`, `size` long (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def hierarchy_depth(obj) -> int:
    """Say how deep `obj`'s model (or `obj`, a model) sits in the hierarchy: its top is 0.

    Counted by following each model's `parent_field` ForeignKey up, so core needs no list of
    the levels (locations/hierarchy.py, which the models read, is above core).
    """
    model, depth = obj if isinstance(obj, type) else type(obj), 0
    while getattr(model, "parent_field", ""):
        model = model._meta.get_field(model.parent_field).related_model
        depth += 1
    return depth
