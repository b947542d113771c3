"""A task travels through the configured broker to a real `celery worker` process and back."""

import os

import pytest

from builderops.core.tasks import ping


@pytest.mark.worker
def test_task_round_trip_through_a_worker_process(celery_worker_process):
    worker = celery_worker_process(concurrency=1)
    result = ping.delay("hello from the test")
    answer = result.get(timeout=60)
    assert answer["payload"] == "hello from the test"
    assert answer["worker_pid"] != os.getpid()
    assert worker.poll() is None, "the worker should still be running"
