"""Review (approval) of records before they may reach Builder Backed.

Decided here (README, "Approval"):
- Every publishable record is `draft` or `approved`. Only approved state is ever published.
- Approving needs the model's own `approve_<model>` permission, separate from `change_<model>`.
- An edit by someone WITHOUT the approve permission returns an approved record to draft: the
  change waits for an approver, and Builder Backed keeps the last approved version meanwhile.
  An approver's edit keeps the record approved (they are recorded as its approver).
- A child can't be approved under an unapproved parent: approve the chain from the top.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class ReviewableModel(models.Model):
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    def review_parent(self):
        """Return the record that must be approved before this one (None at the top)."""
        return None


def approve_permission(model) -> str:
    """Name the permission that lets a user approve records of `model`."""
    return f"{model._meta.app_label}.approve_{model._meta.model_name}"


def user_can_approve(user, model) -> bool:
    return bool(user and user.has_perm(approve_permission(model)))


def review_apply_edit(*, obj: ReviewableModel, user) -> None:
    """Set the review state an edit by `user` leaves `obj` in (not saved here)."""
    if obj.is_approved and not user_can_approve(user, type(obj)):
        obj.review_state = ReviewState.DRAFT
        obj.approved_by = None
        obj.approved_at = None
    elif obj.is_approved:
        obj.approved_by = user
        obj.approved_at = timezone.now()


def review_check_can_approve(*, obj: ReviewableModel, user) -> None:
    """Raise unless `user` may approve `obj` now (permission, approved parent)."""
    review_check_permission(model=type(obj), user=user)
    review_check_parent(obj=obj)


def review_check_permission(*, model, user) -> None:
    """Raise PermissionDenied unless `user` may approve records of `model`."""
    if not user_can_approve(user, model):
        raise PermissionDenied(f"You need the “Can approve {model._meta.verbose_name}” permission.")


def review_check_parent(*, obj: ReviewableModel) -> None:
    """Raise ValidationError unless `obj`'s parent is active and, if reviewed, approved."""
    model = type(obj)
    parent = obj.review_parent()
    if parent is not None and not getattr(parent, "active", True):
        raise ValidationError(
            f"{model._meta.verbose_name.capitalize()} “{obj}” can't be approved under the inactive "
            f"{type(parent)._meta.verbose_name} “{parent}”: reactivate it or move this record."
        )
    if isinstance(parent, ReviewableModel) and not parent.is_approved:
        raise ValidationError(
            f"{model._meta.verbose_name.capitalize()} “{obj}” can't be approved while its "
            f"{type(parent)._meta.verbose_name} “{parent}” is a draft: approve that first."
        )


def review_mark_draft(*, obj: ReviewableModel) -> None:
    """Set `obj` back to draft, awaiting an approver (not saved here)."""
    obj.review_state = ReviewState.DRAFT
    obj.approved_by = None
    obj.approved_at = None


def review_mark_approved(*, obj: ReviewableModel, user) -> None:
    """Set `obj` approved by `user` now (not saved here)."""
    obj.review_state = ReviewState.APPROVED
    obj.approved_by = user
    obj.approved_at = timezone.now()
