"""CSV import specs for divisions, master communities and neighborhoods.

Columns are the contract's POST bodies (builder-backed.md, "Division — POST body" and the two
after it). Decided here: `active` isn't imported — deactivating has rules of its own
(locations/services.py `location_deactivate`), so it stays an admin action.
"""

from builderops.core.review import ReviewState
from builderops.csvio.cells import external_id_parse, text_parser
from builderops.csvio.spec import Column, ImportSpec, ParentInfo, ParentRef, location_columns
from locations.hierarchy import level_for
from locations.models import Division, MasterCommunity, Neighborhood, Region


def parent_column(name: str, attr: str, example: str, label: str, parse=external_id_parse):
    return Column(name, attr, required=True, parse=parse, example=example, label=label)


class LocationSpec(ImportSpec):
    """A location level: shared columns plus the reference to the level above."""

    parent_model = None

    def parents_load(self) -> dict[str, ParentInfo]:
        records = self.parent_model._default_manager.values_list(
            "pk", "external_id", "active", "review_state"
        )
        return {
            key: ParentInfo(pk, key, active, "is inactive", state == ReviewState.APPROVED)
            for pk, key, active, state in records
        }

    def export_queryset(self, queryset):
        return queryset.select_related(self.parent.attr.removesuffix("_id"))

    def parent_key(self, obj) -> str:
        return getattr(obj, self.parent.attr.removesuffix("_id")).external_id


def columns_with_parent(example_id: str, example_name: str, parent: Column) -> tuple:
    first, name, *rest = location_columns(example_id, example_name)
    return (first, name, parent, *rest)


class DivisionSpec(LocationSpec):
    model = Division
    kind = level_for(model).csv_kind
    parent = ParentRef(column="regionName", noun="region", attr="region_id", by_name=True)
    columns = columns_with_parent(
        "DIV_001",
        "Cincinnati Division",
        parent_column("regionName", "region_id", "Cincinnati", "region name", text_parser(200)),
    )

    def parents_load(self) -> dict[str, ParentInfo]:
        # Regions are Builder Backed's, named exactly and case-sensitively; never reviewed here.
        return {
            name: ParentInfo(pk, name, active, "is inactive", True)
            for pk, name, active in Region.objects.values_list("pk", "name", "active")
        }

    def parent_key(self, obj) -> str:
        return obj.region.name


class MasterCommunitySpec(LocationSpec):
    model = MasterCommunity
    kind = level_for(model).csv_kind
    parent_model = Division
    parent = ParentRef(column="divisionExternalId", noun="division", attr="division_id")
    columns = columns_with_parent(
        "MC_001",
        "Mason Ridge",
        parent_column("divisionExternalId", "division_id", "DIV_001", "division's external ID"),
    )


class NeighborhoodSpec(LocationSpec):
    model = Neighborhood
    kind = level_for(model).csv_kind
    parent_model = MasterCommunity
    parent = ParentRef(
        column="masterCommunityExternalId", noun="master community", attr="master_community_id"
    )
    columns = columns_with_parent(
        "NH_001",
        "Oak Hollow",
        parent_column(
            "masterCommunityExternalId",
            "master_community_id",
            "MC_001",
            "master community's external ID",
        ),
    )


DIVISIONS = DivisionSpec()
MASTER_COMMUNITIES = MasterCommunitySpec()
NEIGHBORHOODS = NeighborhoodSpec()
