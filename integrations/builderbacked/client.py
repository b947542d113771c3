"""Call the Builder Backed API v2 (shared/contracts/builder-backed.md, "Endpoints").

`BuilderBackedClient` sends payload dicts built by callers and returns the parsed JSON; it knows
paths, auth and the error body shape, not models. Every location level shares one
`LocationResource` (list, get, create, update); homes and homeowners have their own methods.

Errors are `integrations.errors` classes; `references.missing_reference` / `already_exists` read
which parent is missing or what already exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import BaseCache
from django.core.exceptions import ImproperlyConfigured

from integrations import errors
from integrations.builderbacked.auth import ClientCredentialsAuth
from integrations.builderbacked.references import Level, field_from_message
from integrations.health import builderbacked_status
from integrations.http import BaseClient, RetryPolicy
from integrations.ratelimit import SharedRateLimit

DEFAULT_SCOPES = ("location.write", "home.write")
REGIONS_PATH = "/api/v2/locations/regions"
LOCATION_PATHS = {
    Level.DIVISION: "/api/v2/locations/divisions",
    Level.MASTER_COMMUNITY: "/api/v2/locations/master-communities",
    Level.NEIGHBORHOOD: "/api/v2/locations/neighborhoods",
}
HOMES_PATH = "/api/v2/homes"


def _shared_rate_limit(
    rate: float, base_url: str, client_id: str, cache: BaseCache | None
) -> SharedRateLimit | None:
    """Return the ceiling every process calling this tenant shares, or None for no ceiling."""
    if not rate:
        return None
    digest = hashlib.sha256(f"{base_url}|{client_id}".encode()).hexdigest()[:32]
    return SharedRateLimit(rate, key=f"builderbacked:rate:{digest}", cache=cache)


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
        )
        self.auth = auth
        self.locations = {
            level: LocationResource(self, level, path) for level, path in LOCATION_PATHS.items()
        }
        self.divisions = self.locations[Level.DIVISION]
        self.master_communities = self.locations[Level.MASTER_COMMUNITY]
        self.neighborhoods = self.locations[Level.NEIGHBORHOOD]

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
            "scopes": getattr(settings, "BUILDERBACKED_SCOPES", DEFAULT_SCOPES),
            "timeout": getattr(settings, "BUILDERBACKED_TIMEOUT_SECONDS", 10.0),
            "rate_limit": getattr(settings, "BUILDERBACKED_RATE_LIMIT", 0.0),
        }
        return cls(**{**options, **overrides})

    def error_details(self, response: httpx.Response) -> errors.ErrorDetails:
        """Read `{"status", "error", "message"}` (contract: "Errors"), and the field a 400 names."""
        body = errors.json_or_none(response)
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or not message:
            return errors.default_error_details(response)
        return errors.ErrorDetails(message, field=field_from_message(message))

    def location(self, level: Level | str) -> LocationResource:
        """Return the resource for a location level (division, master_community, neighborhood)."""
        return self.locations[Level(level)]

    def list_regions(self) -> list[dict]:
        """Return the regions Builder Backed staff activated for this builder."""
        return self.request("GET", REGIONS_PATH)

    def list_divisions(self) -> list[dict]:
        """Return every division."""
        return self.divisions.list()

    def get_division(self, external_id: str) -> dict:
        """Return one division by external id."""
        return self.divisions.get(external_id)

    def create_division(self, payload: dict) -> dict:
        """Create a division."""
        return self.divisions.create(payload)

    def update_division(self, payload: dict) -> dict:
        """Replace the division named by `payload["externalId"]`."""
        return self.divisions.update(payload)

    def list_master_communities(self) -> list[dict]:
        """Return every master community."""
        return self.master_communities.list()

    def get_master_community(self, external_id: str) -> dict:
        """Return one master community by external id."""
        return self.master_communities.get(external_id)

    def create_master_community(self, payload: dict) -> dict:
        """Create a master community."""
        return self.master_communities.create(payload)

    def update_master_community(self, payload: dict) -> dict:
        """Replace the master community named by `payload["externalId"]`."""
        return self.master_communities.update(payload)

    def list_neighborhoods(self) -> list[dict]:
        """Return every neighborhood."""
        return self.neighborhoods.list()

    def get_neighborhood(self, external_id: str) -> dict:
        """Return one neighborhood by external id."""
        return self.neighborhoods.get(external_id)

    def create_neighborhood(self, payload: dict) -> dict:
        """Create a neighborhood."""
        return self.neighborhoods.create(payload)

    def update_neighborhood(self, payload: dict) -> dict:
        """Replace the neighborhood named by `payload["externalId"]`."""
        return self.neighborhoods.update(payload)

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
