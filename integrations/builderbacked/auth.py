"""Authenticate Builder Backed calls with OAuth2 client credentials (contract: "Hosts and auth").

`ClientCredentialsAuth` is an `httpx.Auth`: it puts `Authorization: Bearer <token>` on every call,
fetching the token from the token URL (RFC 6749 §4.4, client authenticated with HTTP Basic per
§2.3.1) when the shared Django cache has none. Tokens are cached under a key made of the token URL,
client id and scopes — never the secret — and reused for `token_reuse_seconds(expires_in)`, so
every web and worker process shares one token; a cold start costs one fetch in all.

On a 401 from an API call the rejected token is dropped, a new one fetched (unless another process
already cached a newer one) and the call repeated once; a second 401 reaches the caller as
`Unauthorized` (contract: "What the client must do").

One fetch at a time across every process (issue 10): the fetcher holds a cache lock
(`…:fetching`); the others poll the cache until its token appears, then reuse it. A 429 from the
token endpoint is waited out once (the base client's shared back-off holds every sender until
its Retry-After), not retried by every waiting thread at once. A refusal of the credentials
themselves (401 `invalid_client`) raises `CredentialsRejected`, which the base client's circuit
breaker turns into a pause for everyone (the client does the same for `GRANT_ERRORS`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import time
from collections.abc import Generator, Iterable
from typing import Any
from urllib.parse import quote_plus

import httpx
from django.core.cache import BaseCache
from django.core.cache import cache as default_cache

from integrations import errors
from integrations.http import token_reuse_seconds
from integrations.ratelimit import cache_call

logger = logging.getLogger(__name__)

# RFC 6749 §5.1 leaves expires_in optional; assume the contract's example lifetime when absent.
DEFAULT_EXPIRES_IN = 3600
# Longest one process may hold the fetch lock: a token call's timeout and one Retry-After wait.
TOKEN_LOCK_SECONDS = 45.0
TOKEN_POLL_SECONDS = 0.05
# RFC 6749 §5.2 codes saying the scopes we ask for are not ours to have (access, not luck).
GRANT_ERRORS = frozenset({"invalid_scope", "unauthorized_client"})


class ClientCredentialsAuth(httpx.Auth):
    """Add a cached OAuth2 client-credentials bearer token to each request."""

    requires_response_body = True

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Iterable[str],
        cache: BaseCache | None = None,
        lock_seconds: float = TOKEN_LOCK_SECONDS,
    ):
        self.token_url = token_url
        self.lock_seconds = lock_seconds
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self._cache = cache
        identity = "|".join((token_url, client_id, " ".join(sorted(self.scopes))))
        self.cache_key = "builderbacked:token:" + hashlib.sha256(identity.encode()).hexdigest()
        self.lock_key = self.cache_key + ":fetching"

    def __repr__(self) -> str:
        return f"<ClientCredentialsAuth client_id={self.client_id!r} scopes={self.scopes!r}>"

    @property
    def cache(self) -> BaseCache:
        """Return the cache tokens are shared through (Django's default unless one was given)."""
        return self._cache if self._cache is not None else default_cache

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send `request` with a bearer token; on 401 renew the token and send it once more."""
        # No thread lock is held across these yields: httpx may abandon this generator when a
        # request fails, and a generator finalized later in another thread can't release a lock
        # its first thread took — every other thread then waited on it forever. The cache lock
        # in `_shared_token` already lets one fetcher in, in this process and all others.
        token = self._cached()
        if token is None:
            token = yield from self._shared_token(request)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        token = yield from self._shared_token(request, rejected=token)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _cached(self) -> str | None:
        """Return the shared token while it may still be used, else None."""
        stored = cache_call(lambda: self.cache.get(self.cache_key), "reading the token")
        if isinstance(stored, dict):
            return stored["token"] if time.time() < stored["renew_at"] else None
        return stored  # a bare token (another process's older format): valid while cached

    def _shared_token(
        self, request: httpx.Request, *, rejected: str | None = None
    ) -> Generator[httpx.Request, httpx.Response, str]:
        """Return a cached token other than `rejected`, fetched by us only if no one else is.

        Whoever adds the cache lock fetches; the others poll until the token appears, or the
        lock goes away without one (that fetch failed: try in turn — the breaker or the shared
        back-off, consulted before every request, stop a failing remote from being hammered).
        """
        deadline = time.monotonic() + self.lock_seconds
        while True:
            token = self._cached()
            if token is not None and token != rejected:
                return token
            if cache_call(self._lock_take, "locking the token fetch"):
                try:
                    return (yield from self._fetch_token(request))
                finally:
                    cache_call(lambda: self.cache.delete(self.lock_key), "unlocking")
            if time.monotonic() >= deadline:
                raise errors.Timeout(
                    f"Waited {self.lock_seconds:g} s for another process to fetch a token"
                )
            time.sleep(TOKEN_POLL_SECONDS)

    def _lock_take(self) -> bool:
        return self.cache.add(self.lock_key, 1, timeout=self.lock_seconds)

    def _fetch_token(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, str]:
        """Ask the token endpoint for a token, cache it, and return it.

        A 429 is waited out once: the base client's shared back-off holds the repeat (and every
        other sender) until its Retry-After has passed.
        """
        response = yield from self._token_call(request)
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
            response = yield from self._token_call(request)
        if not response.is_success:
            raise token_error(response)
        token, expires_in = _read_token(response)
        # The reuse deadline is kept beside the token: cache timeouts are whole seconds in
        # Redis, which would cut a 5-second token's 4.5 s of use to 4 (25% more fetches).
        entry = {"token": token, "renew_at": time.time() + token_reuse_seconds(expires_in)}
        cache_call(
            lambda: self.cache.set(self.cache_key, entry, timeout=math.ceil(expires_in)),
            "storing the token",
        )
        return token

    def _token_call(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, Any]:
        """Send one token request and log its answer."""
        started = time.perf_counter()
        response = yield self._token_request(request)
        logger.info(
            "POST %s -> %s in %.0f ms (token for scopes %s)",
            response.request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            " ".join(self.scopes),
        )
        return response

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        """Build the client-credentials request, with the API call's own timeouts."""
        return httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials", "scope": " ".join(self.scopes)},
            headers={"Authorization": self._basic_credentials(), "Accept": "application/json"},
            extensions={"timeout": request.extensions.get("timeout", {})},
        )

    def _basic_credentials(self) -> str:
        """Return the Basic header value; RFC 6749 §2.3.1 form-encodes id and secret first."""
        pair = f"{quote_plus(self.client_id)}:{quote_plus(self._client_secret)}"
        return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def token_error(response: httpx.Response) -> errors.ApiError:
    """Map a failed token answer; a refusal of our credentials is `CredentialsRejected`."""
    details = token_error_details(response)
    if response.status_code == httpx.codes.UNAUTHORIZED:
        return errors.CredentialsRejected(
            details.message,
            status=response.status_code,
            code=details.code,
            method="POST",
            path=response.request.url.path,
        )
    return errors.ApiError.from_response(response, details)


def token_error_details(response: httpx.Response) -> errors.ErrorDetails:
    """Read an RFC 6749 §5.2 error body: `error` is the code, `error_description` the message."""
    body = errors.json_or_none(response)
    code = body.get("error") if isinstance(body, dict) else None
    if not isinstance(code, str):
        return errors.ErrorDetails(f"Token request failed with HTTP {response.status_code}")
    description = body.get("error_description")
    message = description if isinstance(description, str) and description else code
    return errors.ErrorDetails(f"Token request failed: {message}", code=code)


def _read_token(response: httpx.Response) -> tuple[str, float]:
    """Return access_token and expires_in from an RFC 6749 §5.1 body, or fail clearly."""
    body = errors.json_or_none(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    token_type = body.get("token_type", "Bearer") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token or str(token_type).lower() != "bearer":
        raise errors.ApiError(
            "Token response carries no Bearer access_token",
            status=response.status_code,
            method="POST",
            path=response.request.url.path,
        )
    try:
        expires_in = float(body.get("expires_in", DEFAULT_EXPIRES_IN))
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    return token, expires_in if expires_in > 0 else DEFAULT_EXPIRES_IN
