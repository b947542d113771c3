"""Celery tasks that publish to Builder Backed and pull its regions — thin: ids in, counts out.

Every task reloads fresh state and is safe to run twice (late ack: a lost worker's task comes
back): a lease keeps two runs off one record, and an unchanged payload sends nothing.

Our own database, cache or broker failing mid-task (a deadlock, a restart) is transient
(issue 10): the publish tasks retry themselves in a few seconds instead of failing.
"""

import random
from contextlib import contextmanager

from celery import shared_task

from integrations.builderbacked.sync.client import sync_client
from integrations.builderbacked.sync.enqueue import sync_due_soon_started, sync_enqueue_due
from integrations.builderbacked.sync.outcome import Outcome
from integrations.builderbacked.sync.pause import sync_breaker_check
from integrations.builderbacked.sync.publish import record_publish, records_publish, reports_count
from integrations.builderbacked.sync.regions import regions_pull
from integrations.errors import infrastructure_failure
from integrations.health import builderbacked_status

WAIT_RECHECK_SECONDS = 30
WAIT_RECHECKS = 10
INFRASTRUCTURE_RETRY_SECONDS = 5.0


@contextmanager
def infrastructure_retried(task):
    """Turn a failure of our own services inside the block into a retry of `task` soon."""
    try:
        yield
    except Exception as exc:
        if not infrastructure_failure(exc):
            raise
        countdown = INFRASTRUCTURE_RETRY_SECONDS * (1 + random.random())
        raise task.retry(exc=exc, countdown=countdown, max_retries=None) from exc


@shared_task(
    bind=True,
    name="builderbacked.publish_record",
    max_retries=None,
    soft_time_limit=150,
    time_limit=180,
)
def publish_record(self, label: str, pk: int) -> str:
    """Publish one record; retry later when transient, re-check later while it waits."""
    with infrastructure_retried(self), sync_client() as client:
        report = record_publish(label, pk, client=client)
    if report.outcome == Outcome.RETRYING:
        raise self.retry(countdown=report.retry_in)
    if report.outcome == Outcome.WAITING and self.request.retries < WAIT_RECHECKS:
        raise self.retry(countdown=WAIT_RECHECK_SECONDS)
    return str(report.outcome)


@shared_task(bind=True, name="builderbacked.publish_batch", soft_time_limit=270, time_limit=300)
def publish_batch(self, label: str, ids: list[int]) -> dict[str, int]:
    """Publish a batch of one model's records concurrently; queue the transient failures again."""
    with infrastructure_retried(self), sync_client() as client:
        reports = records_publish(label, ids, client=client)
    retrying = [pk for pk, report in reports.items() if report.outcome == Outcome.RETRYING]
    if retrying:
        countdown = max(reports[pk].retry_in or 0 for pk in retrying)
        publish_batch.apply_async((label, retrying), countdown=countdown)
    return reports_count(reports)


@shared_task(name="builderbacked.publish_due", soft_time_limit=120, time_limit=150)
def publish_due() -> dict[str, int]:
    """Queue every ready due record in batches, parents first (the periodic sweeper).

    While Builder Backed refuses our credentials or access, queue nothing: spend the breaker's
    probe instead (one a minute), and go on as soon as it succeeds.
    """
    sync_due_soon_started()
    if builderbacked_status()["configured"]:
        with sync_client() as client:
            if sync_breaker_check(client=client):
                return {"paused": 1}
    return sync_enqueue_due()


@shared_task(
    name="builderbacked.pull_regions",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    soft_time_limit=60,
    time_limit=90,
)
def pull_regions() -> dict[str, int]:
    """Pull the regions Builder Backed activated for this account."""
    with sync_client() as client:
        return regions_pull(client=client)
