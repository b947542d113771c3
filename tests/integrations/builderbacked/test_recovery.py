"""Recovery in under a minute (issue 10, item 3), with real processes: a Celery worker publishing
to the sandbox (slowed down by latency) is killed with `kill -9` — pool processes and all, as an
out-of-memory kill or a host crash would — while it holds leases and queued messages. The beat
scheduler's sweeper and a fresh worker must resume publishing within 60 s, and everything must
converge with nothing created twice, as the sandbox's request log shows."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from builderops.core.publishing import SyncState, sync_enqueue_deferred
from homes.models import Home
from tests.fixtures.processes import ROOT, stop_process, wait_until
from tests.fixtures.processes import test_process_env as process_env

from .sync_support import build_chain, build_home

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
HOMES = 60
RESUME_WITHIN = 60.0


def children(pid: int) -> list[int]:
    """Return the ids of `pid`'s child processes (read from /proc: no psutil here)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def kill_hard(process: subprocess.Popen) -> None:
    """`kill -9` a worker and its pool processes at once: nothing gets to clean up."""
    for pid in [*children(process.pid), process.pid]:
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def beat(tmp_path, cross_process_cache):
    """Run the real beat scheduler, so the periodic sweeper runs as in production."""
    env = process_env(BUILDEROPS_TEST_SHARED_CACHE=cross_process_cache)
    command = [sys.executable, "-m", "celery", "-A", "builderops", "beat", "--loglevel", "WARNING"]
    command += ["--schedule", str(tmp_path / "beat-schedule")]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    yield process
    stop_process(process)


def api_requests(base_url: str) -> list[dict]:
    log = httpx.get(f"{base_url}/_sandbox/requests").json()
    return [r for r in log if r["path"] != "/oauth2/token"]


def homes_created(base_url: str) -> int:
    return len(httpx.get(f"{base_url}/_sandbox/state").json()["homes"])


def test_publishing_resumes_within_a_minute_after_a_worker_is_killed(
    run_sandbox, celery_worker_process, beat, settings, boss
):
    base_url = run_sandbox("builderbacked", "--latency-ms", "150")
    env = {
        "BUILDERBACKED_BASE_URL": base_url,
        "BUILDERBACKED_TOKEN_URL": f"{base_url}/oauth2/token",
        "BUILDERBACKED_PUBLISH_THREADS": "2",
        "BUILDERBACKED_PUBLISH_BATCH_SIZE": "20",
    }
    settings.BUILDERBACKED_BASE_URL = env["BUILDERBACKED_BASE_URL"]
    settings.BUILDERBACKED_TOKEN_URL = env["BUILDERBACKED_TOKEN_URL"]
    worker = celery_worker_process(concurrency=2, **env)
    with sync_enqueue_deferred():
        neighborhood = build_chain(boss)[2]
        for n in range(HOMES):
            build_home(boss, neighborhood, f"H_{n:03d}", owners=1)

    wait_until(lambda: homes_created(base_url) >= 10, timeout=90, interval=0.2, what="10 homes")
    kill_hard(worker)
    killed_at = time.time()
    assert homes_created(base_url) < HOMES, "the worker must die mid-publish"
    celery_worker_process(concurrency=2, **env)

    wait_until(
        lambda: not Home.objects.exclude(sync_state=SyncState.PUBLISHED).exists(),
        timeout=180,
        interval=0.5,
        what="every home published",
    )
    # The sandbox saw the first request after the kill within a minute (its own clock)...
    after = [r["t"] for r in api_requests(base_url) if r["t"] > killed_at + 0.5]
    assert after, "nothing was sent after the kill"
    resumed = after[0] - killed_at
    print(f"resumed {resumed:.1f}s and converged {after[-1] - killed_at:.1f}s after the kill")
    assert resumed < RESUME_WITHIN
    # The dead worker's leased records (30 s leases) were swept up and sent soon after.
    assert after[-1] - killed_at < RESUME_WITHIN + 15
    # ...and everything converged, nothing created twice.
    summary = httpx.get(f"{base_url}/_sandbox/requests/summary").json()
    assert summary["createdTwice"] == []
    state = httpx.get(f"{base_url}/_sandbox/state").json()
    assert sorted(h["externalId"] for h in state["homes"]) == [f"H_{n:03d}" for n in range(HOMES)]
    assert all(len(h["homeowners"]) == 1 for h in state["homes"])
    assert not Home.objects.exclude(sync_lease_token="").exists()
