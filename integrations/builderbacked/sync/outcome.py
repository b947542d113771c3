"""Record what one publish achieved, with conditional UPDATEs, and release its lease.

Each write is conditional on the lease token; the record's new state also on `sync_version`
being the one the job started from. If a writer saved meanwhile, what was achieved (remote id,
hash, published version) is still kept, but the record stays due and is queued again: a burst
of saves coalesces into one more send of the latest state.

builder-backed.md, "What the client must do": a 404 naming the parent means "publish the parent
first"; other 400/403/404 are permanent (the server's message is kept for staff); 429, 5xx,
timeouts and lost connections are transient and retried with backoff.

Issue 10: only the remote makes a failure permanent. Transient errors — our own cache, broker or
database failing included (`LocalServiceFailed`) — are retried for as long as they last, the
wait growing to `RETRY_MAX_SECONDS`. An error that opened the circuit breaker (credentials or
scope refused) is nobody's record's fault either: the record is PAUSED, keeps its state, and
goes again when the breaker's probe succeeds (integrations.breaker).
"""

import logging
import random
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from builderops.core.publishing import SyncState
from homes.models import Homeowner
from integrations.builderbacked.references import missing_reference
from integrations.builderbacked.sync.enqueue import record_enqueue, record_nudge
from integrations.builderbacked.sync.jobs import Action, Job
from integrations.builderbacked.sync.lease import LEASE_CLEARED
from integrations.builderbacked.sync.registry import KINDS
from integrations.builderbacked.sync.send import Result
from integrations.errors import ApiError, Unauthorized

logger = logging.getLogger(__name__)

# Issue 10, item 6: a record Builder Backed shows deactivated is never re-activated as a side
# effect. Records under it (or it, when changed here) wait, re-checked this often, and go at once
# when staff choose "Re-publish as active" (enqueue.children_release clears the wait).
REMOTE_INACTIVE_RECHECK = timedelta(minutes=5)
REMOTE_INACTIVE_WAIT = (
    "Waiting for {parent}: Builder Backed shows it deactivated, but it is active here. Nothing "
    "is sent until an approver chooses “Re-publish as active” on the “Compare with Builder "
    "Backed” page or deactivates it here."
)
REMOTE_INACTIVE_HELD = (
    "Not sent: Builder Backed shows this {noun} deactivated, but it is active here, and "
    "publishing it would re-activate it. Choose “Re-publish as active” on the “Compare with "
    "Builder Backed” page to re-activate it, or deactivate it here."
)

MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 5.0
RETRY_MAX_SECONDS = 600.0


class Outcome(StrEnum):
    PUBLISHED = "published"  # sent and accepted
    UNCHANGED = "unchanged"  # nothing had changed: no request
    REQUEUED = "requeued"  # a newer version became due meanwhile: queued again
    WAITING = "waiting"  # its parent must be published first
    RETRYING = "retrying"  # transient failure: tried again later
    PAUSED = "paused"  # the breaker holds every call: sent again when a probe succeeds
    FAILED = "failed"  # permanent failure: staff must fix the record
    SKIPPED = "skipped"  # not due, or not approved: nothing sent
    BUSY = "busy"  # another worker holds its lease


class Report(NamedTuple):
    outcome: Outcome
    retry_in: float | None = None


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Return the wait after `attempts` failures: exponential, jittered, at least Retry-After."""
    base = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return max(base + random.uniform(0, base / 2), retry_after or 0.0)


def outcome_record(job: Job, result: Result | None = None) -> Report:
    """Write the outcome of `job` (and `result`, when it sent anything); release the lease."""
    if job.action == Action.SKIP:
        return _skipped(job)
    if job.action == Action.HOLD:
        return _held(job)
    if job.action == Action.WAIT:
        return _parent_held(job) if job.parent.remote_inactive else _waiting(job)
    now = timezone.now()
    result = result or Result()
    _owners_published(result, now)
    progress = _progress(job, result, now)
    error = result.error
    if error is None:
        return _published(job, result, progress, now)
    if result.inactive_above is not None:
        return _parent_inactive(job, result.inactive_above, progress, now)
    if (
        job.parent
        and missing_reference(error) == job.parent.reference
        and job.kind.waits_for_parent
    ):
        return _parent_missing(job, error, progress, now)
    if error.remote_paused:
        return _paused(job, error, progress, now)
    if error.retryable or isinstance(error, Unauthorized):
        return _retrying(job, error, progress, now)
    return _failed(job, error.message, progress, now)


def _progress(job: Job, result: Result, now) -> dict:
    """Fields that record what Builder Backed confirmed, whatever happens next."""
    fields = {"sync_last_attempt_at": now} if job.sends else {}
    if result.remote_id is not None:
        fields["remote_id"] = result.remote_id
    if result.body_sent:
        fields["sync_payload_hash"] = job.body_hash
        fields["sync_last_success_at"] = now
    return fields


def _published(job: Job, result: Result, progress: dict, now) -> Report:
    always = {
        **progress,
        "sync_remote_inactive_since": None,  # what we sent is what Builder Backed holds now
        "sync_published_version": job.version,
        "sync_last_error": "",
        "sync_attempts": 0,
        "sync_retry_at": None,
    }
    current = {"sync_state": SyncState.PUBLISHED, "sync_due_since": None}
    if job.is_home and result.owners_replaced:
        current["sync_homeowners_replace"] = False
    status = _finish(job, current, always, now)
    if status == "current":
        return Report(Outcome.UNCHANGED if job.action == Action.UNCHANGED else Outcome.PUBLISHED)
    record_enqueue(job.kind.label, job.pk)
    return Report(Outcome.REQUEUED)


def _failed(job: Job, message: str, progress: dict, now) -> Report:
    current = {
        "sync_state": SyncState.FAILED,
        "sync_last_error": message,
        "sync_attempts": 0,
        "sync_retry_at": None,
        "sync_due_since": None,
    }
    if _finish(job, current, progress, now) == "current":
        return Report(Outcome.FAILED)
    record_enqueue(job.kind.label, job.pk)  # the newer version may fix it
    return Report(Outcome.REQUEUED)


def _retrying(job: Job, error: ApiError, progress: dict, now) -> Report:
    attempts = job.attempts + 1
    delay = retry_delay(attempts, error.retry_after)
    current = {
        "sync_state": SyncState.RETRYING,
        "sync_attempts": attempts,
        "sync_retry_at": now + timedelta(seconds=delay),
        "sync_last_error": str(error),
        "sync_enqueued_at": now,
    }
    if _finish(job, current, progress, now) == "current":
        return Report(Outcome.RETRYING, retry_in=delay)
    # A newer version is due: send it soon, but never before the server's Retry-After.
    record_enqueue(job.kind.label, job.pk, countdown=error.retry_after or 0)
    return Report(Outcome.REQUEUED)


def _paused(job: Job, error: ApiError, progress: dict, now) -> Report:
    """Keep the record due and say why it waits; the breaker's probe will release it."""
    # A newer version saved meanwhile stays due too: the same release queues it.
    _finish(job, {"sync_last_error": error.message, "sync_enqueued_at": now}, progress, now)
    return Report(Outcome.PAUSED)


def _parent_missing(job: Job, error: ApiError, progress: dict, now) -> Report:
    """The parent vanished remotely: publish it again, then this one. (One deactivated there is
    `_parent_inactive`'s: send.chain_check tells the two apart.)"""
    parent = job.parent
    attempts = job.attempts + 1
    if not (parent.approved and parent.active) or attempts >= MAX_ATTEMPTS:
        return _failed(job, error.message, progress, now)
    parent_model = job.kind.model._meta.get_field(job.kind.parent_field).related_model
    parent_model._base_manager.filter(pk=parent.pk).update(
        sync_state=SyncState.PENDING,
        sync_payload_hash="",
        sync_version=F("sync_version") + 1,
        sync_due_since=Coalesce(F("sync_due_since"), now),
        sync_attempts=0,
        sync_retry_at=None,
        sync_enqueued_at=now,
    )
    record_enqueue(parent.label, parent.pk)
    current = {
        "sync_state": SyncState.PENDING,
        "sync_attempts": attempts,
        "sync_last_error": f"Waiting for {parent.text} to be published again: "
        f"Builder Backed answered “{error.message}”",
        "sync_enqueued_at": now,
        "sync_retry_at": None,
    }
    _finish(job, current, progress, now)
    return Report(Outcome.WAITING)


def _parent_inactive(job: Job, reference, progress: dict, now) -> Report:
    """A record up the chain is deactivated on Builder Backed's side: flag it; this one waits."""
    kind = next(k for k in KINDS.values() if k.level == reference.level)
    rows = kind.model._base_manager.filter(external_id=reference.external_id, active=True)
    rows.filter(sync_remote_inactive_since__isnull=True).update(sync_remote_inactive_since=now)
    ancestor = rows.first()
    text = f"{kind.model._meta.verbose_name} “{ancestor or reference.external_id}”"
    return _wait_for_staff(job, REMOTE_INACTIVE_WAIT.format(parent=text), progress, now)


def _parent_held(job: Job) -> Report:
    """Its parent is flagged deactivated on Builder Backed's side: wait, sending nothing."""
    message = REMOTE_INACTIVE_WAIT.format(parent=job.parent.text)
    return _wait_for_staff(job, message, {}, timezone.now())


def _held(job: Job) -> Report:
    """Deactivated on Builder Backed's side but active here: send nothing (a PUT re-activates)."""
    noun = job.kind.model._meta.verbose_name
    return _wait_for_staff(job, REMOTE_INACTIVE_HELD.format(noun=noun), {}, timezone.now())


def _wait_for_staff(job: Job, message: str, progress: dict, now) -> Report:
    """Keep the record due, say why, and look again only after a while (or when released)."""
    current = {
        "sync_state": SyncState.PENDING,
        "sync_last_error": message,
        "sync_enqueued_at": now,
        "sync_retry_at": now + REMOTE_INACTIVE_RECHECK,
    }
    _finish(job, current, progress, now)
    return Report(Outcome.WAITING)


def _waiting(job: Job) -> Report:
    """Say what the record waits for; if its parent was published meanwhile, queue it again."""
    parent = job.parent
    message = f"Waiting for {parent.text} to be published"
    if parent.failed:
        message += ", which failed: fix it and retry it"
    elif not parent.approved:
        message += ": it is a draft, approve it first"
    now = timezone.now()
    still_waiting = job.kind.model._base_manager.filter(
        pk=job.pk, sync_lease_token=job.token, **{f"{job.kind.parent_field}__remote_id": None}
    )
    fields = {"sync_state": SyncState.PENDING, "sync_last_error": message, "sync_enqueued_at": now}
    if not still_waiting.update(**fields, **LEASE_CLEARED):
        _finish(job, {}, {}, now)
        record_enqueue(job.kind.label, job.pk)
        return Report(Outcome.REQUEUED)
    if parent.approved and not parent.failed:
        record_nudge(parent.label, parent.pk)
    return Report(Outcome.WAITING)


def _skipped(job: Job) -> Report:
    """Not due: nothing to do. Due but a draft: Builder Backed keeps what it has."""
    current = {}
    if job.due:
        state = SyncState.PUBLISHED if job.remote_id is not None else SyncState.NOT_PUBLISHED
        current = {"sync_state": state, "sync_due_since": None, "sync_last_error": ""}
    _finish(job, current, {}, timezone.now())
    return Report(Outcome.SKIPPED)


def _owners_published(result: Result, now) -> None:
    if result.owners_published:
        Homeowner.objects.filter(pk__in=result.owners_published, published_at__isnull=True).update(
            published_at=now
        )


def _finish(job: Job, current: dict, always: dict, now) -> str:
    """Write `always`, plus `current` if the record is still at the job's version; release.

    Return "current", "stale" (a writer saved meanwhile; the record stays due) or "lost" (the
    lease was taken from us: only an unknown remote id is kept).
    """
    rows = job.kind.model._base_manager.filter(pk=job.pk, sync_lease_token=job.token)
    if rows.filter(sync_version=job.version).update(**always, **current, **LEASE_CLEARED):
        return "current"
    if rows.update(**always, **LEASE_CLEARED):
        return "stale"
    logger.warning("lost the lease on %s %s while publishing", job.kind.label, job.pk)
    if always.get("remote_id") is not None:
        job.kind.model._base_manager.filter(pk=job.pk, remote_id__isnull=True).update(
            remote_id=always["remote_id"]
        )
    return "lost"
