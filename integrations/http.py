"""Send requests to external APIs: the one base client every integration builds on.

`BaseClient` owns what every API call needs: the base URL, an explicit `httpx.Timeout`, an
`httpx.Auth` hook for each API's auth scheme, an injectable transport (tests use
`httpx.MockTransport`, end-to-end tests a sandbox), the mapping of non-2xx answers and transport
exceptions to `integrations.errors`, retries, one log line per attempt, and three optional
guards shared by every thread and process through the cache, consulted before EVERY request put
on the wire — auth calls (token fetch, login) and resends after a 401 included (an httpx
`request` event hook sees them all):

- a `CircuitBreaker` (`integrations.breaker.state`): after a refusal no retry can fix (bad
  credentials, missing scope) calls are held back unsent, one probe a minute;
- a `SharedBackoff` (`integrations.ratelimit`): a 429's Retry-After or a run of 5xx pauses every
  sender to the remote (a `response` hook feeds it every answer);
- a `SharedRateLimit`: the client-side ceiling.

Retries (`RetryPolicy`): exponential backoff with jitter on retryable errors (429, 5xx, timeouts,
connection failures), never sooner than the server's `Retry-After`, bounded by a number of attempts
AND a total time budget. A wait that would overrun the budget is not slept: the error is raised at
once, with `retry_after` set, so a Celery task can schedule itself instead of blocking a worker.

Non-idempotent requests (POST, PATCH): after an *ambiguous* failure (the server may have acted —
see `ApiError.ambiguous`) they are repeated only when the client (`retry_unsafe` class attribute)
or the call (`retry_unsafe=` argument) says a repeat cannot duplicate anything. Failures known not
to have reached the server (connect errors, 429, 503) are always retried.

Logging never includes bodies, query strings or header values other than rate-limit headers.

Why a loop and not stamina: stamina's backoff hook *replaces* the exponential wait instead of
flooring it at Retry-After, its test mode zeroes every wait (so tests cannot check them), and its
time budget does not count the wait about to be slept. `RetryPolicy` takes the same knobs.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from integrations import errors
from integrations.breaker.state import CircuitBreaker, breaker_note
from integrations.ratelimit import SharedBackoff, SharedRateLimit

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RATE_LIMIT_HEADER_PREFIXES = ("retry-after", "x-ratelimit-", "ratelimit")
# A breaker's probe answered with these got past authentication and authorization: close it.
PROBE_PASSED_STATUSES = frozenset({400, 404, 409})


@dataclass(frozen=True)
class RetryPolicy:
    """Decide how often and how long to wait before repeating a failed call.

    The n-th wait is `min(wait_max, wait_initial * wait_exp_base**(n-1)) + uniform(0, wait_jitter)`,
    raised to the server's Retry-After when that is longer. `sleep` and `clock` are injectable so
    tests can record the waits instead of sleeping.
    """

    attempts: int = 6
    timeout: float = 60.0
    wait_initial: float = 0.5
    wait_max: float = 30.0
    wait_jitter: float = 1.0
    wait_exp_base: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def backoff(self, attempt: int) -> float:
        """Return the jittered exponential wait after failed attempt number `attempt` (1-based)."""
        exponential = min(self.wait_max, self.wait_initial * self.wait_exp_base ** (attempt - 1))
        return exponential + random.uniform(0, self.wait_jitter)

    def wait_after(self, error: errors.ApiError, attempt: int) -> float:
        """Return the wait after `error` on `attempt`: backoff, but never below Retry-After."""
        return max(self.backoff(attempt), error.retry_after or 0.0)


NO_RETRY = RetryPolicy(attempts=1)


def token_reuse_seconds(expires_in: float) -> float:
    """Return how long a token that expires in `expires_in` seconds may be reused.

    Stop a margin before expiry — 60 s or 10 %, whichever is smaller — but keep at least half the
    lifetime, so short-lived tokens (a few seconds) are still reused.
    """
    margin = min(60.0, expires_in * 0.1)
    return max(expires_in - margin, expires_in / 2)


def build_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    """Return an explicit `httpx.Timeout` (connect, read, write and pool) from seconds."""
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(float(timeout))


class BaseClient:
    """Call one external API: JSON in, parsed JSON out, typed errors, retries and logging.

    Subclasses set `retry_unsafe` when repeating a POST cannot duplicate anything, and override
    `error_details` to read their API's error body.
    """

    retry_unsafe = False

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | httpx.Timeout,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        rate_limit: SharedRateLimit | None = None,
        backoff: SharedBackoff | None = None,
        breaker: CircuitBreaker | None = None,
    ):
        if not str(base_url).startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.retry = retry or RetryPolicy()
        self.rate_limit = rate_limit
        self.backoff = backoff
        self.breaker = breaker
        self.breaker_moved = False  # this client opened or closed its breaker (record it)
        self.request_count = 0
        self._count_lock = threading.Lock()
        self._probing = threading.local()  # this thread's call is the breaker's probe
        self._http = httpx.Client(
            base_url=base_url,
            timeout=build_timeout(timeout),
            auth=auth,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "BuilderOps", **(headers or {})},
            limits=httpx.Limits(max_keepalive_connections=10, keepalive_expiry=30.0),
            follow_redirects=False,
            event_hooks={"request": [self._admit], "response": [self._observe]},
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http.base_url}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    @property
    def base_url(self) -> httpx.URL:
        """Return the base URL every path is joined to."""
        return self._http.base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retry_unsafe: bool | None = None,
    ) -> Any:
        """Send a request, retrying per `self.retry`; return the parsed JSON body (None if empty).

        The same `headers` (an Idempotency-Key, say) are sent on every attempt.
        """
        method = method.upper()
        unsafe_ok = self.retry_unsafe if retry_unsafe is None else retry_unsafe
        params = {k: v for k, v in (params or {}).items() if v is not None}
        started = self.retry.clock()
        attempt = 1
        while True:
            try:
                return self._send(method, path, attempt, json=json, params=params, headers=headers)
            except errors.ApiError as error:
                error.attempts = attempt
                wait = self._wait_before_retry(error, method, attempt, started, unsafe_ok)
                if wait is None:
                    raise
            self.retry.sleep(wait)
            attempt += 1

    def error_details(self, response: httpx.Response) -> errors.ErrorDetails:
        """Read message, code and field from an error body; subclasses parse their API's shape."""
        return errors.default_error_details(response)

    def error_from_response(self, response: httpx.Response) -> errors.ApiError:
        """Map a non-2xx response to its error — the one mapping every call goes through."""
        return errors.ApiError.from_response(response, self.error_details(response))

    def breaker_reason(self, error: errors.ApiError) -> str | None:
        """Say why `error` opens the breaker ("credentials", "access"), or None if it doesn't.

        Any API: our credentials refused by the token or login endpoint. Subclasses add their
        API's own way of saying "access missing" (Builder Backed: a 403 scope error).
        """
        return "credentials" if isinstance(error, errors.CredentialsRejected) else None

    def _send(self, method: str, path: str, attempt: int, **kwargs: Any) -> Any:
        """Make one attempt: send, log, and return the JSON body or raise the mapped error."""
        self._probing.active = False
        started = time.perf_counter()
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            error = errors.error_from_transport(exc, method, self._full_path(path))
            self._log(method, path, type(error).__name__, started, attempt)
            raise error from exc
        except errors.ApiError as error:  # raised by an auth flow or a guard, before an answer
            self._log(
                method, path, f"auth {error.status or type(error).__name__}", started, attempt
            )
            self._breaker_learn(error)
            raise
        self._log(method, path, response.status_code, started, attempt, response.headers)
        if not response.is_success:
            error = self.error_from_response(response)
            self._breaker_learn(error)
            raise error
        if self._probe_sent():
            self._breaker_close()
        return _parse_body(response)

    def _breaker_learn(self, error: errors.ApiError) -> None:
        """Open the breaker when `error` is a refusal no retry can fix; a probe answered past
        auth and scope checks (400, 404, 409: about the request itself) closes it."""
        if self.breaker is None:
            return
        reason = self.breaker_reason(error)
        if reason is not None:
            state = self.breaker.trip(error, reason=reason)
            self.breaker_moved = True
            error.remote_paused = True
            error.message = f"{error.message} — {breaker_note(state)}"
        elif self._probe_sent() and error.status in PROBE_PASSED_STATUSES:
            self._breaker_close()

    def _breaker_close(self) -> None:
        if self.breaker.reset():
            self.breaker_moved = True

    def _admit(self, request: httpx.Request) -> None:
        """Hold back every request on the wire until the breaker, back-off and ceiling allow it.

        An httpx `request` hook, so auth calls and resends after a 401 are held and counted too.
        """
        # The probe's own token fetch and API call both go through: one probe is one call.
        if self.breaker is not None and not self._probe_sent() and self.breaker.admit():
            self._probing.active = True
        if self.backoff is not None:
            self.backoff.wait()
        if self.rate_limit is not None:
            self.rate_limit.acquire()
        self._count_request(request)  # admitted: it goes on the wire now

    def _probe_sent(self) -> bool:
        """Say whether this thread's current call is the breaker's probe."""
        return getattr(self._probing, "active", False)

    def _observe(self, response: httpx.Response) -> None:
        """Feed every answer — auth calls' too — to the shared back-off (a `response` hook)."""
        if self.backoff is not None:
            retry_after = errors.parse_retry_after(response.headers.get("Retry-After"))
            self.backoff.observe(response.status_code, retry_after)

    def _wait_before_retry(
        self, error: errors.ApiError, method: str, attempt: int, started: float, unsafe_ok: bool
    ) -> float | None:
        """Return the wait before the next attempt, or None when the error must be raised now."""
        if not error.retryable or attempt >= self.retry.attempts:
            return None
        if error.ambiguous and method not in IDEMPOTENT_METHODS and not unsafe_ok:
            return None
        wait = self.retry.wait_after(error, attempt)
        if self.retry.clock() - started + wait > self.retry.timeout:
            return None
        logger.info("%s; retrying in %.2f s (attempt %d failed)", error, wait, attempt)
        return wait

    def _log(
        self,
        method: str,
        path: str,
        status: int | str,
        started: float,
        attempt: int,
        headers: httpx.Headers | None = None,
    ) -> None:
        """Log one attempt: method, path without query, status, duration, rate-limit headers."""
        elapsed_ms = (time.perf_counter() - started) * 1000
        path = self._full_path(path)
        limits = _rate_limit_headers(headers)
        level = logging.DEBUG if isinstance(status, int) and status < 400 else logging.INFO
        logger.log(
            level,
            "%s %s -> %s in %.0f ms (attempt %d)%s",
            method,
            path,
            status,
            elapsed_ms,
            attempt,
            "".join(f" {name}={value}" for name, value in limits.items()),
            extra={
                "http_method": method,
                "http_path": path,
                "http_status": status,
                "elapsed_ms": round(elapsed_ms),
                "attempt": attempt,
                "rate_limit": limits,
            },
        )

    def _full_path(self, path: str) -> str:
        """Return the URL path a relative `path` resolves to, without its query (may be secret)."""
        return self.base_url.path.rstrip("/") + "/" + path.split("?", 1)[0].lstrip("/")

    def _count_request(self, request: httpx.Request) -> None:
        """Count every request put on the wire, auth calls and retries included."""
        with self._count_lock:  # pull engines send from several threads at once
            self.request_count += 1


def _rate_limit_headers(headers: httpx.Headers | None) -> dict[str, str]:
    """Pick Retry-After and X-RateLimit-*/RateLimit-* headers, the only ones ever logged."""
    if not headers:
        return {}
    return {
        name.lower(): value
        for name, value in headers.items()
        if name.lower().startswith(RATE_LIMIT_HEADER_PREFIXES)
    }


def _parse_body(response: httpx.Response) -> Any:
    """Return a success response's JSON body, None when empty; fail if it is not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise errors.ApiError(
            "Response body is not JSON",
            status=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
        ) from exc
