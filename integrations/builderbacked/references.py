"""Read Builder Backed's error sentences: which reference is missing, what exists, which field.

The contract fixes the wording of 404, 409 and 400 messages (shared/contracts/builder-backed.md,
"Errors" and "Fine points"); the sync engine decides from them whether to publish a parent first,
switch a create to an update, or record a permanent failure. This module is the only place that
knows those sentences, so a tenant with other wording needs changes here alone.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from integrations.errors import ApiError, Conflict, NotFound


class Level(StrEnum):
    """Name a level of the hierarchy, top to bottom (contract: "Hierarchy")."""

    REGION = "region"
    DIVISION = "division"
    MASTER_COMMUNITY = "master_community"
    NEIGHBORHOOD = "neighborhood"
    HOME = "home"


class Reference(NamedTuple):
    """Name one record a 404 says is missing: its level and external id (a region's name)."""

    level: Level
    external_id: str


class Duplicate(NamedTuple):
    """Name what a 409 says already exists: `location`, `home` or `homeowner`, and its key.

    The key is the external id, or the email for a homeowner (then `home` names the home).
    """

    kind: str
    key: str
    home: str | None = None


_LEVEL_NAMES = {
    "Division": Level.DIVISION,
    "Master Community": Level.MASTER_COMMUNITY,
    "Neighborhood": Level.NEIGHBORHOOD,
    "Home": Level.HOME,
}
_MISSING = re.compile(
    r"^(?P<name>Division|Master Community|Neighborhood|Home)"
    r" with external ID '(?P<id>.*)' not found$"
)
_MISSING_REGION = re.compile(r"^Region '(?P<id>.*)' not found$")
_EXISTS = re.compile(r"^A (?P<kind>location|home) with external ID '(?P<id>.*)' already exists$")
_HOMEOWNER_EXISTS = re.compile(
    r"^Homeowner with email '(?P<email>.*)' already exists on home '(?P<home>.*)'$"
)
_FIELD = re.compile(
    r"^(?:Field '(?P<required>[^']+)' is required"
    r"|Invalid value for '(?P<invalid>[^']+)' field)$"
)
# "Email address is invalid" names no field; the contract only sends it for homeowner emails.
_EMAIL_INVALID = "Email address is invalid"


def missing_reference(error: ApiError) -> Reference | None:
    """Return the level and external id a 404 says is missing, or None for any other error.

    The same sentence answers a GET/PUT of an unknown record and a create whose parent is
    missing; the caller compares the returned reference with the record it sent.
    """
    if not isinstance(error, NotFound):
        return None
    message = error.message.strip()
    if match := _MISSING.match(message):
        return Reference(_LEVEL_NAMES[match["name"]], match["id"])
    if match := _MISSING_REGION.match(message):
        return Reference(Level.REGION, match["id"])
    return None


def already_exists(error: ApiError) -> Duplicate | None:
    """Return what a 409 says already exists (location, home or homeowner), or None."""
    if not isinstance(error, Conflict):
        return None
    message = error.message.strip()
    if match := _EXISTS.match(message):
        return Duplicate(match["kind"], match["id"])
    if match := _HOMEOWNER_EXISTS.match(message):
        return Duplicate("homeowner", match["email"], home=match["home"])
    return None


def field_from_message(message: str) -> str | None:
    """Return the field a 400 message names ("Field 'x' is required", "Invalid value for 'x'…")."""
    if message.strip() == _EMAIL_INVALID:
        return "email"
    if match := _FIELD.match(message.strip()):
        return match["required"] or match["invalid"]
    return None
