"""Call the Builder Backed API v2 (shared/contracts/builder-backed.md, "Endpoints").

`BuilderBackedClient` sends payload dicts built by callers and returns the parsed JSON; it knows
paths (each level's, from locations/hierarchy.py), auth and the error body shape, not models.
Every location level shares one `LocationResource` (list, get, create, update); homes and
homeowners have their own methods.

Errors are `integrations.errors` classes; `references.missing_reference` / `already_exists` read
which parent is missing or what already exists.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import BaseCache
from django.core.exceptions import ImproperlyConfigured

from integrations import errors
from integrations.breaker.state import CircuitBreaker
from integrations.builderbacked.auth import GRANT_ERRORS, ClientCredentialsAuth
from integrations.builderbacked.references import Level, field_from_message
from integrations.health import builderbacked_status
from integrations.http import BaseClient, RetryPolicy
from integrations.ratelimit import SharedBackoff, SharedRateLimit
from locations.hierarchy import level_named, levels_published

DEFAULT_SCOPES = ("location.write", "home.write")
REGIONS_PATH = level_named("region").api_path
HOMES_PATH = level_named("home").api_path
# An external id no record has: the breaker's probe reads it, and a 404 proves token and scope.
PROBE_EXTERNAL_ID = "builderops-access-probe"


# builder-backed.md, Errors: a token without a scope → 403 "Token does not have required scope: …".
SCOPE_ERROR_PREFIX = "token does not have required scope"
BREAKER_HINTS = {
    "credentials": "check BUILDERBACKED_CLIENT_SECRET",
    "access": "check BUILDERBACKED_SCOPES and the scopes Builder Backed granted this client",
}


def tenant_key(base_url: str, client_id: str) -> str:
    """Return the cache key prefix every process calling this tenant shares (no secret in it)."""
    digest = hashlib.sha256(f"{base_url}|{client_id}".encode()).hexdigest()[:32]
    return f"builderbacked:{digest}"


def _shared_rate_limit(
    rate: float, base_url: str, client_id: str, cache: BaseCache | None
) -> SharedRateLimit | None:
    """Return the ceiling every process calling this tenant shares, or None for no ceiling."""
    if not rate:
        return None
    digest = hashlib.sha256(f"{base_url}|{client_id}".encode()).hexdigest()[:32]
    return SharedRateLimit(rate, key=f"builderbacked:rate:{digest}", cache=cache)


def tenant_breaker(base_url: str, client_id: str, cache: BaseCache | None = None):
    """Return the circuit breaker every process calling this tenant shares."""
    return CircuitBreaker(
        key=f"{tenant_key(base_url, client_id)}:breaker",
        label="Builder Backed",
        hints=BREAKER_HINTS,
        activity="publishing",
        cache=cache,
    )


def location_paths() -> dict[str, str]:
    """Map each published location level to its collection path (locations/hierarchy.py).

    Homes are published too but are not a location: they have their own methods (homeowners).
    """
    return {level.name: level.api_path for level in levels_published() if level.name != Level.HOME}


def path_segment(external_id: str) -> str:
    """Percent-encode an external id for a path: spaces, slashes and all (matched exactly)."""
    return quote(str(external_id), safe="")


class LocationResource:
    """List, get, create and update one location level (contract: "Endpoints", "Location PUT")."""

    def __init__(self, client: BaseClient, level: Level, path: str):
        self.client = client
        self.level = level
        self.path = path

    def __repr__(self) -> str:
        return f"<LocationResource {self.level} {self.path}>"

    def list(self) -> list[dict]:
        """Return every record of this level (a bare JSON array)."""
        return self.client.request("GET", self.path)

    def get(self, external_id: str) -> dict:
        """Return the record with this external id; NotFound when there is none."""
        return self.client.request("GET", f"{self.path}/{path_segment(external_id)}")

    def create(self, payload: dict) -> dict:
        """Create a record (POST); Conflict when its externalId is already used."""
        return self.client.request("POST", self.path, json=payload)

    def update(self, payload: dict) -> dict:
        """Replace the record named by `payload["externalId"]` (PUT replaces: send every field)."""
        return self.client.request("PUT", self.path, json=payload)


class BuilderBackedClient(BaseClient):
    """Publish the location hierarchy, homes and homeowners to Builder Backed."""

    # Repeating a POST cannot create twice: a duplicate create answers 409, and the caller then
    # switches to PUT (contract: "What the client must do").
    retry_unsafe = True

    def __init__(
        self,
        *,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        timeout: float | httpx.Timeout = 10.0,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        cache: BaseCache | None = None,
        rate_limit: float = 0.0,
    ):
        retry = retry or RetryPolicy()
        auth = ClientCredentialsAuth(
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scopes=scopes,
            cache=cache,
        )
        super().__init__(
            base_url,
            timeout=timeout,
            auth=auth,
            transport=transport,
            retry=retry,
            rate_limit=_shared_rate_limit(rate_limit, base_url, client_id, cache),
            backoff=SharedBackoff(
                key=f"{tenant_key(base_url, client_id)}:backoff",
                cache=cache,
                max_wait=retry.timeout,
            ),
            breaker=tenant_breaker(base_url, client_id, cache),
        )
        self.auth = auth
        self.locations = {
            level: LocationResource(self, level, path) for level, path in location_paths().items()
        }

    @classmethod
    def from_settings(cls, **overrides: Any) -> BuilderBackedClient:
        """Build a client from BUILDERBACKED_* settings; keyword arguments override them."""
        missing = builderbacked_status()["missing"]
        if missing:
            raise ImproperlyConfigured(
                f"Builder Backed is not configured: set {', '.join(missing)}"
            )
        options = {
            "base_url": settings.BUILDERBACKED_BASE_URL,
            "token_url": settings.BUILDERBACKED_TOKEN_URL,
            "client_id": settings.BUILDERBACKED_CLIENT_ID,
            "client_secret": settings.BUILDERBACKED_CLIENT_SECRET,
            "scopes": settings.BUILDERBACKED_SCOPES,
            "timeout": settings.BUILDERBACKED_TIMEOUT_SECONDS,
            "rate_limit": settings.BUILDERBACKED_RATE_LIMIT,
        }
        return cls(**{**options, **overrides})

    def error_details(self, response: httpx.Response) -> errors.ErrorDetails:
        """Read `{"status", "error", "message"}` (contract: "Errors"), and the field a 400 names."""
        body = errors.json_or_none(response)
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or not message:
            return errors.default_error_details(response)
        return errors.ErrorDetails(message, field=field_from_message(message))

    def breaker_reason(self, error: errors.ApiError) -> str | None:
        """Open the breaker on refused credentials, and on scopes refused or missing."""
        if isinstance(error, errors.Forbidden) and error.message.lower().startswith(
            SCOPE_ERROR_PREFIX
        ):
            return "access"
        if error.code in GRANT_ERRORS and error.path == httpx.URL(self.auth.token_url).path:
            return "access"
        return super().breaker_reason(error)

    def access_probe(self) -> None:
        """Check credentials and both scopes with reads that change nothing (contract, Errors:
        auth (401) and scope (403) are checked before anything else, so a 404 means allowed)."""
        for path in (HOMES_PATH, self.location(Level.DIVISION).path):
            with contextlib.suppress(errors.NotFound):
                self.request("GET", f"{path}/{PROBE_EXTERNAL_ID}")

    def location(self, level: Level | str) -> LocationResource:
        """Return the resource for a location level (division, master_community, neighborhood)."""
        return self.locations[str(level)]

    def list_regions(self) -> list[dict]:
        """Return the regions Builder Backed staff activated for this builder."""
        return self.request("GET", REGIONS_PATH)

    def get_home(self, external_id: str) -> dict:
        """Return one home with its location chain."""
        return self.request("GET", f"{HOMES_PATH}/{path_segment(external_id)}")

    def create_home(self, payload: dict) -> dict:
        """Create a home (optionally with `homeowners`); the whole chain must be active."""
        return self.request("POST", HOMES_PATH, json=payload)

    def update_home(self, payload: dict) -> dict:
        """Replace the home named by `payload["externalId"]`; sent `homeowners` replace the set."""
        return self.request("PUT", HOMES_PATH, json=payload)

    def add_homeowner(self, external_home_id: str, homeowner: dict) -> dict:
        """Add one homeowner to a home; return the whole home. Conflict if the email is there."""
        path = f"{HOMES_PATH}/{path_segment(external_home_id)}/users"
        return self.request("POST", path, json=homeowner)
