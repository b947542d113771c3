"""The one hierarchy registry: it agrees with the models, and what walks the hierarchy reads it."""

from types import SimpleNamespace

import httpx
import pytest

from builderops.core.records import hierarchy_depth
from builderops.csvio.kinds import kinds
from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.payloads import location_body
from integrations.builderbacked.sync.registry import KINDS, kind_children, kind_for
from locations import hierarchy
from locations.hierarchy import (
    Level,
    level_above,
    level_below,
    level_depth,
    level_for,
    levels,
    parent_path,
)

# A level below homes that exists only in memory: no model, no table.
LOT = Level(
    "lot",
    "homes.Lot",
    parent_field="home",
    children="",
    parent_key="homeExternalId",
    api_path="/api/v2/lots",
    csv_kind="lots",
)


@pytest.fixture
def with_lots(monkeypatch):
    """Add the lot level under homes for one test."""
    monkeypatch.setattr(hierarchy, "LEVELS", [*hierarchy.LEVELS, LOT])


def test_each_level_names_the_foreign_key_and_related_name_its_models_have():
    for level in levels():
        above, below = level_above(level), level_below(level)
        if above is not None:
            parent = level.model._meta.get_field(level.parent_field)
            assert parent.related_model is above.model, level.name
            assert level.model.parent_field == level.parent_field
        if below is not None:
            assert getattr(level.model, level.children).rel.related_model is below.model


def test_core_orders_records_as_the_hierarchy_does():
    """Core can't import locations: it follows parent_field, which the models read from here."""
    assert [hierarchy_depth(level.model) for level in levels()] == [0, 1, 2, 3, 4]


def test_csv_kinds_and_sync_kinds_follow_the_hierarchy():
    assert kinds() == ["divisions", "master-communities", "neighborhoods", "homes"]
    assert list(KINDS) == [
        "locations.Division",
        "locations.MasterCommunity",
        "locations.Neighborhood",
        "homes.Home",
    ]
    division = kind_for("locations.Division")
    assert (division.parent_level, division.waits_for_parent) == ("region", False)


def test_a_level_added_to_the_registry_is_read_by_the_sync_payloads_and_client(with_lots):
    lot = level_for("homes.Lot")
    home = level_for("homes.Home")
    assert (level_depth(lot), level_above(lot), level_below(home)) == (5, home, lot)
    assert parent_path(lot) == ("home", "neighborhood", "master_community", "division", "region")

    # The sync publishes it after homes, waiting for its home.
    assert list(KINDS)[-2:] == ["homes.Home", "homes.Lot"]
    assert kind_children(kind_for("homes.Home")) == kind_for("homes.Lot")
    assert (kind_for("homes.Lot").parent_level, kind_for("homes.Lot").waits_for_parent) == (
        "home",
        True,
    )

    # Its payload names its parent by the registry's contract key.
    stand_in = SimpleNamespace(
        _meta=SimpleNamespace(label="homes.Lot"),
        external_id="LOT_1",
        name="Lot 1",
        display_name="",
        abbreviated_name="",
        active=True,
        home=SimpleNamespace(external_id="H_1"),
    )
    assert location_body(stand_in) == {
        "externalId": "LOT_1",
        "name": "Lot 1",
        "homeExternalId": "H_1",
        "active": True,
    }

    # The client serves it at the registry's path.
    client = BuilderBackedClient(
        base_url="https://bb.test",
        token_url="https://bb.test/oauth2/token",
        client_id="c",
        client_secret="s",
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
    )
    assert client.location("lot").path == "/api/v2/lots"
