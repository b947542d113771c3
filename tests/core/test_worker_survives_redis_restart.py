"""A real Celery worker outlives a Redis restart while it holds an unacknowledged (delayed) task.

With kombu/celery 5.7.0 the worker died with "Unrecoverable error: AttributeError('NoneType'
object has no attribute 'hostname')" (builderops/celery.py, RedisChannel, says why). This test
starts its own Redis on a free port — never the shared one — and restarts it under the worker.
"""

import os
import subprocess
import sys
import time

import pytest

from tests.fixtures.processes import ROOT, free_port, stop_process, wait_for_port

pytestmark = pytest.mark.worker


def redis_start(port: int, tmp_path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return process


CLIENT = """
import sys
from celery import Celery
broker, payload, countdown = sys.argv[1], sys.argv[2], float(sys.argv[3])
app = Celery(broker=broker, backend=broker[:-1] + "1")
result = app.send_task("builderops.ping", (payload,), countdown=countdown or None)
if not countdown:
    print(result.get(timeout=60)["payload"])
"""


def ping_send(broker: str, payload: str, countdown: float = 0) -> str:
    """Send a ping to `broker` from a fresh process; without a countdown, wait for and return
    the worker's answer."""
    # Celery prefers a CELERY_BROKER_URL in the environment to the one an app is given.
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": f"{broker[:-1]}1"}
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, broker, payload, str(countdown)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return done.stdout.strip()


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_worker_keeps_consuming_after_redis_restarts_under_a_delayed_task(tmp_path):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis_process = redis_start(port, tmp_path)
    log = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": f"{broker[:-1]}1"}
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "builderops",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: "ready." in log.read_text(), 60, "the worker to start")
        ping_send(broker, "held", countdown=60)  # reserved by the worker, unacknowledged
        wait_until(lambda: "received" in log.read_text(), 60, "the worker to reserve the task")

        stop_process(redis_process)
        wait_until(lambda: "Connection to broker lost" in log.read_text(), 30, "the lost link")
        redis_process = redis_start(port, tmp_path)

        assert ping_send(broker, "after restart") == "after restart"
        assert worker.poll() is None, "the worker exited"
        assert "Unrecoverable error" not in log.read_text()
    except AssertionError:
        print(log.read_text())  # the worker's own account, for whoever reads the failure
        raise
    finally:
        stop_process(worker, timeout=20)
        stop_process(redis_process)
