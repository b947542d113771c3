"""A large file is previewed and applied by a real Celery worker process, with progress."""

import time
import uuid

import pytest
from django.core.files import File

from builderops.csvio.jobs import (
    import_job_apply_start,
    import_job_create,
    import_job_preview_start,
)
from builderops.csvio.models import ImportJob
from builderops.csvio.progress import progress_get
from homes.models import Home, Homeowner
from tests.csvio.conftest import HOME_HEADER

ROWS = 12_000  # three chunks, so progress moves before it reaches 100%


def homes_file(path):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HOME_HEADER + "\n")
        for i in range(ROWS):
            handle.write(
                f"HOME_{i:05d},{i} Oak St,,Mason,OH,45040,Single Family,NH_001,false,"
                f"JOB-{i},Designer,Ashton,2026-03-31,,owner{i}@example.com,Ann,Smith\n"
            )
    return path


def wait_for(job: ImportJob, status: str, seen: list, timeout: float = 240) -> ImportJob:
    """Poll the job like the progress page does, noting each percentage seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.append(progress_get(job.pk)["percent"])
        if job.status == status:
            return job
        assert job.status != ImportJob.Status.FAILED, job.failure
        time.sleep(0.2)
    pytest.fail(f"job still {job.status} after {timeout}s (progress {seen[-5:]})")


@pytest.fixture
def private_queue(settings):
    """Route the import tasks to a queue only this test's worker reads."""
    settings.CSV_IMPORT_QUEUE = f"csvio-test-{uuid.uuid4().hex[:8]}"
    return settings.CSV_IMPORT_QUEUE


@pytest.mark.worker
def test_a_large_import_runs_on_a_worker_with_progress(
    celery_worker_process, private_queue, hierarchy, editor, settings, media_root, tmp_path
):
    settings.CSV_ASYNC_THRESHOLD_BYTES = 1_000
    worker = celery_worker_process(
        concurrency=1, queues=private_queue, BUILDEROPS_MEDIA_ROOT=str(media_root)
    )
    with open(homes_file(tmp_path / "homes.csv"), "rb") as handle:
        job = import_job_create(kind="homes", upload=File(handle, "homes.csv"), user=editor)
    assert job.is_async

    preview_seen, apply_seen = [], []
    import_job_preview_start(job=job)
    job = wait_for(job, ImportJob.Status.PREVIEWED, preview_seen)
    assert (job.counts["new"], job.error_count, job.can_apply) == (ROWS, 0, True)
    assert Home.objects.count() == 0

    import_job_apply_start(job=job, approve=False)
    job = wait_for(job, ImportJob.Status.APPLIED, apply_seen)
    assert progress_get(job.pk) == {"phase": "apply", "percent": 100.0, "rows": ROWS}
    assert apply_seen == sorted(apply_seen)
    assert apply_seen[-1] == 100.0
    assert (Home.objects.count(), Homeowner.objects.count()) == (ROWS, ROWS)
    assert Home.history.filter(history_user=editor).count() == ROWS
    assert worker.poll() is None, "the worker should still be running"
