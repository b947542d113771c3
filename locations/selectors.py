"""Read the hierarchy: questions the admin, the services and the sync ask of it."""

from locations.models import Region

REGION_NOT_ACTIVATED = "Builder Backed has not activated a region for this account yet"


def regions_none_active() -> bool:
    """Say whether no region is active (nothing can be built under an inactive one)."""
    return not Region.objects.filter(active=True).exists()
