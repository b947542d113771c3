"""Say, for each external system, whether it is configured — names of missing settings, no values."""

from django.conf import settings

BUILDERBACKED_REQUIRED = (
    "BUILDERBACKED_BASE_URL",
    "BUILDERBACKED_TOKEN_URL",
    "BUILDERBACKED_CLIENT_ID",
    "BUILDERBACKED_CLIENT_SECRET",
)


def builderbacked_status() -> dict:
    """Builder Backed is configured when its URL and credentials are all set."""
    missing = [name for name in BUILDERBACKED_REQUIRED if not getattr(settings, name, "")]
    return {"configured": not missing, "missing": missing}


def external_systems_status() -> dict:
    """Collect the status of every external system."""
    return {"builderbacked": builderbacked_status()}
