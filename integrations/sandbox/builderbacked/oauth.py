"""OAuth2 client-credentials tokens: the token endpoint and the bearer check on every API call.

builder-backed.md, Hosts and auth: `POST /oauth2/token`, form body, client authenticated with HTTP
Basic (RFC 6749 §2.3.1); answer per RFC 6749 §5.1, errors per §5.2.
"""

import base64
import binascii
import secrets
import time
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse

from .errors import ApiError

UNAUTHENTICATED = "Invalid or missing authentication token"
# RFC 6749 §5.1: token answers must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenIssuer:
    """Issue opaque tokens for one client and remember their scopes and expiry."""

    def __init__(self, *, client_id: str, client_secret: str, scopes: list[str], lifetime: int):
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = list(scopes)
        self.lifetime = lifetime
        self.tokens: dict[str, tuple[frozenset, float]] = {}

    def issue(self, scopes: list[str]) -> dict:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = (frozenset(scopes), time.time() + self.lifetime)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
            "scope": " ".join(scopes),
        }

    def scopes_of(self, token: str) -> frozenset | None:
        """The token's scopes, or None when it is unknown or expired."""
        scopes, expires_at = self.tokens.get(token, (None, 0.0))
        return scopes if time.time() < expires_at else None

    def expire_all(self) -> int:
        """Make every issued token expired now (POST /_sandbox/tokens/expire)."""
        now = time.time()
        self.tokens = {token: (scopes, now) for token, (scopes, _) in self.tokens.items()}
        return len(self.tokens)

    def client_matches(self, header: str) -> bool:
        """Check HTTP Basic credentials against the configured client."""
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return False
        # RFC 6749 §2.3.1 form-encodes both parts first; accept them raw as well.
        return any(
            _same(cid, self.client_id) and _same(sec, self.client_secret)
            for cid, sec in ((client_id, secret), (unquote_plus(client_id), unquote_plus(secret)))
        )


async def token_endpoint(request: Request, issuer: TokenIssuer) -> JSONResponse:
    """POST /oauth2/token: client auth (401), then grant type, then scope (400)."""
    if not issuer.client_matches(request.headers.get("authorization", "")):
        headers = {"WWW-Authenticate": 'Basic realm="builderbacked"', **NO_STORE}
        return JSONResponse({"error": "invalid_client"}, 401, headers=headers)
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    grant_type = form.get("grant_type")
    if not grant_type:
        return _token_error("invalid_request")
    if grant_type != "client_credentials":
        return _token_error("unsupported_grant_type")
    requested = list(dict.fromkeys(form.get("scope", "").split()))
    if not requested:  # scope omitted: grant everything the client is configured for
        requested = issuer.scopes
    if not set(requested) <= set(issuer.scopes):
        return _token_error("invalid_scope")
    return JSONResponse(issuer.issue(requested), headers=NO_STORE)


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


def _token_error(code: str) -> JSONResponse:
    return JSONResponse({"error": code}, 400, headers=NO_STORE)


def bearer_scopes(authorization: str | None, issuer: TokenIssuer) -> frozenset:
    """Return the scopes of a valid bearer token, or raise the contract's 401.

    builder-backed.md, Hosts and auth: a header without the word `Bearer `, or `Bearer` with
    nothing after it, is malformed.
    """
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthenticated()
    token = authorization[len("Bearer ") :].strip()
    scopes = issuer.scopes_of(token) if token else None
    if scopes is None:
        raise unauthenticated()
    return scopes


def unauthenticated() -> ApiError:
    return ApiError(401, UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})


def require_scope(scopes: frozenset, needed: str | None) -> None:
    """builder-backed.md: a token lacking the scope → 403 naming it."""
    if needed and needed not in scopes:
        raise ApiError(403, f"Token does not have required scope: {needed}")
