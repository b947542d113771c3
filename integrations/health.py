"""Say whether each external system is configured: names of missing settings, never values."""

from django.conf import settings
from django.db import DatabaseError

from integrations.portals.models.connection import PortalConnection

BUILDERBACKED_REQUIRED = (
    "BUILDERBACKED_BASE_URL",
    "BUILDERBACKED_TOKEN_URL",
    "BUILDERBACKED_CLIENT_ID",
    "BUILDERBACKED_CLIENT_SECRET",
)


def builderbacked_status() -> dict:
    """Builder Backed is configured when its URL and credentials are all set."""
    missing = [name for name in BUILDERBACKED_REQUIRED if not getattr(settings, name)]
    return {"configured": not missing, "missing": missing}


def portal_status(portal: str) -> dict:
    """Say whether a portal is configured: an enabled connection exists and secrets are readable."""
    missing = [] if settings.PORTAL_ENCRYPTION_KEYS else ["PORTAL_ENCRYPTION_KEYS"]
    try:
        connected = PortalConnection.objects.filter(portal=portal, enabled=True).exists()
    except DatabaseError:
        connected = False
    if not connected:
        missing.append(f"an enabled {portal} portal connection")
    return {"configured": not missing, "missing": missing}


def external_systems_status() -> dict:
    """Collect the status of every external system."""
    return {
        "builderbacked": builderbacked_status(),
        "buildertrend": portal_status("buildertrend"),
        "coconstruct": portal_status("coconstruct"),
    }


def breakers_status() -> list[dict]:
    """List every remote paused by its circuit breaker: what was refused, since when, the hint."""
    from integrations.breaker.services import breaker_sentence, breakers_open

    try:
        records = breakers_open()
    except DatabaseError:
        return []
    return [
        {
            "remote": record.label,
            "since": record.opened_at.isoformat(),
            "reason": record.reason,
            "message": breaker_sentence(record),
        }
        for record in records
    ]
