"""One back-off per remote, shared by every thread and process (issue 10, item 1).

Each "process" is its own client instance (own connection pool, own locks) sharing only Django's
cache — as two Celery workers share Redis. The wire is an httpx MockTransport that records when
each request arrived.
"""

import threading
import time

import httpx
import pytest
import redis.exceptions
from django.core.cache import cache

from integrations import errors
from integrations.builderbacked.client import BuilderBackedClient
from integrations.http import RetryPolicy
from integrations.ratelimit import SharedBackoff
from tests.integrations.http_fakes import FakeTime, reply

BASE = "https://bb.example.test"
TOKEN_PATH = "/oauth2/token"
REGIONS = "/api/v2/locations/regions"


class Remote:
    """A thread-safe fake Builder Backed: scripted token answers, a log of (time, method path)."""

    def __init__(self, token_answers=(), api_answers=(), token_delay: float = 0.0):
        self.lock = threading.Lock()
        self.token_answers = list(token_answers)
        self.api_answers = list(api_answers)
        self.token_delay = token_delay
        self.log: list[tuple[float, str]] = []
        self.tokens_in_flight = 0
        self.most_tokens_in_flight = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.log.append((time.monotonic(), f"{request.method} {request.url.path}"))
        if request.url.path == TOKEN_PATH:
            return self._token()
        with self.lock:
            return self.api_answers.pop(0) if self.api_answers else reply(200, [])

    def _token(self) -> httpx.Response:
        with self.lock:
            self.tokens_in_flight += 1
            self.most_tokens_in_flight = max(self.most_tokens_in_flight, self.tokens_in_flight)
            answer = self.token_answers.pop(0) if self.token_answers else token_ok()
        time.sleep(self.token_delay)
        with self.lock:
            self.tokens_in_flight -= 1
        return answer

    def times(self, what: str) -> list[float]:
        return [t for t, line in self.log if line == what]


def token_ok(token="tok-1", expires_in=3600):
    body = {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
    return reply(200, body)


def process_client(remote: Remote, **options) -> BuilderBackedClient:
    """A client as one worker process builds it: its own pool and locks, the shared cache."""
    defaults = {
        "base_url": BASE,
        "token_url": BASE + TOKEN_PATH,
        "client_id": "builder-42",
        "client_secret": "s3cret",
        "timeout": 5,
        "transport": httpx.MockTransport(remote),
        "retry": RetryPolicy(attempts=3, timeout=10, wait_initial=0.01, wait_jitter=0.01),
    }
    return BuilderBackedClient(**{**defaults, **options})


def run_threads(*targets) -> list:
    """Run each callable in its own thread; return what each returned or raised."""
    results = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = target()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


class TestOnePausePerRemote:
    def test_a_429_to_one_process_pauses_every_other_until_retry_after(self):
        limited = reply(429, {"message": "Too many requests"}, headers={"Retry-After": "1"})
        remote = Remote(api_answers=[limited])
        first, second = process_client(remote), process_client(remote)
        first.list_regions()  # token, 429, (waits 1 s), 200

        started = time.monotonic()
        second.list_regions()  # another process: must not send before the Retry-After passed

        calls = remote.times(f"GET {REGIONS}")
        assert len(calls) == 3
        limited_at = calls[0]
        assert all(t >= limited_at + 0.95 for t in calls[1:])
        assert time.monotonic() - started < 1.5  # it waited what was left, not a fresh second

    def test_a_pause_longer_than_the_budget_is_raised_unsent_with_its_retry_after(self):
        remote = Remote()
        client = process_client(remote)
        client.backoff.pause(45)  # another process was told to wait 45 s

        with pytest.raises(errors.RateLimited) as raised:
            client.list_regions()

        assert raised.value.retry_after == pytest.approx(45, abs=1)
        assert remote.log == []  # nothing went on the wire

    def test_a_run_of_server_errors_pauses_everyone_and_a_success_ends_the_run(self):
        fake = FakeTime()
        backoff = SharedBackoff(key="test:remote", sleep=fake.sleep, clock=fake.clock)
        for _ in range(4):
            backoff.observe(502, None)
        assert backoff.remaining() == 0  # four in a row: still individual failures
        backoff.observe(502, None)
        assert backoff.remaining() == pytest.approx(1.0)  # the fifth pauses every sender
        backoff.observe(502, None)
        assert backoff.remaining() == pytest.approx(2.0)  # and each further one doubles it

        fake.sleep(2.0)
        backoff.observe(200, None)
        backoff.observe(502, None)
        assert backoff.remaining() == 0  # the run ended with the success


class TestTheCeilingCountsEveryRequest:
    def test_token_requests_and_resends_after_a_401_are_counted(self):
        fake = FakeTime()
        remote = Remote(
            token_answers=[token_ok("old"), token_ok("new")],
            api_answers=[reply(401, {"message": "Invalid or missing authentication token"})],
        )
        client = process_client(remote, rate_limit=2)
        client.rate_limit.sleep, client.rate_limit.clock = fake.sleep, fake.clock

        client.list_regions()  # token, GET (401), token, GET: four requests at 2 per second

        assert [line for _, line in remote.log] == [
            f"POST {TOKEN_PATH}",
            f"GET {REGIONS}",
            f"POST {TOKEN_PATH}",
            f"GET {REGIONS}",
        ]
        assert len(fake.sleeps) == 1  # the third request waited for the next window


class TestOneTokenFetchAtATime:
    def test_eight_processes_needing_a_token_cause_one_fetch_and_all_reuse_it(self):
        remote = Remote(token_delay=0.3)
        clients = [process_client(remote) for _ in range(8)]

        results = run_threads(*(client.list_regions for client in clients))

        assert results == [[]] * 8
        assert len(remote.times(f"POST {TOKEN_PATH}")) == 1
        assert remote.most_tokens_in_flight == 1

    def test_a_429_on_the_token_endpoint_is_waited_out_once_not_by_every_waiter(self):
        limited = reply(429, {"error": "slow_down"}, headers={"Retry-After": "1"})
        remote = Remote(token_answers=[limited, token_ok()])
        clients = [process_client(remote) for _ in range(6)]

        results = run_threads(*(client.list_regions for client in clients))

        assert results == [[]] * 6
        token_times = remote.times(f"POST {TOKEN_PATH}")
        assert len(token_times) == 2  # the 429, then one repeat after its Retry-After
        assert token_times[1] >= token_times[0] + 0.95
        assert remote.most_tokens_in_flight == 1


class BrokenCache:
    """A cache whose server went away (Redis restarting): every call raises like redis-py."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

        return fail


class TestInfrastructureFailuresAreTransient:
    def test_a_cache_outage_raises_a_retryable_error_before_anything_is_sent(self):
        remote = Remote()
        client = process_client(remote, cache=BrokenCache(), retry=RetryPolicy(attempts=1))

        with pytest.raises(errors.LocalServiceFailed) as raised:
            client.list_regions()

        assert raised.value.retryable
        assert "ConnectionError" in str(raised.value)
        assert remote.log == []

    @pytest.mark.parametrize(
        ("exc", "ours"),
        [
            (redis.exceptions.ConnectionError("down"), True),
            (redis.exceptions.TimeoutError("slow"), True),
            (ConnectionRefusedError(111, "refused"), True),
            (ValueError("a bug"), False),
            (KeyError("a bug"), False),
        ],
    )
    def test_our_own_services_failing_is_told_apart_from_a_bug(self, exc, ours):
        assert errors.infrastructure_failure(exc) is ours


class TestCircuitBreaker:
    def test_a_refused_secret_pauses_every_process_with_at_most_one_probe_a_minute(self):
        refused = reply(401, {"error": "invalid_client", "error_description": "Bad secret"})
        remote = Remote(token_answers=[refused, refused])
        first, second = process_client(remote), process_client(remote)

        with pytest.raises(errors.CredentialsRejected) as raised:
            first.list_regions()
        assert raised.value.remote_paused
        for client in (first, second, first):  # everyone is held back, nothing is sent
            with pytest.raises(errors.CircuitOpen, match="rejected our credentials"):
                client.list_regions()
        assert len(remote.log) == 1

        cache.delete(f"{second.breaker.key}:probe")  # a minute later: one probe may go
        with pytest.raises(errors.CredentialsRejected):
            second.list_regions()
        with pytest.raises(errors.CircuitOpen):
            first.list_regions()
        assert len(remote.times(f"POST {TOKEN_PATH}")) == 2

        cache.delete(f"{second.breaker.key}:probe")  # the secret was fixed meanwhile
        assert second.list_regions() == []
        assert first.breaker.state() is None
        assert first.list_regions() == []  # everyone goes again

    def test_a_403_for_a_missing_scope_pauses_publishing_and_says_which(self):
        scope = {
            "status": 403,
            "error": "Forbidden",
            "message": "Token does not have required scope: home.write",
        }
        remote = Remote(api_answers=[reply(403, scope)])
        client = process_client(remote)

        with pytest.raises(errors.Forbidden):
            client.get_home("H_1")

        state = client.breaker.state()
        assert state["reason"] == "access"
        assert "home.write" in state["message"]
        assert "BUILDERBACKED_SCOPES" in state["hint"]

    def test_a_403_about_one_record_is_that_records_problem_only(self):
        other = {"status": 403, "error": "Forbidden", "message": "Builder 7 owns this home"}
        client = process_client(Remote(api_answers=[reply(403, other)]))

        with pytest.raises(errors.Forbidden):
            client.get_home("H_1")

        assert client.breaker.state() is None
