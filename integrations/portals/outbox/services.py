"""Write the outbox: draft, submit, approve (fixing the key), retry, discard; queue the sends.

Editors draft and submit; approving needs "Can send to portal" (`integrations.send_portalwrite`)
and queues the send when the transaction commits. Each transition is a conditional UPDATE on the
state it starts from, so a double click or two approvers acting at once change a write once.
"""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from integrations.portals.models.mirrors import Project
from integrations.portals.models.outbox import (
    EDITABLE,
    IN_FLIGHT,
    PortalWrite,
    WriteKind,
    WriteState,
)
from integrations.portals.outbox.capabilities import portal_offers_write

SEND_PERMISSION = "integrations.send_portalwrite"
SWEEP_GRACE = timedelta(seconds=60)  # a queued send not started by then was lost: queue it again
RETRYABLE_BY_STAFF = (WriteState.FAILED, WriteState.RETRYING)
DISCARDABLE = (WriteState.DRAFT, WriteState.AWAITING_APPROVAL, WriteState.FAILED)


def portal_write_send_queue(write_id: int) -> None:
    """Queue a send of the write once the current transaction commits."""
    from integrations.portals.outbox.tasks import portal_write_send_task  # tasks import services

    transaction.on_commit(lambda: portal_write_send_task.delay(write_id))


def portal_write_draft_create(
    *, project: Project, kind: str, body: dict, title: str, user, target_id: str = ""
) -> PortalWrite:
    """Save a new draft write for a project; refuse a write the project's portal doesn't offer."""
    connection = project.connection
    if not portal_offers_write(connection.portal, kind):
        label = WriteKind(kind).label.lower()
        raise ValidationError(f"{connection.get_portal_display()} does not offer a {label} write.")
    return PortalWrite.objects.create(
        connection=connection, project=project, kind=kind, body=body, title=title,
        target_id=target_id, created_by=user,
    )  # fmt: skip


def portal_write_draft_update(*, write: PortalWrite, body: dict, title: str) -> PortalWrite:
    """Replace a draft's body (clearing the portal's last complaint); only before approval."""
    changed = PortalWrite.objects.filter(pk=write.pk, state__in=EDITABLE).update(
        body=body, title=title, error="", error_field="", updated_at=timezone.now()
    )
    if not changed:
        raise ValidationError("This write was already approved; it can no longer be edited.")
    write.refresh_from_db()
    return write


def portal_write_submit(*, write: PortalWrite) -> bool:
    """Ask for approval of a draft; return whether it changed."""
    return _transition(write, (WriteState.DRAFT,), state=WriteState.AWAITING_APPROVAL)


@transaction.atomic
def portal_write_approve(*, write: PortalWrite, user) -> bool:
    """Approve a draft: fix its Idempotency-Key and queue the send; return whether it changed."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied(
            "Approving a portal write needs the “Can send to portal” permission."
        )
    now = timezone.now()
    changed = _transition(
        write, EDITABLE, state=WriteState.SENDING, idempotency_key=uuid.uuid4().hex,
        approved_by=user, approved_at=now, next_attempt_at=now, error="", error_field="",
    )  # fmt: skip
    if changed:
        portal_write_send_queue(write.pk)
    return changed


@transaction.atomic
def portal_write_retry(*, write: PortalWrite) -> bool:
    """Send a failed (or waiting) write again now — same key, same body."""
    changed = _transition(
        write, RETRYABLE_BY_STAFF, state=WriteState.SENDING, next_attempt_at=timezone.now()
    )
    if changed:
        portal_write_send_queue(write.pk)
    return changed


def portal_write_discard(*, write: PortalWrite) -> bool:
    """Give up on a write that is not on its way to the portal; its history stays."""
    return _transition(write, DISCARDABLE, state=WriteState.DISCARDED)


def _transition(write: PortalWrite, from_states, **values) -> bool:
    """Apply `values` if the write is still in one of `from_states`; keep history."""
    with transaction.atomic():
        locked = PortalWrite.objects.select_for_update().filter(pk=write.pk).first()
        if locked is None or locked.state not in from_states:
            return False
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()  # a model save, so django-simple-history records who did what
    write.refresh_from_db()
    return True


def portal_writes_requeue(*, now: datetime) -> list[int]:
    """Claim for queueing every approved write owed to a portal whose send was lost or is due."""
    due = PortalWrite.objects.filter(state__in=IN_FLIGHT, next_attempt_at__lte=now - SWEEP_GRACE)
    free = due.exclude(claimed_until__gt=now).values_list("pk", "next_attempt_at")
    queued = []
    for pk, previous in free:
        # Conditional on the stamp read: two sweepers at once queue each write once.
        if PortalWrite.objects.filter(pk=pk, next_attempt_at=previous).update(next_attempt_at=now):
            queued.append(pk)
    return queued


def portal_writes_push(*, connection_name: str | None = None, retry_failed: bool = False):
    """Queue every approved write owed to a portal now (and failed ones when asked).

    Returns `(ids queued, how many of them were failed writes retried)`. A write being sent
    right now (its lease held) is left to its sender.
    """
    now = timezone.now()
    writes = PortalWrite.objects.all()
    if connection_name:
        writes = writes.filter(connection__name=connection_name)
    retried = []
    if retry_failed:  # one by one, so each write's history says it was retried
        failed = writes.filter(state=WriteState.FAILED)
        retried = [write.pk for write in failed if portal_write_retry(write=write)]
    owed = writes.filter(state__in=IN_FLIGHT).exclude(claimed_until__gt=now).exclude(pk__in=retried)
    ids = list(owed.values_list("pk", flat=True))
    owed.update(next_attempt_at=now)
    for write_id in ids:
        portal_write_send_queue(write_id)
    return ids + retried, len(retried)
