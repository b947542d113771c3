"""Celery tasks for large imports: they take a job id and call one service (STYLE.md habit 5)."""

from celery import shared_task

# A million rows take minutes, well past the default five-minute limit.
LIMITS = {"soft_time_limit": 3 * 3600, "time_limit": 3 * 3600 + 120}


@shared_task(name="csvio.import_preview", **LIMITS)
def import_preview_task(job_id: int) -> dict:
    """Preview import job `job_id`; running it again recomputes the same preview."""
    from builderops.csvio.jobs import import_job_preview

    job = import_job_preview(job_id=job_id)
    return {"job": job.pk, "status": job.status, "errors": job.error_count}


@shared_task(name="csvio.import_apply", **LIMITS)
def import_apply_task(job_id: int) -> dict:
    """Apply import job `job_id`; a job already applied is left as it is."""
    from builderops.csvio.jobs import import_job_apply

    job = import_job_apply(job_id=job_id)
    return {"job": job.pk, "status": job.status, "errors": job.error_count}
