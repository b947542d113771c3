"""Hold the sandbox's records in memory and enforce the reference rules (404 / 409).

One `Store` per app, made by the factory. The server is one asyncio process and no method here
awaits, so each call runs to the end before another request is looked at: no locks needed.
Records are kept in the API's own JSON shape, so answering is copying.
"""

import itertools
from dataclasses import dataclass

from .errors import ApiError, conflict, not_found


@dataclass(frozen=True)
class Level:
    """One level of the location hierarchy below Region (builder-backed.md, Hierarchy)."""

    key: str  # path segment: /api/v2/locations/<key>
    label: str  # as written in "<label> with external ID 'X' not found"
    parent_field: str  # the body field naming the parent
    parent: str | None  # key of the parent level; None = a region, named by `regionName`


LEVELS = {
    "divisions": Level("divisions", "Division", "regionName", None),
    "master-communities": Level(
        "master-communities", "Master Community", "divisionExternalId", "divisions"
    ),
    "neighborhoods": Level(
        "neighborhoods", "Neighborhood", "masterCommunityExternalId", "master-communities"
    ),
}
LOCATION_FIELDS = ("externalId", "name", "displayName", "abbreviatedName")


class Store:
    """Regions, the three builder-created location levels, and homes with their homeowners."""

    def __init__(self, *, builder_id: int, regions: list[str]):
        self.builder_id = builder_id
        self.configured_regions = list(regions)
        self.reset()

    def reset(self) -> None:
        """Forget every record; keep only the configured regions, active (POST /_sandbox/reset)."""
        self.regions: dict[str, dict] = {}
        self.locations: dict[str, dict[str, dict]] = {key: {} for key in LEVELS}
        self.homes: dict[str, dict] = {}
        self._ids = {kind: itertools.count(1) for kind in ("region", "home", *LEVELS)}
        for name in self.configured_regions:
            self.region_set(name=name, active=True)

    # Regions ---------------------------------------------------------------------------------

    def region_set(self, *, name: str, active: bool) -> dict:
        """Add a region, or change whether it is active (Builder Backed staff's job)."""
        region = self.regions.get(name)
        if region is None:
            region = {"id": next(self._ids["region"]), "name": name, "builderId": self.builder_id}
            self.regions[name] = region
        region["active"] = active
        return region

    def region_list(self) -> list[dict]:
        return [dict(region) for region in self.regions.values()]

    def _require_active_region(self, name: str) -> None:
        region = self.regions.get(name)  # builder-backed.md, Hierarchy: names match exactly
        if region is None or not region["active"]:
            raise ApiError(404, f"Region '{name}' not found")

    # Locations -------------------------------------------------------------------------------

    def location_list(self, level: Level) -> list[dict]:
        return [location_view(level, record) for record in self.locations[level.key].values()]

    def location_get(self, level: Level, external_id: str) -> dict:
        return location_view(level, self._location(level, external_id))

    def location_create(self, level: Level, clean: dict) -> dict:
        """Create one location; its parent must exist and be active (404), its id be new (409)."""
        self._require_active_parent(level, clean[level.parent_field])
        records = self.locations[level.key]
        if clean["externalId"] in records:
            message = f"A location with external ID '{clean['externalId']}' already exists"
            raise conflict(message)
        record = {"id": next(self._ids[level.key]), **clean, "builderId": self.builder_id}
        records[clean["externalId"]] = record
        return location_view(level, record)

    def location_replace(self, level: Level, clean: dict) -> dict:
        """builder-backed.md, Fine points: PUT replaces; optional fields left out are cleared."""
        record = self._location(level, clean["externalId"])
        self._require_active_parent(level, clean[level.parent_field])
        record.update(clean)
        return location_view(level, record)

    def _location(self, level: Level, external_id: str) -> dict:
        record = self.locations[level.key].get(external_id)
        if record is None:
            raise not_found(level.label, external_id)
        return record

    def _require_active_parent(self, level: Level, parent_id: str) -> None:
        if level.parent is None:
            return self._require_active_region(parent_id)
        parent = LEVELS[level.parent]
        record = self.locations[parent.key].get(parent_id)
        if record is None or not record["active"]:
            raise not_found(parent.label, parent_id)

    # Homes -----------------------------------------------------------------------------------

    def home_get(self, external_id: str) -> dict:
        return self.home_view(self._home(external_id))

    def home_create(self, clean: dict) -> dict:
        """Create a home under an active chain (404), with a new id (409) and distinct owners."""
        self._require_active_chain(clean["neighborhoodExternalId"])
        if clean["externalId"] in self.homes:
            raise conflict(f"A home with external ID '{clean['externalId']}' already exists")
        homeowners = clean.pop("homeowners", [])
        _require_distinct_emails(clean["externalId"], homeowners)
        home = {"id": next(self._ids["home"]), **clean, "homeowners": homeowners}
        self.homes[clean["externalId"]] = home
        return self.home_view(home)

    def home_replace(self, clean: dict) -> dict:
        """Replace a home; `homeowners` replaces the set only when sent (builder-backed.md, PUT)."""
        home = self._home(clean["externalId"])
        self._require_active_chain(clean["neighborhoodExternalId"])
        homeowners = clean.pop("homeowners", None)
        if homeowners is not None:
            _require_distinct_emails(clean["externalId"], homeowners)
            home["homeowners"] = homeowners
        home.update(clean)
        return self.home_view(home)

    def home_add_homeowner(self, external_id: str, homeowner: dict) -> dict:
        """POST /api/v2/homes/{externalHomeId}/users: one more owner, email new on this home."""
        home = self._home(external_id)
        _require_distinct_emails(external_id, [*home["homeowners"], homeowner])
        home["homeowners"].append(homeowner)
        return self.home_view(home)

    def home_list(self) -> list[dict]:
        return [self.home_view(home) for home in self.homes.values()]

    def home_view(self, home: dict) -> dict:
        """The home's fields plus its location chain (builder-backed.md, Home — Response 200)."""
        view = {**home, "homeowners": [dict(owner) for owner in home["homeowners"]]}
        neighborhood = self.locations["neighborhoods"].get(home["neighborhoodExternalId"])
        community = division = region_name = None
        if neighborhood:
            community = self.locations["master-communities"].get(
                neighborhood["masterCommunityExternalId"]
            )
        if community:
            division = self.locations["divisions"].get(community["divisionExternalId"])
        if division:
            region_name = division["regionName"]
        view["neighborhood"] = _link(neighborhood)
        view["masterCommunity"] = _link(community)
        view["division"] = _link(division)
        view["region"] = {"name": region_name} if region_name else None
        return view

    def _home(self, external_id: str) -> dict:
        home = self.homes.get(external_id)
        if home is None:
            raise not_found("Home", external_id)
        return home

    def _require_active_chain(self, neighborhood_id: str) -> None:
        """builder-backed.md, Fine points: a break anywhere above names the neighborhood."""
        if not self._chain_active(neighborhood_id):
            raise not_found("Neighborhood", neighborhood_id)

    def _chain_active(self, neighborhood_id: str) -> bool:
        record = self.locations["neighborhoods"].get(neighborhood_id)
        level = LEVELS["neighborhoods"]
        while record is not None and record["active"]:
            if level.parent is None:
                region = self.regions.get(record["regionName"])
                return bool(region and region["active"])
            parent_id = record[level.parent_field]
            level = LEVELS[level.parent]
            record = self.locations[level.key].get(parent_id)
        return False

    # Test control (POST /_sandbox/mutate): change what Builder Backed holds behind our back.

    def record_set(self, level_key: str, external_id: str, changes: dict) -> dict:
        """Overwrite fields of one record as-is (no validation: someone else's edit)."""
        record = self._record(level_key, external_id)
        record.update({key: value for key, value in changes.items() if key not in ("id",)})
        if level_key == "homes":
            return self.home_view(record)
        return location_view(LEVELS[level_key], record)

    def record_delete(self, level_key: str, external_id: str) -> bool:
        """Forget one record (its children stay, as orphans would on a real server)."""
        self._record(level_key, external_id)
        records = self.homes if level_key == "homes" else self.locations[level_key]
        return records.pop(external_id, None) is not None

    def _record(self, level_key: str, external_id: str) -> dict:
        if level_key == "homes":
            return self._home(external_id)
        if level_key not in LEVELS:
            raise ApiError(400, "Invalid value for 'level' field")
        return self._location(LEVELS[level_key], external_id)

    def dump(self) -> dict:
        """Everything, in API shapes (divisions also show `regionName`): GET /_sandbox/state."""
        divisions = [
            {**location_view(LEVELS["divisions"], record), "regionName": record["regionName"]}
            for record in self.locations["divisions"].values()
        ]
        return {
            "regions": self.region_list(),
            "divisions": divisions,
            "masterCommunities": self.location_list(LEVELS["master-communities"]),
            "neighborhoods": self.location_list(LEVELS["neighborhoods"]),
            "homes": self.home_list(),
        }


def location_view(level: Level, record: dict) -> dict:
    """A location as the API answers it; a division's response omits `regionName`."""
    view = {"id": record["id"], **{field: record[field] for field in LOCATION_FIELDS}}
    if level.parent is not None:  # builder-backed.md: only the lower levels echo their parent
        view[level.parent_field] = record[level.parent_field]
    view["builderId"] = record["builderId"]
    view["active"] = record["active"]
    return view


def _link(record: dict | None) -> dict | None:
    return {"externalId": record["externalId"], "name": record["name"]} if record else None


def _require_distinct_emails(home_id: str, homeowners: list[dict]) -> None:
    """builder-backed.md, Fine points: one email once per home, compared case-insensitively."""
    seen = set()
    for owner in homeowners:
        key = owner["email"].casefold()
        if key in seen:
            email = owner["email"]
            raise conflict(f"Homeowner with email '{email}' already exists on home '{home_id}'")
        seen.add(key)
