"""Send one approved portal write, exactly once whatever the network does (issue 13, item 2).

A sender first claims the write with a conditional UPDATE (a lease: two workers never send one
write at once; a crashed worker's lease runs out and the sweeper queues it again), then puts the
write's own Idempotency-Key and stored body on the wire — the same on every attempt, so a portal
that already created the record answers the first result again instead of a duplicate
(shared/contracts/portals.md, "Common to both portals"). The answer decides the state:

    201 / 200           → sent: the returned record is mirrored and linked; totals checked
    400 with `field`    → draft again, the portal's message on that field (nothing was created)
    409                 → failed, a bug alarm: the key was reused with another body; never retried
    401/403             → failed, in our words — or retrying while the connection is paused
    timeout, dropped connection, 5xx, 429  → retrying later, same key and body
"""

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations import errors
from integrations.portals.models.outbox import IN_FLIGHT, PortalWrite, WriteKind, WriteState
from integrations.portals.outbox.bodies import reported_totals_differ
from integrations.portals.outbox.capabilities import WRITE_OPERATIONS, WRITE_RESOURCES
from integrations.portals.pull.context import error_public
from integrations.portals.pull.normalize import MALFORMED, row_from_payload
from integrations.portals.pull.upsert import mirror_upsert
from integrations.portals.services import portal_connection_client

logger = logging.getLogger(__name__)

PAUSED_RETRY = timedelta(seconds=60)  # a paused connection's breaker probes once a minute
BACKOFF_MAX_SECONDS = 300.0
BUG_ALARM = (
    "Bug alarm: the portal refused this write's Idempotency-Key as already used for a different "
    "request (HTTP 409). Nothing was sent again; report it to the developers before retrying."
)
MIRROR_FIELDS = {
    WriteKind.CHANGE_ORDER: "change_order",
    WriteKind.SELECTION: "selection",
    WriteKind.PURCHASE_ORDER: "purchase_order",
}


def portal_write_claim(*, write_id: int, now: datetime) -> PortalWrite | None:
    """Take the sending lease of an approved, unanswered write; None if not ours to send."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = PortalWrite.objects.filter(free, pk=write_id, state__in=IN_FLIGHT).update(
        state=WriteState.SENDING,
        claimed_until=now + timedelta(seconds=settings.PORTAL_WRITE_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return PortalWrite.objects.select_related("connection", "project").get(pk=write_id)


def portal_write_send(*, write_id: int, client=None) -> PortalWrite | None:
    """Send one write if it is owed and free; return it in its new state (None if skipped)."""
    write = portal_write_claim(write_id=write_id, now=timezone.now())
    if write is None:
        return None
    own_client = client is None
    try:
        if own_client:
            client = portal_connection_client(write.connection)
        answer = write_call(client, write)
    except Exception as exc:  # every failure becomes a state on the write, never a lost write
        return portal_write_failure_record(write=write, exc=exc)
    finally:
        if own_client and client is not None:
            client.close()
    return portal_write_success_record(write=write, answer=answer)


def write_call(client, write: PortalWrite) -> dict:
    """Put the write on the wire: its stored body under its own Idempotency-Key."""
    method = getattr(client, WRITE_OPERATIONS[write.kind])
    project_id = write.project.remote_id
    if write.kind == WriteKind.SCHEDULE_TASK:
        # A PATCH sets absolute values: repeating it cannot duplicate anything ("Resources").
        return method(project_id, write.target_id, write.body)
    return method(project_id, write.body, idempotency_key=write.idempotency_key)


def portal_write_success_record(*, write: PortalWrite, answer: dict) -> PortalWrite:
    """Mirror the portal's record, link it, check its totals, and mark the write sent."""
    now = timezone.now()
    with transaction.atomic():
        write.error = write.error_field = ""
        try:
            mirror = mirror_record(write, answer, now)
        except MALFORMED as exc:
            # The portal created it: never send again; the next pull mirrors what it lists.
            logger.warning("Portal write %s: answer not mirrored: %r", write.pk, exc)
            mirror, write.error = None, "Sent, but the portal's answer could not be read."
        write.state, write.sent_at, write.claimed_until = WriteState.SENT, now, None
        write.remote_id = str(answer.get("id") or write.target_id)
        write.remote_number = str(answer.get("number") or "")
        write.totals_mismatch = reported_totals_differ(write.kind, write.body, answer)
        if write.kind in MIRROR_FIELDS:
            setattr(write, MIRROR_FIELDS[write.kind], mirror)
        write.save()
    if write.totals_mismatch:
        logger.warning("Portal write %s: the portal's totals differ from ours", write.pk)
    return write


def mirror_record(write: PortalWrite, answer: dict, now: datetime):
    """Upsert the returned record into its mirror (as a pull would) and return it."""
    resource = WRITE_RESOURCES[write.kind]
    row = row_from_payload(answer, resource.mapper)
    extra = {row.remote_id: {"project_id": write.project_id}}
    for _ in range(2):  # a pull may insert the same record between our read and our insert
        try:
            with transaction.atomic():
                mirror_upsert(
                    resource, connection=write.connection, rows=[row], extra=extra, now=now
                )
            break
        except IntegrityError:
            continue
    return resource.model.objects.get(connection=write.connection, remote_id=row.remote_id)


def portal_write_failure_record(*, write: PortalWrite, exc: BaseException) -> PortalWrite:
    """Turn a failed attempt into the write's next state (see the module docstring)."""
    now = timezone.now()
    write.claimed_until = None
    if isinstance(exc, errors.ValidationFailed):
        _back_to_draft(write, exc)
    elif isinstance(exc, errors.Conflict):
        write.state, write.error, write.error_field = WriteState.FAILED, BUG_ALARM, ""
    elif isinstance(exc, errors.ApiError) and exc.remote_paused:
        write.state, write.next_attempt_at = WriteState.RETRYING, now + PAUSED_RETRY
        write.error = f"Paused: {error_public(exc)}"
    elif _retryable(exc):
        write.state, write.error = WriteState.RETRYING, error_public(exc)
        write.next_attempt_at = now + timedelta(seconds=retry_delay(write.attempts, exc))
    else:
        write.state, write.error = WriteState.FAILED, error_public(exc)
    log = logger.warning if isinstance(exc, errors.ApiError) else logger.exception
    log("Portal write %s attempt %s: %r", write.pk, write.attempts, exc)
    write.save()
    return write


def _back_to_draft(write: PortalWrite, exc: errors.ValidationFailed) -> None:
    # The portal created nothing (a 400), so the corrected draft gets a new key when approved
    # again; reusing this one with a changed body would be a 409 at a strict portal.
    write.state, write.idempotency_key = WriteState.DRAFT, None
    write.approved_at = write.approved_by = None
    write.error_field = exc.field or ""
    write.error = exc.message or error_public(exc)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, errors.ApiError):
        return exc.retryable
    # Our own cache, broker or database hiccuping is transient; a bug is not (failed, logged).
    return errors.infrastructure_failure(exc)


def retry_delay(attempts: int, exc: BaseException) -> float:
    """Return seconds until the next attempt: exponential with jitter, never before Retry-After."""
    exponential = min(BACKOFF_MAX_SECONDS, 2.0 ** min(attempts, 10))
    floor = getattr(exc, "retry_after", None) or 0.0
    return max(floor, exponential) + random.uniform(0, 1.0)
