"""Deterministic demo hierarchy: 2 regions, 3 divisions, 6 master communities, 20 neighborhoods.

Region names match the Builder Backed sandbox's default active regions.
"""

from django.utils import timezone

from builderops.core.publishing import SyncState
from builderops.core.review import ReviewState
from locations.models import Division, MasterCommunity, Neighborhood, Region

REGIONS = [(1, "Cincinnati"), (2, "Columbus")]
DIVISIONS = [
    ("DIV_CIN", "Cincinnati Division", "Cincinnati"),
    ("DIV_DAY", "Dayton Division", "Cincinnati"),
    ("DIV_COL", "Columbus Division", "Columbus"),
]
MASTER_COMMUNITIES = [
    ("MC_CIN_01", "Mason Ridge", "DIV_CIN"),
    ("MC_CIN_02", "Anderson Hills", "DIV_CIN"),
    ("MC_DAY_01", "Beavercreek Commons", "DIV_DAY"),
    ("MC_DAY_02", "Centerville Crossing", "DIV_DAY"),
    ("MC_COL_01", "Dublin Park", "DIV_COL"),
    ("MC_COL_02", "Westerville Meadows", "DIV_COL"),
]
NEIGHBORHOOD_NAMES = [
    "Oak Hollow",
    "Maple Run",
    "Cedar Bluff",
    "Willow Creek",
    "Birch Glen",
    "Aspen Trace",
    "Hickory Point",
    "Sycamore Ridge",
    "Magnolia Place",
    "Chestnut Grove",
    "Linden Court",
    "Juniper Falls",
    "Poplar Landing",
    "Spruce Hill",
    "Laurel Bend",
    "Cypress Pointe",
    "Redbud Commons",
    "Dogwood Farms",
    "Hawthorn Square",
    "Buckeye Crossing",
]


def neighborhood_specs() -> list[tuple[str, str, str]]:
    """Spread the 20 neighborhoods over the 6 master communities, in a fixed order."""
    return [
        (f"NH_{i + 1:03d}", name, MASTER_COMMUNITIES[i % len(MASTER_COMMUNITIES)][0])
        for i, name in enumerate(NEIGHBORHOOD_NAMES)
    ]


def approved_fields(user) -> dict:
    return {
        "review_state": ReviewState.APPROVED,
        "approved_by": user,
        "approved_at": timezone.now(),
        "sync_state": SyncState.PENDING,
        "sync_version": 1,
    }


def locations_demo_load(*, user) -> dict[str, int]:
    """Create whatever part of the demo hierarchy is missing; return how many of each were new."""
    created = {"regions": 0, "divisions": 0, "master communities": 0, "neighborhoods": 0}
    regions = {}
    for remote_id, name in REGIONS:
        regions[name], new = Region.objects.get_or_create(
            name=name, defaults={"remote_id": remote_id, "builder_id": 1, "active": True}
        )
        created["regions"] += new
    levels = [
        (Division, "divisions", DIVISIONS, "region", regions),
        (MasterCommunity, "master communities", MASTER_COMMUNITIES, "division", None),
        (Neighborhood, "neighborhoods", neighborhood_specs(), "master_community", None),
    ]
    parents = regions
    for model, noun, specs, parent_field, _ in levels:
        by_id = {}
        for external_id, name, parent_key in specs:
            obj = model.objects.filter(external_id=external_id).first()
            if obj is None:
                obj = model(external_id=external_id, name=name, **approved_fields(user))
                setattr(obj, parent_field, parents[parent_key])
                obj._history_user = user
                obj.save()
                created[noun] += 1
            by_id[external_id] = obj
        parents = by_id
    return created
