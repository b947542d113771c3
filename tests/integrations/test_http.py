"""The base client: exact requests, the error class per status, retries, Retry-After, logging."""

import email.utils
import logging
import pickle
import time

import httpx
import pytest

from integrations import errors
from integrations.http import BaseClient, RetryPolicy, build_timeout, token_reuse_seconds
from integrations.ratelimit import SharedRateLimit
from tests.integrations.http_fakes import FakeTime, Wire, reply, sent_json

BASE = "https://api.example.test/v1"


def make_client(wire: Wire, fake: FakeTime | None = None, cls=BaseClient, **options) -> BaseClient:
    fake = fake or FakeTime()
    retry = options.pop("retry", None) or fake.policy()
    return cls(BASE, timeout=5, transport=wire.transport, retry=retry, **options)


class TestRequest:
    def test_sends_the_exact_request_and_returns_parsed_json(self):
        wire = Wire(reply(200, {"id": 7}))
        client = make_client(wire, headers={"User-Agent": "builderops-test"})

        result = client.request(
            "post",
            "/things",
            json={"name": "A"},
            params={"a": 1, "skip": None},
            headers={"X-K": "v"},
        )

        assert result == {"id": 7}
        (request,) = wire.requests
        assert request.method == "POST"
        assert str(request.url) == "https://api.example.test/v1/things?a=1"
        assert request.headers["X-K"] == "v"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["User-Agent"] == "builderops-test"
        assert request.headers["Content-Type"] == "application/json"
        assert sent_json(request) == {"name": "A"}

    def test_empty_success_body_returns_none(self):
        client = make_client(Wire(httpx.Response(204)))

        assert client.request("DELETE", "/things/1") is None

    def test_success_body_that_is_not_json_fails_without_retry(self):
        wire = Wire(httpx.Response(200, text="<html>"))

        with pytest.raises(errors.ApiError, match="not JSON"):
            make_client(wire).request("GET", "/things")
        assert len(wire.requests) == 1

    def test_timeout_is_explicit_on_every_phase(self):
        timeout = build_timeout(7)

        assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (7, 7, 7, 7)

    def test_timeout_reaches_the_transport(self):
        wire = Wire(reply(200, {}))
        make_client(wire).request("GET", "/x")

        assert wire.requests[0].extensions["timeout"] == {
            "connect": 5.0,
            "read": 5.0,
            "write": 5.0,
            "pool": 5.0,
        }

    def test_rejects_a_base_url_without_scheme(self):
        with pytest.raises(ValueError, match="http"):
            BaseClient("", timeout=5)

    def test_counts_every_request_on_the_wire(self):
        wire = Wire(reply(503), reply(200, {}), reply(200, {}))
        client = make_client(wire)

        client.request("GET", "/a")
        client.request("GET", "/b")

        assert client.request_count == 3


class TestErrorMapping:
    @pytest.mark.parametrize(
        ("status", "error_class", "retryable"),
        [
            (400, errors.ValidationFailed, False),
            (401, errors.Unauthorized, False),
            (403, errors.Forbidden, False),
            (404, errors.NotFound, False),
            (409, errors.Conflict, False),
            (418, errors.ApiError, False),
            (429, errors.RateLimited, True),
            (500, errors.ServerError, True),
            (503, errors.ServerError, True),
        ],
    )
    def test_status_maps_to_its_class(self, status, error_class, retryable):
        wire = Wire(reply(status, {"message": "Nope", "code": "x_y"}))
        client = make_client(wire, retry=RetryPolicy(attempts=1))

        with pytest.raises(errors.ApiError) as caught:
            client.request("GET", "/things/9")

        error = caught.value
        assert type(error) is error_class
        assert error.retryable is retryable
        assert (error.status, error.message, error.code) == (status, "Nope", "x_y")
        assert (error.method, error.path) == ("GET", "/v1/things/9")

    def test_code_not_supported_maps_to_not_supported(self):
        wire = Wire(reply(404, {"message": "No", "code": "not_supported"}))

        with pytest.raises(errors.NotSupported):
            make_client(wire).request("GET", "/x")

    def test_body_without_message_falls_back_to_reason_phrase(self):
        wire = Wire(httpx.Response(404, text="gone"))

        with pytest.raises(errors.NotFound, match="Not Found"):
            make_client(wire).request("GET", "/x")

    def test_subclass_hook_parses_its_own_error_body(self):
        class Client(BaseClient):
            def error_details(self, response):
                return errors.ErrorDetails(response.json()["oops"], "c", "f")

        wire = Wire(reply(400, {"oops": "Bad thing"}))

        with pytest.raises(errors.ValidationFailed) as caught:
            make_client(wire, cls=Client).request("GET", "/x")
        assert (caught.value.message, caught.value.code, caught.value.field) == (
            "Bad thing",
            "c",
            "f",
        )

    @pytest.mark.parametrize(
        ("exc", "error_class", "ambiguous"),
        [
            (httpx.ConnectError("refused"), errors.ConnectionFailed, False),
            (httpx.ConnectTimeout("slow connect"), errors.Timeout, False),
            (httpx.PoolTimeout("pool"), errors.Timeout, False),
            (httpx.ReadTimeout("slow read"), errors.Timeout, True),
            (httpx.WriteTimeout("slow write"), errors.Timeout, True),
            (httpx.ReadError("reset"), errors.ConnectionFailed, True),
            (httpx.RemoteProtocolError("closed"), errors.ConnectionFailed, True),
        ],
    )
    def test_transport_exception_is_translated_once_with_its_cause(
        self, exc, error_class, ambiguous
    ):
        wire = Wire(exc)

        with pytest.raises(errors.ApiError) as caught:
            make_client(wire, retry=RetryPolicy(attempts=1)).request("GET", "/x")

        assert type(caught.value) is error_class
        assert caught.value.retryable
        assert caught.value.ambiguous is ambiguous
        assert caught.value.__cause__ is exc
        assert caught.value.status is None

    def test_errors_survive_pickling(self):
        error = errors.RateLimited("Slow down", status=429, code="rate", retry_after=3.0)

        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

        assert type(copy) is errors.RateLimited
        assert (copy.message, copy.status, copy.code, copy.retry_after) == (
            "Slow down",
            429,
            "rate",
            3.0,
        )


class TestRetries:
    def test_retries_transient_failures_with_growing_jittered_waits(self):
        fake = FakeTime()
        wire = Wire(reply(503), httpx.ReadTimeout("t"), reply(500), reply(200, {"ok": True}))
        client = make_client(wire, fake, retry=fake.policy(wait_initial=1, wait_jitter=0.5))

        assert client.request("GET", "/x") == {"ok": True}

        assert len(wire.requests) == 4
        assert len(fake.sleeps) == 3
        for attempt, wait in enumerate(fake.sleeps, start=1):
            assert 2 ** (attempt - 1) <= wait <= 2 ** (attempt - 1) + 0.5

    def test_never_retries_sooner_than_retry_after_seconds(self):
        fake = FakeTime()
        wire = Wire(reply(429, headers={"Retry-After": "7"}), reply(200, {}))

        make_client(wire, fake).request("GET", "/x")

        assert len(fake.sleeps) == 1
        assert fake.sleeps[0] >= 7

    def test_honours_retry_after_as_http_date(self):
        fake = FakeTime()
        when = email.utils.formatdate(time.time() + 20, usegmt=True)
        wire = Wire(reply(503, headers={"Retry-After": when}), reply(200, {}))

        make_client(wire, fake).request("GET", "/x")

        assert fake.sleeps[0] >= 18  # the date has one-second resolution

    def test_stops_after_the_configured_attempts_and_raises_the_last_error(self):
        fake = FakeTime()
        wire = Wire(*[reply(500, {"message": f"boom {n}"}) for n in range(4)])

        with pytest.raises(errors.ServerError, match="boom 3") as caught:
            make_client(wire, fake, retry=fake.policy(attempts=4)).request("GET", "/x")

        assert len(wire.requests) == 4
        assert len(fake.sleeps) == 3
        assert caught.value.attempts == 4

    def test_stops_when_the_next_wait_would_overrun_the_time_budget(self):
        fake = FakeTime()
        wire = Wire(reply(429, {"message": "later"}, headers={"Retry-After": "120"}))

        with pytest.raises(errors.RateLimited) as caught:
            make_client(wire, fake, retry=fake.policy(timeout=60)).request("GET", "/x")

        assert fake.sleeps == []
        assert caught.value.retry_after == 120

    def test_time_budget_counts_the_waits_already_spent(self):
        fake = FakeTime()
        limited = {"Retry-After": "25"}
        wire = Wire(*[reply(429, headers=limited) for _ in range(3)])

        with pytest.raises(errors.RateLimited):
            make_client(wire, fake, retry=fake.policy(timeout=60)).request("GET", "/x")

        assert len(wire.requests) == 3
        assert sum(fake.sleeps) <= 60

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
    def test_permanent_errors_are_not_retried(self, status):
        wire = Wire(reply(status), reply(200, {}))

        with pytest.raises(errors.ApiError):
            make_client(wire).request("GET", "/x")
        assert len(wire.requests) == 1

    def test_post_is_not_repeated_after_an_ambiguous_failure_by_default(self):
        fake = FakeTime()
        wire = Wire(httpx.ReadTimeout("t"), reply(200, {}))

        with pytest.raises(errors.Timeout):
            make_client(wire, fake).request("POST", "/things", json={})
        assert len(wire.requests) == 1

    @pytest.mark.parametrize(
        "failure",
        [httpx.ConnectError("refused"), reply(429), reply(503)],
        ids=["not-sent", "rate-limited", "unavailable"],
    )
    def test_post_is_repeated_when_the_server_surely_did_not_act(self, failure):
        wire = Wire(failure, reply(200, {"id": 1}))

        assert make_client(wire).request("POST", "/things", json={}) == {"id": 1}
        assert len(wire.requests) == 2

    def test_post_is_repeated_after_an_ambiguous_failure_when_the_caller_allows(self):
        wire = Wire(httpx.RemoteProtocolError("closed"), reply(500), reply(200, {"id": 1}))

        result = make_client(wire).request("POST", "/things", json={}, retry_unsafe=True)

        assert result == {"id": 1}
        assert len(wire.requests) == 3

    def test_get_is_repeated_after_an_ambiguous_failure(self):
        wire = Wire(httpx.ReadTimeout("t"), reply(200, {}))

        make_client(wire).request("GET", "/x")
        assert len(wire.requests) == 2

    def test_same_headers_and_body_are_sent_on_every_attempt(self):
        wire = Wire(reply(503), reply(200, {}))

        make_client(wire).request("POST", "/x", json={"a": 1}, headers={"Idempotency-Key": "k1"})

        assert [r.headers["Idempotency-Key"] for r in wire.requests] == ["k1", "k1"]
        assert [sent_json(r) for r in wire.requests] == [{"a": 1}, {"a": 1}]


class TestRetryAfterParsing:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [(None, None), ("", None), ("3", 3.0), ("1.5", 1.5), ("-4", 0.0), ("soon", None)],
    )
    def test_seconds(self, value, expected):
        assert errors.parse_retry_after(value) == expected

    def test_http_date(self):
        assert errors.parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) == 60.0

    def test_http_date_in_the_past_means_now(self):
        assert errors.parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=40.0) == 0.0


@pytest.mark.parametrize(
    ("expires_in", "reuse"), [(3600, 3540), (300, 270), (60, 54), (5, 4.5), (1, 0.9)]
)
def test_tokens_are_reused_until_shortly_before_expiry(expires_in, reuse):
    assert token_reuse_seconds(expires_in) == pytest.approx(reuse)


class TestLogging:
    def test_logs_one_line_per_attempt_without_query_or_header_values(self, caplog):
        caplog.set_level(logging.DEBUG, logger="integrations")
        limited = {"Retry-After": "1", "X-RateLimit-Remaining": "0", "Set-Cookie": "sid=abc"}
        wire = Wire(reply(429, headers=limited), reply(200, {"token": "body-secret"}))
        client = make_client(wire, headers={"Authorization": "Bearer header-secret"})

        client.request("GET", "/things?api_key=query-secret", params={"q": "param-secret"})

        lines = [r for r in caplog.records if hasattr(r, "http_status")]
        assert [(r.http_method, r.http_path, r.http_status, r.attempt) for r in lines] == [
            ("GET", "/v1/things", 429, 1),
            ("GET", "/v1/things", 200, 2),
        ]
        assert lines[0].rate_limit == {"retry-after": "1", "x-ratelimit-remaining": "0"}
        assert "x-ratelimit-remaining=0" in lines[0].getMessage()
        assert all(isinstance(r.elapsed_ms, int) for r in lines)
        for secret in ("header-secret", "query-secret", "param-secret", "body-secret", "sid=abc"):
            assert secret not in caplog.text

    def test_logs_transport_failures(self, caplog):
        caplog.set_level(logging.DEBUG, logger="integrations")
        wire = Wire(httpx.ConnectError("refused"))

        with pytest.raises(errors.ConnectionFailed):
            make_client(wire, retry=RetryPolicy(attempts=1)).request("GET", "/x")

        (line,) = [r for r in caplog.records if hasattr(r, "http_status")]
        assert line.http_status == "ConnectionFailed"


class TestSharedRateLimit:
    @pytest.fixture
    def shared_cache(self, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "rate-limit-tests",
            }
        }
        from django.core.cache import cache

        cache.clear()
        return cache

    def test_requests_over_the_ceiling_wait_for_the_next_window(self, shared_cache):
        fake = FakeTime(now=1_000.25)
        limit = SharedRateLimit(2, key="t", sleep=fake.sleep, clock=fake.clock)
        wire = Wire(*[reply(200, {}) for _ in range(5)])
        client = make_client(wire, fake, rate_limit=limit)

        for _ in range(5):
            client.request("GET", "/x")

        assert fake.sleeps == [pytest.approx(0.75), pytest.approx(1.0)]
        assert len(wire.requests) == 5

    def test_processes_sharing_the_cache_share_the_budget(self, shared_cache):
        fake = FakeTime(now=2_000.0)
        first, second = (
            SharedRateLimit(3, key="shared", sleep=fake.sleep, clock=fake.clock) for _ in range(2)
        )

        waits = [first.acquire(), second.acquire(), first.acquire(), second.acquire()]

        assert waits == [0, 0, 0, pytest.approx(1.0)]

    def test_a_rate_below_one_per_second_widens_the_window(self, shared_cache):
        fake = FakeTime(now=3_000.0)
        limit = SharedRateLimit(0.5, key="slow", sleep=fake.sleep, clock=fake.clock)

        assert [limit.acquire(), limit.acquire()] == [0, pytest.approx(2.0)]

    def test_rejects_a_rate_of_zero(self):
        with pytest.raises(ValueError, match="positive"):
            SharedRateLimit(0, key="k")
