"""An import left "previewing"/"applying" by a killed worker is marked failed with the reason
(issue 10, item 3); one still running, or queued and not yet started, is left alone; a task
redelivered after that does not apply it behind the staff's back."""

import pytest
from django.core.cache import cache

from builderops.csvio.jobs import import_job_apply
from builderops.csvio.models import ImportJob
from builderops.csvio.stale import _alive_key, _started_key, import_jobs_stale_fail
from homes.models import Home

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


def job(status: str, *, started: bool, alive: bool, editor) -> ImportJob:
    made = ImportJob.objects.create(
        kind="homes", file="imports/x.csv", original_name="homes.csv", size=10, user=editor,
        is_async=True, status=status,
    )  # fmt: skip
    if started:
        cache.set(_started_key(made.pk), 1, 60)
    if alive:
        cache.set(_alive_key(made.pk), 1, 60)
    return made


def test_a_job_whose_worker_stopped_beating_is_failed_with_the_reason(editor):
    applying = job(Status.APPLYING, started=True, alive=False, editor=editor)
    previewing = job(Status.PREVIEWING, started=True, alive=False, editor=editor)

    assert import_jobs_stale_fail() == 2

    applying.refresh_from_db()
    previewing.refresh_from_db()
    assert applying.status == previewing.status == Status.FAILED
    assert applying.failure == (
        "Nothing was written: the worker applying this file stopped (killed or restarted) before "
        "it finished. Upload the file again to preview and apply it."
    )
    assert "the worker previewing this file stopped" in previewing.failure


def test_a_running_job_and_a_queued_one_are_left_alone(editor):
    running = job(Status.APPLYING, started=True, alive=True, editor=editor)
    queued = job(Status.APPLYING, started=False, alive=False, editor=editor)

    assert import_jobs_stale_fail() == 0

    assert ImportJob.objects.get(pk=running.pk).status == Status.APPLYING
    assert ImportJob.objects.get(pk=queued.pk).status == Status.APPLYING


def test_a_redelivered_apply_of_a_failed_job_writes_nothing(editor):
    failed = job(Status.APPLYING, started=True, alive=False, editor=editor)
    import_jobs_stale_fail()

    again = import_job_apply(job_id=failed.pk)

    assert again.status == Status.FAILED
    assert Home.objects.count() == 0
