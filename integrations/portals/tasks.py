"""Celery tasks for portal pulls. Each takes ids, loads fresh state, and is safe to run twice.

`portal_pull_due` runs every minute (builderops/celery.py, beat_schedule) and queues a pull of
each enabled connection whose interval has elapsed; "Pull now" and webhooks queue the others.
`portal_webhook_events_prune` runs daily and forgets webhook event ids past their retention.
A pull that finds the connection's lease taken retries later rather than running beside it.
"""

import logging

from celery import shared_task
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection
from integrations.portals.pull.lease import PullBusy
from integrations.portals.pull.run import portal_pull, portal_pull_targeted
from integrations.portals.pull.stale import pull_runs_stale_fail
from integrations.portals.services import portal_connections_claim_due
from integrations.portals.webhook_events import portal_webhook_pending_clear, webhook_events_prune

logger = logging.getLogger(__name__)
BUSY_RETRY_SECONDS = 30


def run_summary(run) -> dict:
    """Return a PullRun as the task's JSON-serializable result."""
    return {
        "pull_run": run.pk,
        "status": run.status,
        "new": run.new_count,
        "updated": run.updated_count,
        "deleted": run.deleted_count,
        "unchanged": run.unchanged_count,
        "requests": run.requests_made,
        "errors": len(run.errors),
    }


@shared_task(bind=True, max_retries=20, soft_time_limit=3300, time_limit=3600)
def portal_pull_connection(self, connection_id: int, full: bool = False) -> dict:
    """Pull one connection (incremental, or full); retry later if a pull of it is running."""
    if not PortalConnection.objects.filter(pk=connection_id).exists():
        return {"skipped": "no such connection"}
    try:
        run = portal_pull(connection_id=connection_id, full=full)
    except PullBusy as exc:
        raise self.retry(exc=exc, countdown=BUSY_RETRY_SECONDS) from exc
    return run_summary(run)


@shared_task(bind=True, max_retries=20, soft_time_limit=240, time_limit=300)
def portal_pull_object(
    self, connection_id: int, resource: str | None, project_id: str, object_id: str | None = None
) -> dict:
    """Pull the project resource a webhook named (`object_id` is informational: lists only)."""
    # Events arriving from now on may happen after this pull reads: they queue another one.
    portal_webhook_pending_clear(
        connection_id=connection_id, project_id=project_id, resource=resource
    )
    if not PortalConnection.objects.filter(pk=connection_id, enabled=True).exists():
        return {"skipped": "no such enabled connection"}
    try:
        run = portal_pull_targeted(
            connection_id=connection_id, project_id=project_id, resource=resource
        )
    except PullBusy as exc:
        raise self.retry(exc=exc, countdown=BUSY_RETRY_SECONDS) from exc
    return {**run_summary(run), "object_id": object_id}


@shared_task(soft_time_limit=50, time_limit=60)
def portal_pull_runs_stale_fail() -> int:
    """Mark Pull runs whose worker died failed and free their connections (issue 10, item 3)."""
    return pull_runs_stale_fail()


@shared_task(soft_time_limit=240, time_limit=300)
def portal_webhook_events_prune() -> int:
    """Forget webhook event ids older than PORTAL_WEBHOOK_EVENT_RETENTION_DAYS."""
    return webhook_events_prune()


@shared_task(soft_time_limit=50, time_limit=60)
def portal_pull_due() -> list[int]:
    """Queue a pull of every connection whose interval has elapsed (each claimed once)."""
    queued = portal_connections_claim_due(now=timezone.now())
    for connection_id in queued:
        portal_pull_connection.delay(connection_id)
    return queued


@shared_task(soft_time_limit=900, time_limit=960)
def homes_from_jobs_run_task(run_id: int) -> dict:
    """Create the draft homes of a run of "Create draft homes" (resumes if redelivered)."""
    from integrations.portals.homes_from_jobs import homes_from_jobs_run_execute

    run = homes_from_jobs_run_execute(run_id=run_id)
    return {"run": run.pk, "created": len(run.created), "failed": len(run.failed)}
