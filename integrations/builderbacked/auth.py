"""Authenticate Builder Backed calls with OAuth2 client credentials (contract: "Hosts and auth").

`ClientCredentialsAuth` is an `httpx.Auth`: it puts `Authorization: Bearer <token>` on every call,
fetching the token from the token URL (RFC 6749 §4.4, client authenticated with HTTP Basic per
§2.3.1) when the shared Django cache has none. Tokens are cached under a key made of the token URL,
client id and scopes — never the secret — for `token_reuse_seconds(expires_in)`, so every web and
worker process reuses one token; a cold start costs at most one fetch per process.

On a 401 from an API call the rejected token is dropped, a new one fetched (unless another process
already cached a newer one) and the call repeated once; a second 401 reaches the caller as
`Unauthorized` (contract: "What the client must do").
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from collections.abc import Generator, Iterable
from urllib.parse import quote_plus

import httpx
from django.core.cache import BaseCache
from django.core.cache import cache as default_cache

from integrations import errors
from integrations.http import token_reuse_seconds

logger = logging.getLogger(__name__)

# RFC 6749 §5.1 leaves expires_in optional; assume the contract's example lifetime when absent.
DEFAULT_EXPIRES_IN = 3600


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
    ):
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self._cache = cache
        self._lock = threading.RLock()
        identity = "|".join((token_url, client_id, " ".join(sorted(self.scopes))))
        self.cache_key = "builderbacked:token:" + hashlib.sha256(identity.encode()).hexdigest()

    def __repr__(self) -> str:
        return f"<ClientCredentialsAuth client_id={self.client_id!r} scopes={self.scopes!r}>"

    @property
    def cache(self) -> BaseCache:
        """Return the cache tokens are shared through (Django's default unless one was given)."""
        return self._cache if self._cache is not None else default_cache

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send `request` with a bearer token; on 401 renew the token and send it once more."""
        token = self.cache.get(self.cache_key)
        if token is None:
            # One thread of this process fetches; the others wait and reuse its token (the lock
            # is held across the yield because a sync client drives this in the calling thread).
            with self._lock:
                token = self.cache.get(self.cache_key)
                if token is None:
                    token = yield from self._fetch_token(request)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        with self._lock:
            token = yield from self._renew_token(request, rejected=token)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _renew_token(
        self, request: httpx.Request, *, rejected: str
    ) -> Generator[httpx.Request, httpx.Response, str]:
        """Return a token other than `rejected`: one another process cached, or a fresh one."""
        cached = self.cache.get(self.cache_key)
        if cached is not None and cached != rejected:
            return cached
        self.cache.delete(self.cache_key)
        return (yield from self._fetch_token(request))

    def _fetch_token(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, str]:
        """Ask the token endpoint for a token, cache it, and return it."""
        started = time.perf_counter()
        response = yield self._token_request(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "POST %s -> %s in %.0f ms (token for scopes %s)",
            response.request.url.path,
            response.status_code,
            elapsed_ms,
            " ".join(self.scopes),
        )
        if not response.is_success:
            raise errors.ApiError.from_response(response, token_error_details(response))
        token, expires_in = _read_token(response)
        self.cache.set(self.cache_key, token, timeout=token_reuse_seconds(expires_in))
        return token

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
