"""Issue and check the tenant's tokens (shared/contracts/portals.md, "Sessions").

`POST /sessions` trades the tenant's credentials (and, when it demands MFA, a current TOTP code) for
an access token and a refresh token; `POST /sessions/refresh` trades a refresh token for a new pair
and retires the old refresh token (rotation). Access tokens already issued stay valid until they
expire. Tokens are random and opaque.
"""

import hmac
import secrets
import time
from dataclasses import dataclass

from integrations.sandbox.portals.errors import ApiError
from integrations.sandbox.portals.totp import totp_verify


@dataclass
class Credentials:
    username: str
    password: str
    mfa_key: bytes | None = None  # set when the tenant demands MFA


class Sessions:
    """Hold live tokens with their expiry times (Unix seconds)."""

    def __init__(self, access_lifetime: int, refresh_lifetime: int):
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.access: dict[str, float] = {}
        self.refresh: dict[str, float] = {}
        self.now = time.time  # tests may swap in their own clock

    def login(self, credentials: Credentials, body: dict) -> dict:
        """Check a `POST /sessions` body and return a new token pair."""
        username, password = body.get("username"), body.get("password")
        if not (isinstance(username, str) and isinstance(password, str)) or not (
            hmac.compare_digest(username.encode(), credentials.username.encode())
            & hmac.compare_digest(password.encode(), credentials.password.encode())
        ):
            raise ApiError(401, "invalid_credentials", "The username or password is wrong.")
        if credentials.mfa_key is not None and not totp_verify(
            credentials.mfa_key, body.get("mfaCode"), self.now()
        ):
            raise ApiError(401, "mfa_required", "This tenant requires a current mfaCode.")
        return self._issue()

    def rotate(self, body: dict) -> dict:
        """Trade a live refresh token for a new pair; the old refresh token stops working."""
        token = body.get("refreshToken")
        expires = self.refresh.pop(token, None) if isinstance(token, str) else None
        if expires is None:
            raise ApiError(401, "invalid_token", "Unknown refresh token; log in again.")
        if expires <= self.now():
            raise ApiError(401, "token_expired", "The refresh token has expired; log in again.")
        return self._issue()

    def check(self, authorization: str | None) -> None:
        """Raise a 401 unless `authorization` is `Bearer <live access token>`."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthorized", "Send Authorization: Bearer <accessToken>.")
        expires = self.access.get(token.strip())
        if expires is None:
            raise ApiError(401, "invalid_token", "Unknown access token.")
        if expires <= self.now():
            raise ApiError(401, "token_expired", "The access token has expired.")

    def expire_all(self, *, refresh: bool = False) -> None:
        """Expire every access token now, and every refresh token too if asked."""
        now = self.now()
        self.access = dict.fromkeys(self.access, now)
        if refresh:
            self.refresh = dict.fromkeys(self.refresh, now)

    def _issue(self) -> dict:
        now = self.now()
        self._forget_expired(now)
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        self.access[access] = now + self.access_lifetime
        self.refresh[refresh] = now + self.refresh_lifetime
        return {
            "accessToken": access,
            "refreshToken": refresh,
            "tokenType": "Bearer",
            "expiresIn": self.access_lifetime,
        }

    def _forget_expired(self, now: float) -> None:
        """Drop tokens expired for over a day, so the tables stay small in long runs."""
        cutoff = now - 86400
        self.access = {t: e for t, e in self.access.items() if e > cutoff}
        self.refresh = {t: e for t, e in self.refresh.items() if e > cutoff}
