"""Name every way a call to an external API can fail; map responses and transport errors to them.

The tree (each class says whether the same call is worth repeating later — `retryable`)::

    ApiError                      any failed call; status, message, code, field from the body
    ├── ValidationFailed          400  the request itself is wrong: fix the record, don't retry
    ├── Unauthorized              401  credentials or token rejected (after one renewal)
    │   └── CredentialsRejected        the token or login endpoint refused our credentials
    ├── Forbidden                 403  authenticated, but not allowed (scope, entitlement)
    ├── CircuitOpen                    not sent: a breaker holds calls after CredentialsRejected
    ├── NotFound                  404  unknown id, or a missing parent reference
    ├── NotSupported              404 `not_supported`, or refused before any request is made
    ├── Conflict                  409  already exists / idempotency key reused with another body
    ├── RateLimited      retryable 429  `retry_after` seconds from the Retry-After header
    ├── ServerError      retryable 5xx
    ├── Timeout          retryable      no answer in time (httpx.TimeoutException)
    ├── ConnectionFailed retryable      connection refused, reset or closed mid-answer
    └── LocalServiceFailed retryable    not sent: our own cache, broker or database failed

Responses are mapped in one place, `ApiError.from_response`; transport exceptions in one place,
`error_from_transport`. Callers raise the result with `raise … from exc` so the cause is kept.
`infrastructure_failure` says whether any other exception is one of our own services failing
(a cache, broker or database hiccup): that is always transient, never the record's fault.

`ambiguous` tells whether the server may have acted on the request although we got no answer
(a read timeout, a dropped connection, a 5xx other than 503). Repeating a non-idempotent request
after an ambiguous failure may duplicate it; the base client only does so when told it is safe.
"""

from __future__ import annotations

import datetime
import email.utils
import time
from http import HTTPStatus
from typing import Any, NamedTuple

import httpx


class ErrorDetails(NamedTuple):
    """What an API's error body says, once each API's shape has been parsed."""

    message: str
    code: str | None = None
    field: str | None = None


class ApiError(Exception):
    """Fail a call to an external API; the base of every error this package raises."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
        ambiguous: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.method = method
        self.path = path
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.attempts = 1
        # Set when this error opened (or met) a circuit breaker: every call to the remote is
        # paused, so the record waits for the breaker, it has not failed (integrations.breaker).
        self.remote_paused = isinstance(self, CircuitOpen)

    def __str__(self) -> str:
        head = f"{self.status} " if self.status else ""
        code = f" [{self.code}]" if self.code else ""
        where = f" ({self.method} {self.path})" if self.method and self.path else ""
        return f"{head}{self.message}{code}{where}"

    def __reduce__(self):
        # Keyword-only arguments defeat Exception's default pickling (Celery result backends).
        return (self.__class__, (self.message,), self.__dict__)

    @classmethod
    def from_response(cls, response: httpx.Response, details: ErrorDetails) -> ApiError:
        """Build the error for a non-2xx `response`, choosing the class by code, then status."""
        status = response.status_code
        error_class = CODE_CLASSES.get(details.code or "") or class_for_status(status)
        return error_class(
            details.message,
            status=status,
            code=details.code,
            field=details.field,
            method=response.request.method,
            path=response.request.url.path,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            ambiguous=status >= 500 and status != HTTPStatus.SERVICE_UNAVAILABLE,
        )


class ValidationFailed(ApiError):
    """Reject the request's content (400)."""


class Unauthorized(ApiError):
    """Reject the credentials or token (401)."""


class CredentialsRejected(Unauthorized):
    """Refuse our client credentials or login at the token/session endpoint (bad secret, MFA)."""


class Forbidden(ApiError):
    """Refuse an authenticated caller (403)."""


class CircuitOpen(ApiError):
    """Hold a call back, unsent: the remote rejected our credentials or access and a circuit
    breaker waits for its next probe. Not retryable by the caller: the breaker's probe decides."""


class NotFound(ApiError):
    """Answer that the addressed record, or one it references, does not exist (404)."""


class NotSupported(ApiError):
    """Refuse an operation this API (or this portal) does not offer."""


class Conflict(ApiError):
    """Refuse a write that clashes with existing state (409)."""


class RateLimited(ApiError):
    """Ask the caller to slow down (429); `retry_after` says for how long, when the server said."""

    retryable = True


class ServerError(ApiError):
    """Fail on the server's side (5xx); usually transient."""

    retryable = True


class Timeout(ApiError):
    """Get no (complete) answer within the configured timeout."""

    retryable = True


class ConnectionFailed(ApiError):
    """Fail to connect, or lose the connection before a complete answer."""

    retryable = True


class LocalServiceFailed(ApiError):
    """Fail before sending because one of our own services (cache, broker, database) failed."""

    retryable = True


STATUS_CLASSES: dict[int, type[ApiError]] = {
    400: ValidationFailed,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}

# Error codes that name a class whatever the status (shared/contracts/portals.md, Fine points:
# an endpoint a portal does not offer answers 404 `not_supported`).
CODE_CLASSES: dict[str, type[ApiError]] = {"not_supported": NotSupported}

# The request never left this machine: repeating it cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def class_for_status(status: int) -> type[ApiError]:
    """Return the error class for an HTTP status."""
    if status >= 500:
        return ServerError
    return STATUS_CLASSES.get(status, ApiError)


def error_from_transport(exc: httpx.TransportError, method: str, path: str) -> ApiError:
    """Translate an httpx transport exception; the caller raises it `from exc`."""
    error_class = Timeout if isinstance(exc, httpx.TimeoutException) else ConnectionFailed
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return error_class(message, method=method, path=path, ambiguous=not isinstance(exc, _NOT_SENT))


def default_error_details(response: httpx.Response) -> ErrorDetails:
    """Read `message`/`code`/`field` from a JSON object body, falling back to the reason phrase."""
    body = json_or_none(response)
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str) and message:
            code = body.get("code")
            return ErrorDetails(message, code if isinstance(code, str) else None)
    return ErrorDetails(response.reason_phrase or f"HTTP {response.status_code}")


def json_or_none(response: httpx.Response) -> Any:
    """Parse the response body as JSON, or return None when it is empty or not JSON."""
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Read a Retry-After header — delay-seconds or an HTTP-date — as seconds from now (≥ 0)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 §5.6.7: HTTP-dates are GMT
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def infrastructure_failure(exc: BaseException) -> bool:
    """Say whether `exc` is one of our own services failing (cache, broker, database, socket).

    redis-py's errors, kombu's `OperationalError`, Django's `OperationalError`/`InterfaceError`
    (a lost connection, not a constraint) and plain `OSError`s are all "try again later", never
    a fact about the record being published.
    """
    from django.db import InterfaceError
    from django.db import OperationalError as DatabaseUnavailable
    from kombu.exceptions import OperationalError as BrokerUnavailable

    kinds: tuple[type[BaseException], ...] = (
        OSError,
        DatabaseUnavailable,
        InterfaceError,
        BrokerUnavailable,
        LocalServiceFailed,
    )
    try:
        from redis.exceptions import RedisError
    except ImportError:  # redis-py is only needed when Redis is configured
        pass
    else:
        kinds += (RedisError,)
    return isinstance(exc, kinds)
