"""Save, approve and return-to-draft any reviewed, publishable record — the rules in one place.

Locations and homes services call these so the admin, the CSV import and the commands apply the
same review rules (builderops/review.py), history and sync state
(integrations/builderbacked/sync_fields.py) in one transaction.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from builderops.review import (
    ReviewState,
    review_apply_edit,
    review_check_can_approve,
    review_mark_approved,
)
from integrations.builderbacked.sync_fields import sync_fields_refresh, sync_mark_due


def record_save(*, obj, user, approve: bool = False, exclude_clean: Iterable[str] = ()) -> None:
    """Validate and save `obj` as edited by `user`; an approved record becomes due to publish."""
    creating = obj.pk is None
    obj.full_clean(exclude=list(exclude_clean))
    with transaction.atomic():
        if creating:
            obj.review_state = ReviewState.DRAFT
        else:
            review_apply_edit(obj=obj, user=user)
        if approve:
            review_check_can_approve(obj=obj, user=user)
            review_mark_approved(obj=obj, user=user)
        if obj.is_approved:
            sync_mark_due(obj)
        else:
            sync_fields_refresh(obj)  # a stale copy must not undo a publish that just finished
        obj._history_user = user
        obj.save()


def record_approve(*, obj, user) -> None:
    """Approve `obj` (permission and parent checked) and make it due to publish."""
    review_check_can_approve(obj=obj, user=user)
    with transaction.atomic():
        review_mark_approved(obj=obj, user=user)
        sync_mark_due(obj)
        obj._history_user = user
        obj._change_reason = "approved"
        obj.save()


def records_approve(*, objs: Iterable, user) -> tuple[list, list[tuple[object, str]]]:
    """Approve each record it can, parents before children; return (approved, [(obj, why)])."""
    approved, refused = [], []
    for obj in sorted(objs, key=hierarchy_depth):
        if obj.is_approved:
            continue
        try:
            record_approve(obj=obj, user=user)
        except (ValidationError, PermissionDenied) as exc:
            refused.append((obj, " ".join(getattr(exc, "messages", [str(exc)]))))
        else:
            approved.append(obj)
    return approved, refused


def record_return_to_draft(*, obj, user, reason: str = "returned to draft") -> None:
    """Put `obj` back to draft for rework; Builder Backed keeps its last approved version."""
    with transaction.atomic():
        sync_fields_refresh(obj)
        obj.review_state = ReviewState.DRAFT
        obj.approved_by = None
        obj.approved_at = None
        obj._history_user = user
        obj._change_reason = reason
        obj.save()


# Parents before children (builder-backed.md, "Hierarchy").
HIERARCHY_ORDER = (
    "locations.Division",
    "locations.MasterCommunity",
    "locations.Neighborhood",
    "homes.Home",
)


def hierarchy_depth(obj) -> int:
    """Say how deep `obj`'s model sits in the hierarchy (a division is 0)."""
    return HIERARCHY_ORDER.index(obj._meta.label)
