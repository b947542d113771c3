"""Celery tasks for the portal outbox; each takes ids and is safe to run twice (the claim).

`portal_writes_sweep` runs every 30 s (builderops/celery.py, beat_schedule): it queues each approved
write whose send message was lost (a worker crash, a broker restart) or whose retry is due.
"""

from celery import shared_task
from django.utils import timezone

from integrations.portals.models.outbox import WriteState
from integrations.portals.outbox.send import portal_write_send
from integrations.portals.outbox.services import portal_writes_requeue


@shared_task(soft_time_limit=240, time_limit=300)
def portal_write_send_task(write_id: int) -> dict:
    """Send one approved write; schedule the next attempt when it must be retried."""
    write = portal_write_send(write_id=write_id)
    if write is None:
        return {"write": write_id, "skipped": "not owed or already being sent"}
    if write.state == WriteState.RETRYING:
        delay = max(0.0, (write.next_attempt_at - timezone.now()).total_seconds())
        portal_write_send_task.apply_async((write_id,), countdown=delay)
    return {"write": write_id, "state": write.state, "attempts": write.attempts}


@shared_task(soft_time_limit=50, time_limit=60)
def portal_writes_sweep() -> list[int]:
    """Queue every approved write that is owed to a portal and not being sent."""
    queued = portal_writes_requeue(now=timezone.now())
    for write_id in queued:
        portal_write_send_task.delay(write_id)
    return queued
