"""Keep a portal session alive across calls and worker processes (contract: "Sessions").

`PortalSessionAuth` is an `httpx.Auth`: it logs in with `POST /sessions` (with a TOTP `mfaCode`
when an MFA secret is stored), keeps the tokens in a `SessionStore` shared by every worker (Django's
cache by default, keyed by the connection), refreshes them shortly before expiry with
`POST /sessions/refresh` — the refresh token rotates — logs in again when refresh answers 401, and
on a 401 from an API call renews the session and repeats that call once. That is how a session
that expires mid-run is renewed and the run completes.

Passwords, MFA secrets and codes, and tokens are never logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from typing import Protocol

import httpx
from django.core.cache import BaseCache
from django.core.cache import cache as default_cache

from integrations import errors
from integrations.http import token_reuse_seconds
from integrations.portals import schema
from integrations.portals.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from integrations.portals.totp import totp

# Longest a thread waits for another to log in or refresh: a few timeouts' worth.
RENEW_LOCK_SECONDS = 60.0

logger = logging.getLogger(__name__)

# Refresh tokens outlive access tokens by an unknown amount; a session older than this is
# dropped from the store and a fresh login made (an expired refresh token costs one 401 anyway).
SESSION_STORE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Session:
    """Hold one portal session's tokens and when to stop using the access token (epoch s)."""

    access_token: str
    refresh_token: str
    renew_at: float

    def is_due(self, now: float) -> bool:
        """Say whether the access token is close enough to expiry to refresh it first."""
        return now >= self.renew_at


class SessionStore(Protocol):
    """Store sessions as dicts under a connection key, shared by the processes that need them."""

    def get(self, key: str) -> dict | None: ...

    def set(self, key: str, value: dict) -> None: ...

    def delete(self, key: str) -> None: ...


class CacheSessionStore:
    """Store sessions in a Django cache (the default cache unless one is given), encrypted.

    The tokens are live credentials for a day, and the cache is Redis in production: they are
    kept as Fernet tokens under PORTAL_ENCRYPTION_KEYS, like the passwords. One no key reads
    (the key was rotated away) counts as no session: the next call logs in again.
    """

    def __init__(self, cache: BaseCache | None = None, prefix: str = "portals:session:"):
        self._cache = cache
        self.prefix = prefix

    @property
    def cache(self) -> BaseCache:
        """Return the cache in use, resolved per call so settings overrides apply."""
        return self._cache if self._cache is not None else default_cache

    def get(self, key: str) -> dict | None:
        """Return the stored session, or None (also when it can't be decrypted or read)."""
        stored = self.cache.get(self.prefix + key)
        if not isinstance(stored, str):
            return None
        try:
            value = json.loads(secret_decrypt(stored))
        except (SecretUnreadable, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict) -> None:
        """Store a session, encrypted."""
        token = secret_encrypt(json.dumps(value))
        self.cache.set(self.prefix + key, token, timeout=SESSION_STORE_SECONDS)

    def delete(self, key: str) -> None:
        """Forget a session."""
        self.cache.delete(self.prefix + key)


def login_refused(response: httpx.Response) -> errors.CredentialsRejected:
    """Map a login the portal refused (401) to `CredentialsRejected`, with the portal's words."""
    details = schema.error_details(response)
    return errors.CredentialsRejected(
        details.message,
        status=response.status_code,
        code=details.code,
        method="POST",
        path=response.request.url.path,
    )


class PortalSessionAuth(httpx.Auth):
    """Add the portal session's bearer token to each request, logging in or refreshing first."""

    requires_response_body = True

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        mfa_secret: str | None,
        store: SessionStore,
        key: str,
        clock: Callable[[], float] = time.time,
    ):
        self.base_url = str(base_url).rstrip("/")
        self.username = username
        self._password = password
        self._mfa_secret = mfa_secret
        self.store = store
        self.key = key
        self.clock = clock
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<PortalSessionAuth {self.base_url} user={self.username!r} key={self.key!r}>"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send `request` with a live session; on 401 renew the session and send it once more."""
        session = self.load()
        if session is None or session.is_due(self.clock()):
            # One thread renews while the others of this client wait and reuse its session: the
            # refresh token rotates, so concurrent refreshes would all but one answer 401. The
            # lock is held across the yields because a sync client drives this generator in the
            # calling thread.
            with self._renewing():
                session = yield from self._current_or_renewed(request)
        request.headers["Authorization"] = f"Bearer {session.access_token}"
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        with self._renewing():
            session = yield from self._renew(request, rejected=session)
        request.headers["Authorization"] = f"Bearer {session.access_token}"
        yield request

    @contextlib.contextmanager
    def _renewing(self):
        """Hold the renewal lock, waiting at most RENEW_LOCK_SECONDS for another thread.

        A plain Lock, not an RLock: when httpx abandons this generator after a failed request,
        it may be finalized in another thread, and only a plain Lock can be released there (an
        RLock stayed held by its first thread, and every other thread waited forever).
        """
        if not self._lock.acquire(timeout=RENEW_LOCK_SECONDS):
            raise errors.Timeout(
                f"Waited {RENEW_LOCK_SECONDS:g} s for another thread to renew the portal session"
            )
        try:
            yield
        finally:
            self._lock.release()

    def _current_or_renewed(self, request: httpx.Request):
        """Return the stored session if still live, else log in or refresh (lock held)."""
        session = self.load()
        if session is None:
            return (yield from self._login(request))
        if session.is_due(self.clock()):
            return (yield from self._refresh(request, session))
        return session

    def load(self) -> Session | None:
        """Return the stored session, or None when there is none (or it is unreadable)."""
        stored = self.store.get(self.key)
        try:
            return Session(**stored) if stored else None
        except TypeError:
            return None

    def _renew(self, request: httpx.Request, *, rejected: Session):
        """Return a session other than `rejected`: another worker's newer one, or refreshed."""
        current = self.load()
        if current and current.access_token != rejected.access_token:
            if not current.is_due(self.clock()):
                return current
            return (yield from self._refresh(request, current))
        return (yield from self._refresh(request, rejected))

    def _refresh(self, request: httpx.Request, session: Session):
        """Refresh the session; log in again when the refresh token is refused (401)."""
        body = schema.refresh_body(session.refresh_token)
        response = yield self._session_request(request, schema.REFRESH_PATH, body)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            # Contract "Sessions": an expired refresh token → log in again with stored credentials.
            return (yield from self._login(request))
        return self._accept(response)

    def _login(self, request: httpx.Request):
        """Log in with the stored credentials (and a TOTP code when MFA is set up)."""
        code = totp(self._mfa_secret, at=self.clock()) if self._mfa_secret else None
        body = schema.login_body(self.username, self._password, code)
        response = yield self._session_request(request, schema.SESSIONS_PATH, body)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            # Contract "Sessions": invalid_credentials / mfa_required — no retry can fix these;
            # the client's circuit breaker pauses this login instead of hammering it.
            raise login_refused(response)
        return self._accept(response)

    def _session_request(self, request: httpx.Request, path: str, body: dict) -> httpx.Request:
        """Build a session call with the API call's timeouts and a fresh Idempotency-Key."""
        # Contract "Common": every POST sends an Idempotency-Key; a fresh one per attempt, since
        # replaying an old login would hand back tokens that may have expired since.
        return httpx.Request(
            "POST",
            self.base_url + path,
            json=body,
            headers={"Accept": "application/json", schema.IDEMPOTENCY_KEY: str(uuid.uuid4())},
            extensions={"timeout": request.extensions.get("timeout", {})},
        )

    def _accept(self, response: httpx.Response) -> Session:
        """Store the session a 200 carries, or raise the mapped error."""
        logger.info(
            "POST %s -> %s (portal session)", response.request.url.path, response.status_code
        )
        if not response.is_success:
            raise errors.ApiError.from_response(response, schema.error_details(response))
        access, refresh, expires_in = schema.read_tokens(errors.json_or_none(response))
        session = Session(access, refresh, self.clock() + token_reuse_seconds(expires_in))
        self.store.set(self.key, asdict(session))
        return session
