"""The hierarchy, top to bottom: Region → Division → Master Community → Neighborhood → Home.

The one place the levels are spelled out (builder-backed.md, "Hierarchy"). Everything that walks
the hierarchy reads it: the models' `parent_field` (so review, bulk review and core's ordering),
the Builder Backed sync, payloads and client, the CSV kinds, the location services and the admin.
Adding a level means adding its model and one `Level` here.

Models are named by label and loaded lazily, so this module imports no models: `locations` must
not import `homes` (layers: integrations > homes > locations > csvio > core).
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Level:
    """One level of the hierarchy and every name other modules need for it."""

    name: str  # the contract's name for the level: "master_community"
    label: str  # the model, by label: "locations.MasterCommunity"
    parent_field: str  # the ForeignKey to the level above ("" at the top)
    children: str  # the related name of the level below ("" at the bottom)
    parent_key: str  # the payload/CSV key naming the parent: "divisionExternalId"
    api_path: str  # the Builder Backed collection: "/api/v2/locations/master-communities"
    csv_kind: str = ""  # the CSV import kind ("" when not imported)
    key_field: str = "external_id"  # how children name a record of this level
    published: bool = True  # ours to publish (regions are Builder Backed's, pulled)

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)


LEVELS: list[Level] = [
    Level(
        "region",
        "locations.Region",
        parent_field="",
        children="divisions",
        parent_key="",
        api_path="/api/v2/locations/regions",
        key_field="name",  # regions are named, exactly and case-sensitively
        published=False,
    ),
    Level(
        "division",
        "locations.Division",
        parent_field="region",
        children="master_communities",
        parent_key="regionName",
        api_path="/api/v2/locations/divisions",
        csv_kind="divisions",
    ),
    Level(
        "master_community",
        "locations.MasterCommunity",
        parent_field="division",
        children="neighborhoods",
        parent_key="divisionExternalId",
        api_path="/api/v2/locations/master-communities",
        csv_kind="master-communities",
    ),
    Level(
        "neighborhood",
        "locations.Neighborhood",
        parent_field="master_community",
        children="homes",
        parent_key="masterCommunityExternalId",
        api_path="/api/v2/locations/neighborhoods",
        csv_kind="neighborhoods",
    ),
    Level(
        "home",
        "homes.Home",
        parent_field="neighborhood",
        children="",
        parent_key="neighborhoodExternalId",
        api_path="/api/v2/homes",
        csv_kind="homes",
    ),
]


def levels() -> list[Level]:
    """Return every level, parents first."""
    return list(LEVELS)


def levels_published() -> list[Level]:
    """Return the levels we publish to Builder Backed, parents first."""
    return [level for level in LEVELS if level.published]


def level_for(record) -> Level:
    """Return the level of a record, a model or a label ("homes.Home"); KeyError if none."""
    label = getattr(getattr(record, "_meta", None), "label", record)
    for level in LEVELS:
        if level.label == label:
            return level
    raise KeyError(f"{label} is not a level of the hierarchy")


def level_named(name: str) -> Level:
    """Return the level the contract calls `name` ("division"); KeyError if none."""
    for level in LEVELS:
        if level.name == name:
            return level
    raise KeyError(f"{name!r} is not a level of the hierarchy")


def level_depth(level: Level) -> int:
    """Say how deep `level` sits (regions are 0)."""
    return LEVELS.index(level)


def level_above(level: Level) -> Level | None:
    """Return the level just above `level`, or None at the top."""
    depth = level_depth(level)
    return LEVELS[depth - 1] if depth else None


def level_below(level: Level) -> Level | None:
    """Return the level just below `level`, or None at the bottom."""
    depth = level_depth(level)
    return LEVELS[depth + 1] if depth + 1 < len(LEVELS) else None


def level_ancestors(level: Level) -> list[Level]:
    """Return the levels above `level`, nearest first."""
    return LEVELS[: level_depth(level)][::-1]


def parent_path(level: Level, *, up_to: str = "") -> tuple[str, ...]:
    """Name the ForeignKeys from `level` up, nearest first: ("division", "region") for a master
    community. `up_to` stops at that level (included)."""
    fields, current = [], level
    while current.parent_field:
        fields.append(current.parent_field)
        current = level_above(current)
        if current.name == up_to:
            break
    return tuple(fields)


def parent_reference(record) -> tuple[str, str]:
    """Name `record`'s parent as the contract does: ("divisionExternalId", "DIV_001")."""
    level = level_for(record)
    parent = getattr(record, level.parent_field)
    return level.parent_key, getattr(parent, level_above(level).key_field)
