"""Pull the regions Builder Backed staff activated (GET /api/v2/locations/regions).

builder-backed.md, "Hierarchy": regions are activated on Builder Backed's side, never created by
the builder; names match exactly and case-sensitively. A region no longer listed is marked
inactive here (divisions can't be approved under it: builderops/core/review.py).
"""

from django.db import transaction
from django.utils import timezone

from integrations.builderbacked.client import BuilderBackedClient
from locations.models import Region
from locations.selectors import REGION_NOT_ACTIVATED as NO_ACTIVE_REGION
from locations.selectors import regions_none_active

__all__ = ["NO_ACTIVE_REGION", "regions_none_active", "regions_pull", "regions_pull_now"]


def regions_pull(*, client: BuilderBackedClient) -> dict[str, int]:
    """Upsert every listed region by name, deactivate the unlisted; return counts."""
    rows = client.list_regions()
    now = timezone.now()
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    with transaction.atomic():
        for row in rows:
            counts[region_upsert(row, now)] += 1
        for region in Region.objects.filter(active=True).exclude(
            name__in=[r["name"] for r in rows]
        ):
            region.active = False
            region.last_pulled_at = now
            region.save()
            counts["deactivated"] += 1
    counts["active"] = Region.objects.filter(active=True).count()
    return counts


def region_upsert(row: dict, now) -> str:
    """Create or update one region from its API object; return "created" or "updated"."""
    region = Region.objects.filter(name=row["name"]).first()
    created = region is None
    region = region or Region(name=row["name"])
    Region.objects.filter(remote_id=row["id"]).exclude(pk=region.pk).update(remote_id=None)
    region.remote_id = row["id"]
    region.builder_id = row.get("builderId")
    region.active = bool(row.get("active", True))
    region.last_pulled_at = now
    region.save()
    return "created" if created else "updated"


def regions_pull_now() -> dict[str, int]:
    """Pull regions with a client from settings (the admin button and the command)."""
    from integrations.builderbacked.sync.client import sync_client

    with sync_client() as client:
        return regions_pull(client=client)
