"""Soak (issue 10, "Tests that prove it"), bounded: a few hundred records, every wait capped.

A real worker and the real beat scheduler, on a Redis this test starts itself (broker and cache),
publish to a sandbox with 20% 5xx, 5% dropped connections, a 20 req/s limit and 5-second tokens.
The test kills the worker once (`kill -9`, pool and all), restarts Redis once and revokes every
token once. It asserts from the sandbox's request log: everything converges, nothing is created
twice, no request repeats a 429'd one before its Retry-After, at most one token fetch is in
flight at any moment, 429s stay under 5% of requests, publishing resumes within 60 s of each
fault, and no record ends failed."""

import subprocess
import sys
import time

import httpx
import pytest

from builderops.core.publishing import SyncState, sync_enqueue_deferred
from homes.models import Home
from locations.models import Division, MasterCommunity, Neighborhood
from tests.core.test_worker_survives_redis_restart import redis_start
from tests.fixtures.processes import ROOT, free_port, stop_process, wait_until
from tests.fixtures.processes import test_process_env as process_env

from .sync_support import build_chain, build_home
from .test_e2e import TOKEN_PATH, created_twice, sent_before_retry_after
from .test_recovery import homes_created, kill_hard

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
CHAINS, HOMES_PER_CHAIN = 4, 50
HOMES = CHAINS * HOMES_PER_CHAIN
RESUME_WITHIN = 60.0


class OwnRedis:
    """A Redis server of this test's own (broker and cache), restartable on the same port."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.process = redis_start(self.port, tmp_path)

    def restart(self) -> None:
        stop_process(self.process)
        self.process = redis_start(self.port, self.tmp_path)


@pytest.fixture
def own_redis(tmp_path):
    """Set up before the worker fixture, so it stops after the workers (they need it to stop)."""
    redis = OwnRedis(tmp_path)
    yield redis
    stop_process(redis.process)


def beat_start(env: dict, tmp_path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "builderops", "beat", "--loglevel", "WARNING"]
    command += ["--schedule", str(tmp_path / "beat-schedule")]
    return subprocess.Popen(command, cwd=ROOT, env=process_env(**env))


def stuck_records() -> list[tuple]:
    """Say what did not converge (for the failure message)."""
    rows = []
    for model in (Division, MasterCommunity, Neighborhood, Home):
        unpublished = model.objects.exclude(sync_state=SyncState.PUBLISHED)
        rows += list(unpublished.values_list(
            "external_id", "sync_state", "sync_last_error", "sync_lease_until",
            "sync_enqueued_at", "sync_retry_at",
        )[:5])  # fmt: skip
    return rows


def resumed_after(log: list[dict], fault_at: float) -> float:
    """Seconds from a fault to the first API request that arrived after it."""
    after = [r["t"] for r in log if r["path"] != TOKEN_PATH and r["t"] > fault_at + 0.5]
    assert after, "nothing was sent after the fault"
    return min(after) - fault_at


def most_token_fetches_at_once(log: list[dict]) -> int:
    edges = []
    for record in log:
        if record["path"] == TOKEN_PATH:
            edges += [(record["t"], 1), (record.get("end") or record["t"], -1)]
    running = most = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        running += step
        most = max(most, running)
    return most


def test_soak_kill_restart_revoke_and_still_converge(
    own_redis, run_sandbox, celery_worker_process, cross_process_cache, boss, queued, tmp_path
):
    port = own_redis.port
    base_url = run_sandbox(
        "builderbacked", "--error-rate", "0.2", "--drop-rate", "0.05", "--rate-limit", "20",
        "--token-lifetime", "5", "--seed", "23",
    )  # fmt: skip
    env = {
        "BUILDERBACKED_BASE_URL": base_url,
        "BUILDERBACKED_TOKEN_URL": f"{base_url}/oauth2/token",
        "BUILDERBACKED_RATE_LIMIT": "19",
        "BUILDERBACKED_PUBLISH_THREADS": "4",
        "BUILDERBACKED_PUBLISH_BATCH_SIZE": "25",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{port}/2",
        "CACHE_URL": f"redis://127.0.0.1:{port}/1",
    }
    with sync_enqueue_deferred():  # the test's own sends are caught: the sweeper queues all
        for chain in range(CHAINS):
            neighborhood = build_chain(boss, str(chain))[2]
            for n in range(HOMES_PER_CHAIN):
                build_home(boss, neighborhood, f"H_{chain}_{n:02d}", owners=1)
    worker = celery_worker_process(concurrency=2, **env)
    beat = beat_start({**env, "BUILDEROPS_TEST_SHARED_CACHE": cross_process_cache}, tmp_path)
    started = time.monotonic()
    try:
        wait_until(lambda: homes_created(base_url) >= 40, timeout=90, what="40 homes")
        kill_hard(worker)
        killed_at = time.time()
        celery_worker_process(concurrency=2, **env)

        wait_until(lambda: homes_created(base_url) >= 100, timeout=90, what="100 homes")
        own_redis.restart()
        redis_at = time.time()

        wait_until(lambda: homes_created(base_url) >= 150, timeout=90, what="150 homes")
        httpx.post(f"{base_url}/_sandbox/tokens/expire").raise_for_status()
        revoked_at = time.time()

        wait_until(
            lambda: not Home.objects.exclude(sync_state=SyncState.PUBLISHED).exists(),
            timeout=180,
            interval=0.5,
            what="every home published",
        )
    except TimeoutError:
        print(f"beat alive: {beat.poll() is None}; stuck: {stuck_records()}")
        raise
    finally:
        stop_process(beat)
    elapsed = time.monotonic() - started

    log = httpx.get(f"{base_url}/_sandbox/requests").json()
    state = httpx.get(f"{base_url}/_sandbox/state").json()
    limited = sum(1 for r in log if r["status"] == 429)
    waits = [resumed_after(log, at) for at in (killed_at, redis_at, revoked_at)]
    print(
        f"soak: {elapsed:.0f}s, {len(log)} requests, {limited} 429s, resumed after kill / Redis "
        f"restart / token revoke: {', '.join(f'{w:.1f}s' for w in waits)}"
    )
    assert sorted(h["externalId"] for h in state["homes"]) == sorted(
        Home.objects.values_list("external_id", flat=True)
    )
    assert len(state["homes"]) == HOMES
    assert all(len(h["homeowners"]) == 1 for h in state["homes"])
    assert created_twice(log) == []
    assert sent_before_retry_after(log) == []
    assert most_token_fetches_at_once(log) <= 1
    assert limited < 0.05 * len(log)
    assert all(wait < RESUME_WITHIN for wait in waits), waits
    for model in (Division, MasterCommunity, Neighborhood, Home):
        assert not model.objects.exclude(sync_state=SyncState.PUBLISHED).exists()
