"""Delete uploaded import files after BUILDEROPS_UPLOAD_RETENTION_DAYS (issue 11).

An upload holds homeowners' names and emails; once the import is done with, nothing needs the
file. The job stays — its counts, samples, errors and who applied it are the import's record —
and its page says the file was deleted. errors.csv goes too: it copies the file's rows.
A periodic task (builderops/celery.py) calls `import_uploads_expire` daily.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from builderops.csvio.models import ImportJob

logger = logging.getLogger(__name__)


def import_uploads_expire(*, now=None) -> int:
    """Delete the files of jobs created more than the retention period ago; return how many
    jobs' files were deleted. Safe to run twice: a job's files are deleted once."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BUILDEROPS_UPLOAD_RETENTION_DAYS)
    expired = ImportJob.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
    deleted = 0
    for job in expired.only("pk", "file", "errors_file").iterator():
        import_job_files_delete(job=job, now=now)
        deleted += 1
    if deleted:
        logger.info("deleted the uploaded files of %s import job(s)", deleted)
    return deleted


def import_job_files_delete(*, job: ImportJob, now) -> None:
    """Delete `job`'s uploaded file and errors.csv from storage; note when on the job."""
    for field in (job.file, job.errors_file):
        if field.name:
            field.storage.delete(field.name)
    ImportJob.objects.filter(pk=job.pk).update(file="", errors_file="", file_deleted_at=now)
