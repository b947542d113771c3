"""Fail import jobs whose worker died mid-run, with the reason (issue 10, item 3).

A worker previewing or applying a large file says it is alive through the shared cache
(`import_job_running`: a key renewed every 10 s that expires 30 s after the last beat), next to a
marker that it started. A job still "previewing"/"applying" whose worker started but no longer
beats was killed or its host restarted: the periodic sweep (`import_jobs_stale_fail`) marks it
failed with that reason. Nothing was written: an apply is one transaction, which the database
rolled back when the worker's connection died; and an apply whose transaction is still alive
holds the job's row lock, which the sweep skips. A job queued but not yet started is left alone.
"""

import contextlib
import logging

from django.core.cache import cache
from django.db import transaction

from builderops.core.heartbeat import Heartbeat
from builderops.csvio.models import ImportJob

logger = logging.getLogger(__name__)

ALIVE_SECONDS = 30
BEAT_SECONDS = 10
STARTED_SECONDS = 24 * 3600
RUNNING = (ImportJob.Status.PREVIEWING, ImportJob.Status.APPLYING)
STALE_FAILURE = (
    "Nothing was written: the worker {doing} this file stopped (killed or restarted) before it "
    "finished. Upload the file again to preview and apply it."
)


def _started_key(job_id: int) -> str:
    return f"csvio:job:{job_id}:started"


def _alive_key(job_id: int) -> str:
    return f"csvio:job:{job_id}:alive"


@contextlib.contextmanager
def import_job_running(job_id: int):
    """Say, through the cache, that a worker runs job `job_id` while the block runs."""

    def beat() -> None:
        cache.set(_started_key(job_id), 1, STARTED_SECONDS)
        cache.set(_alive_key(job_id), 1, ALIVE_SECONDS)

    with contextlib.suppress(Exception):  # the cache down: the first beat tries again
        beat()
    with Heartbeat(beat, interval=BEAT_SECONDS, name=f"import job {job_id}"):
        yield


def import_jobs_stale_fail() -> int:
    """Mark failed every running job whose worker stopped beating; return how many."""
    candidates = list(
        ImportJob.objects.filter(is_async=True, status__in=RUNNING).values_list("pk", flat=True)
    )
    if not candidates:
        return 0
    started = cache.get_many([_started_key(pk) for pk in candidates])
    alive = cache.get_many([_alive_key(pk) for pk in candidates])
    dead = [pk for pk in candidates if _started_key(pk) in started and _alive_key(pk) not in alive]
    return sum(_job_fail_if_unlocked(pk) for pk in dead)


def _job_fail_if_unlocked(job_id: int) -> int:
    """Fail job `job_id` unless an apply still holds its row (then its worker is alive)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status__in=RUNNING)
            .first()
        )
        if job is None:
            return 0
        doing = "previewing" if job.status == ImportJob.Status.PREVIEWING else "applying"
        job.status = ImportJob.Status.FAILED
        job.failure = STALE_FAILURE.format(doing=doing)
        job.save(update_fields=["status", "failure", "updated_at"])
    cache.delete(_started_key(job_id))
    logger.warning("import job %s: %s", job_id, job.failure)
    return 1
