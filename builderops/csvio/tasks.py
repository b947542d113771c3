"""Celery tasks for large imports: they take a job id and call one service (STYLE.md habit 5)."""

from celery import shared_task

# A million rows take minutes, well past the default five-minute limit.
LIMITS = {"soft_time_limit": 3 * 3600, "time_limit": 3 * 3600 + 120}


@shared_task(name="csvio.import_preview", **LIMITS)
def import_preview_task(job_id: int) -> dict:
    """Preview import job `job_id`; running it again recomputes the same preview."""
    from builderops.csvio.jobs import import_job_preview
    from builderops.csvio.stale import import_job_running

    with import_job_running(job_id):  # a killed worker's job is failed by the sweep below
        job = import_job_preview(job_id=job_id)
    return {"job": job.pk, "status": job.status, "errors": job.error_count}


@shared_task(name="csvio.import_apply", **LIMITS)
def import_apply_task(job_id: int) -> dict:
    """Apply import job `job_id`; a job already applied is left as it is."""
    from builderops.csvio.jobs import import_job_apply
    from builderops.csvio.stale import import_job_running

    with import_job_running(job_id):
        job = import_job_apply(job_id=job_id)
    return {"job": job.pk, "status": job.status, "errors": job.error_count}


@shared_task(name="csvio.import_uploads_expire")
def import_uploads_expire_task() -> dict:
    """Delete uploaded files past BUILDEROPS_UPLOAD_RETENTION_DAYS (the jobs stay)."""
    from builderops.csvio.retention import import_uploads_expire

    return {"deleted": import_uploads_expire()}


@shared_task(name="csvio.import_jobs_stale_fail", soft_time_limit=50, time_limit=60)
def import_jobs_stale_fail_task() -> dict:
    """Fail import jobs whose worker was killed mid-run, saying so (issue 10, item 3)."""
    from builderops.csvio.stale import import_jobs_stale_fail

    return {"failed": import_jobs_stale_fail()}
