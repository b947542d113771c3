"""Import jobs: store an upload, preview it, apply it — inline when small, on a worker when large.

Files above CSV_ASYNC_THRESHOLD_BYTES are previewed and applied by Celery tasks (tasks.py) that
take the job's id; the admin polls their progress (progress.py).
"""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst

from builderops.csvio.changed import ImportRecordsChanged
from builderops.csvio.engine import Outcome
from builderops.csvio.errors import FileError
from builderops.csvio.limits import upload_work_size
from builderops.csvio.models import ImportJob
from builderops.csvio.progress import progress_report, progress_reporter
from builderops.csvio.services import import_approve_check, import_file_apply, import_file_preview

Status = ImportJob.Status
logger = logging.getLogger(__name__)


def task_queue() -> str | None:
    """Name the queue for import tasks: CSV_IMPORT_QUEUE if set, else Celery's default.

    A queue of their own (and a worker reading it) keeps an hour-long import from delaying
    publishing.
    """
    return settings.CSV_IMPORT_QUEUE or None


def import_upload_check(upload) -> int:
    """Refuse a file over CSV_MAX_UPLOAD_BYTES, saying both sizes, or a workbook that is a zip
    bomb or too large unpacked; return how many bytes parsing it reads (limits.py)."""
    limit = settings.CSV_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the largest upload accepted is "
            f"{filesizeformat(limit)}. Split it into smaller files, or ask an operator to run "
            "`manage.py import_csv` with it."
        )
    try:
        return upload_work_size(upload)
    except FileError as exc:
        raise ValidationError(f"{capfirst(exc.error.message)}. {exc.error.fix}.") from exc


def import_job_create(*, kind: str, upload, user, approve: bool = False) -> ImportJob:
    """Store an uploaded file in the shared storage as a new job."""
    work_size = import_upload_check(upload)
    import_approve_check(kind=kind, user=user, approve=approve)
    name = Path(upload.name).name[:200] or "upload.csv"
    job = ImportJob(
        kind=kind,
        original_name=name,
        size=upload.size,
        user=user,
        approve=approve,
        # What parsing costs decides, not the upload's size: an .xlsx is judged unpacked.
        is_async=work_size > settings.CSV_ASYNC_THRESHOLD_BYTES,
    )
    job.file.save(name, upload, save=False)
    job.save()
    return job


def import_job_preview_start(*, job: ImportJob) -> ImportJob:
    """Preview `job` now, or queue the preview for a worker when the file is large."""
    if not job.is_async:
        return import_job_preview(job_id=job.pk)
    from builderops.csvio.tasks import import_preview_task

    ImportJob.objects.filter(pk=job.pk).update(status=Status.PREVIEWING)
    progress_report(job.pk, phase="preview", fraction=0, rows=0)
    transaction.on_commit(lambda: import_preview_task.apply_async((job.pk,), queue=task_queue()))
    job.refresh_from_db()
    return job


def import_job_preview(*, job_id: int) -> ImportJob:
    """Dry-run job `job_id` and store what it found (counts, samples, errors, errors.csv).

    It always ends previewed or failed, never stuck "previewing" (issue 11): a file nothing can
    be read from fails with the reason, and so does anything unexpected.
    """
    job = ImportJob.objects.get(pk=job_id)
    job.status = Status.PREVIEWING
    job.save(update_fields=["status", "updated_at"])
    try:
        outcome = job_preview_run(job)
    except SoftTimeLimitExceeded:
        return job_fail(job_id, "the preview took longer than the worker's time limit.")
    except Exception as exc:
        logger.exception("import job %s: preview failed", job_id)
        return job_fail(job_id, f"the file couldn't be previewed ({type(exc).__name__}).")
    job.status = Status.PREVIEWED
    if not outcome.counts.get("rows") and outcome.errors:
        error = outcome.errors[0]  # the file-wide problem that stopped the read
        job.status = Status.FAILED
        job.failure = f"Nothing can be imported from this file: {error.message}. {error.fix}."
    job.save()
    progress_report(job.pk, phase="preview", fraction=1, rows=outcome.counts.get("rows", 0))
    return job


def job_preview_run(job: ImportJob) -> Outcome:
    """Preview `job`'s file against the records as they are now; store the outcome on `job`.

    `previewed_at` is taken before any record is read: Apply refuses rows whose records
    changed after it (builderops/csvio/changed.py).
    """
    job.previewed_at = timezone.now()
    job.changed_since_preview = []
    with job_local_path(job) as path, errors_csv_file() as errors_out:
        outcome = import_file_preview(
            kind=job.kind,
            path=path,
            user=job.applied_by or job.user,
            approve=job.approve,
            errors_csv=errors_out,
            progress=progress_reporter(job.pk, "preview"),
        )
        job_outcome_store(job, outcome, errors_out)
    return outcome


def import_job_apply_start(*, job: ImportJob, approve: bool, user=None) -> ImportJob:
    """Apply `job` as `user` (by default its uploader), now or on a worker when it is large.

    The applying user's permissions decide, and history records them (issue 11): a superuser
    applying someone else's upload is the one who imported it.
    """
    if not job.can_apply:
        raise ValidationError("This file can't be applied: fix its errors and upload it again.")
    applier = user if user is not None else job.user
    import_approve_check(kind=job.kind, user=applier, approve=approve)
    ImportJob.objects.filter(pk=job.pk).update(
        approve=approve, status=Status.APPLYING, applied_by=applier
    )
    progress_report(job.pk, phase="apply", fraction=0, rows=0)
    if not job.is_async:
        return import_job_apply(job_id=job.pk)
    from builderops.csvio.tasks import import_apply_task

    transaction.on_commit(lambda: import_apply_task.apply_async((job.pk,), queue=task_queue()))
    job.refresh_from_db()
    return job


def import_job_approve_change(*, job: ImportJob, approve: bool, user=None) -> ImportJob:
    """Preview `job` again with "approve on import" set to `approve` by `user` (by default its
    uploader), who from then on previews and applies it with their own permissions (issue 11).

    Apply never runs with another choice than the preview's: the counts and the sentence saying
    what Apply will do depend on it (issue 12, "exact words").
    """
    actor = user if user is not None else job.user
    import_approve_check(kind=job.kind, user=actor, approve=approve)
    ImportJob.objects.filter(pk=job.pk).update(approve=approve, applied_by=actor)
    job.approve, job.applied_by = approve, actor
    return import_job_preview_start(job=job)


def import_job_apply(*, job_id: int) -> ImportJob:
    """Apply job `job_id` all-or-nothing; safe to run twice (an applied job is left alone)."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            # A task redelivered after the stale sweep failed its job (csvio/stale.py) must not
            # apply it behind the staff's back: they were told to upload it again.
            if job.status in (Status.APPLIED, Status.FAILED):
                return job
            job_apply_locked(job)
    except DatabaseError as exc:
        logger.warning("import job %s: apply rolled back", job_id, exc_info=True)
        return job_fail(
            job_id,
            f"the records changed while the file was applied ({exc}). "
            "Upload the file again to preview it against the current data.",
        )
    except SoftTimeLimitExceeded:
        return job_fail(job_id, "the import took longer than the worker's time limit.")
    except Exception as exc:
        job_fail(job_id, f"an unexpected error stopped the import ({exc!r}).")
        raise
    return job


def job_fail(job_id: int, why: str) -> ImportJob:
    """Record that previewing or applying job `job_id` failed and nothing was written."""
    ImportJob.objects.filter(pk=job_id).exclude(status=Status.APPLIED).update(
        status=Status.FAILED, failure=f"Nothing was written: {why}"
    )
    return ImportJob.objects.get(pk=job_id)


def job_apply_locked(job: ImportJob) -> None:
    try:
        with job_local_path(job) as path, errors_csv_file() as errors_out:
            outcome = import_file_apply(
                kind=job.kind,
                path=path,
                user=job.applied_by or job.user,
                approve=job.approve,
                errors_csv=errors_out,
                progress=progress_reporter(job.pk, "apply"),
                reason=f"CSV import of {job.original_name}",
                changed_since=job.previewed_at,
            )
            job_outcome_store(job, outcome, errors_out)
    except ImportRecordsChanged as changed:
        job_changed_since_preview(job, changed)
        return
    job.changed_since_preview = []
    job.status = Status.APPLIED if outcome.valid else Status.PREVIEWED
    job.applied_at = timezone.now() if outcome.valid else None
    job.save()
    progress_report(job.pk, phase="apply", fraction=1, rows=outcome.counts.get("rows", 0))


def job_changed_since_preview(job: ImportJob, changed: ImportRecordsChanged) -> None:
    """Preview `job` again after Apply found records changed since its preview (nothing was
    written): the new preview shows them as they are now, and lists which they were."""
    outcome = job_preview_run(job)
    more = changed.count - len(changed.rows)
    job.changed_since_preview = [row.line() for row in changed.rows] + (
        [f"…and {more:,} more."] if more else []
    )
    job.status = Status.PREVIEWED
    job.save()
    progress_report(job.pk, phase="apply", fraction=1, rows=outcome.counts.get("rows", 0))


def job_outcome_store(job: ImportJob, outcome: Outcome, errors_out) -> None:
    """Copy an outcome onto `job`; keep errors.csv in the shared storage when there is one."""
    job.counts, job.samples, job.columns = outcome.counts, outcome.samples, outcome.columns
    job.notices, job.notice_count = outcome.notices, outcome.notice_count
    job.normalised, job.normalised_count = outcome.normalised, outcome.normalised_count
    job.errors = [error.as_dict() for error in outcome.errors]
    job.error_count = outcome.error_count
    job.failure = ""
    errors_out.flush()
    if outcome.errors_csv_rows:
        with open(errors_out.name, "rb") as handle:
            job.errors_file.save("errors.csv", File(handle), save=False)
    else:
        job.errors_file = ""


@contextmanager
def job_local_path(job: ImportJob):
    """Yield a local path to the job's file (downloaded first from non-local storage)."""
    try:
        path = job.file.path
    except NotImplementedError:  # Django's Storage.path() for storages with no local files (S3…)
        path = None
    if path is not None:
        yield path
        return
    suffix = Path(job.original_name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as local, job.file.open("rb") as remote:
        shutil.copyfileobj(remote, local)
        local.flush()
        yield local.name


@contextmanager
def errors_csv_file():
    """Yield a temporary text file for errors.csv (UTF-8 with BOM, for Excel)."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", newline="", encoding="utf-8-sig"
    ) as handle:
        yield handle
