"""Divisions, master communities and neighborhoods in the Builder Backed sandbox
(builder-backed.md, Hierarchy; Endpoints; Location PUT; Errors)."""

import pytest

from .builderbacked_support import (
    COMMUNITIES,
    DIVISIONS,
    NEIGHBORHOODS,
    Sandbox,
    community,
    division,
    error,
    neighborhood,
)

LEVELS = [
    (DIVISIONS, division, "regionName"),
    (COMMUNITIES, community, "divisionExternalId"),
    (NEIGHBORHOODS, neighborhood, "masterCommunityExternalId"),
]


@pytest.fixture
def sandbox():
    return Sandbox()


@pytest.fixture
def chain(sandbox):
    sandbox.chain()
    return sandbox


def bad_request(message):
    return error(400, "Bad Request", message)


def not_found(message):
    return error(404, "Not Found", message)


def test_division_create_answers_200_with_the_documented_shape(sandbox):
    body = division(displayName="Cincy East", abbreviatedName="CE")
    assert sandbox.ok("post", DIVISIONS, body) == {
        "id": 1,
        "externalId": "DIV_001",
        "name": "Cincinnati East",
        "displayName": "Cincy East",
        "abbreviatedName": "CE",
        "builderId": 1,
        "active": True,
    }


def test_lower_levels_echo_their_parent(chain):
    assert chain.ok("get", f"{COMMUNITIES}/MC_001") == {
        "id": 1,
        "externalId": "MC_001",
        "name": "Hidden Lake",
        "displayName": None,
        "abbreviatedName": None,
        "divisionExternalId": "DIV_001",
        "builderId": 1,
        "active": True,
    }
    assert chain.ok("get", f"{NEIGHBORHOODS}/NH_001")["masterCommunityExternalId"] == "MC_001"


def test_lists_are_bare_arrays_in_creation_order(chain):
    chain.ok("post", DIVISIONS, division("DIV_002"))
    listed = chain.get(DIVISIONS).json()
    assert [(d["id"], d["externalId"]) for d in listed] == [(1, "DIV_001"), (2, "DIV_002")]


@pytest.mark.parametrize(("path", "make", "parent_field"), LEVELS)
@pytest.mark.parametrize("field", ["externalId", "name", "parent"])
@pytest.mark.parametrize("value", [None, "", "   ", "absent"])
def test_required_location_fields_absent_null_or_blank_are_400(
    chain, path, make, parent_field, field, value
):
    field = parent_field if field == "parent" else field
    body = make("NEW_1")
    if value == "absent":
        del body[field]
    else:
        body[field] = value
    answer = chain.post(path, body)
    assert (answer.status_code, answer.json()) == (400, bad_request(f"Field '{field}' is required"))


@pytest.mark.parametrize("field", ["externalId", "name", "regionName", "displayName"])
def test_location_fields_of_the_wrong_type_are_400(sandbox, field):
    answer = sandbox.post(DIVISIONS, division(**{field: 12}))
    assert answer.json() == bad_request(f"Invalid value for '{field}' field")


@pytest.mark.parametrize("region", ["Dayton", "cincinnati", "Cincinnati "])
def test_region_names_match_exactly(sandbox, region):
    answer = sandbox.post(DIVISIONS, division(region=region))
    assert answer.json() == not_found(f"Region '{region}' not found")


def test_an_inactive_region_is_not_found(sandbox):
    sandbox.region("Columbus", False)
    answer = sandbox.post(DIVISIONS, division(region="Columbus"))
    assert answer.json() == not_found("Region 'Columbus' not found")


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (COMMUNITIES, community(parent="DIV_404"), "Division with external ID 'DIV_404' not found"),
        (
            NEIGHBORHOODS,
            neighborhood(parent="MC_404"),
            "Master Community with external ID 'MC_404' not found",
        ),
        (COMMUNITIES, community(parent="div_001"), "Division with external ID 'div_001' not found"),
    ],
)
def test_an_unknown_parent_is_404(chain, path, body, message):
    answer = chain.post(path, {**body, "externalId": "NEW_1"})
    assert (answer.status_code, answer.json()) == (404, not_found(message))


def test_an_inactive_parent_is_404(chain):
    chain.ok("put", DIVISIONS, division(active=False))
    answer = chain.post(COMMUNITIES, community("MC_002"))
    assert answer.json() == not_found("Division with external ID 'DIV_001' not found")


@pytest.mark.parametrize(("path", "make", "parent_field"), LEVELS)
def test_a_used_external_id_is_409_at_that_level(chain, path, make, parent_field):
    body = make()  # DIV_001, MC_001 and NH_001 exist already
    answer = chain.post(path, body)
    message = f"A location with external ID '{body['externalId']}' already exists"
    assert (answer.status_code, answer.json()) == (409, error(409, "Conflict", message))


def test_external_ids_are_unique_per_level_and_case_sensitive(chain):
    assert chain.post(DIVISIONS, division("div_001")).status_code == 200
    assert chain.post(COMMUNITIES, community("DIV_001")).status_code == 200


@pytest.mark.parametrize(
    ("path", "label"),
    [(DIVISIONS, "Division"), (COMMUNITIES, "Master Community"), (NEIGHBORHOODS, "Neighborhood")],
)
def test_get_one_unknown_is_404_naming_the_level(chain, path, label):
    answer = chain.get(f"{path}/NOPE")
    assert answer.json() == not_found(f"{label} with external ID 'NOPE' not found")


def test_get_one_takes_any_character_in_the_external_id(sandbox):
    sandbox.ok("post", DIVISIONS, division("DIV/001 a"))
    assert sandbox.ok("get", f"{DIVISIONS}/DIV%2F001%20a")["externalId"] == "DIV/001 a"


def test_put_replaces_and_clears_optional_fields_left_out(sandbox):
    sandbox.ok("post", DIVISIONS, division(displayName="Cincy East", abbreviatedName="CE"))
    updated = sandbox.ok("put", DIVISIONS, division(name="Renamed", region="Columbus"))
    assert updated == {
        "id": 1,
        "externalId": "DIV_001",
        "name": "Renamed",
        "displayName": None,
        "abbreviatedName": None,
        "builderId": 1,
        "active": True,
    }
    assert sandbox.state()["divisions"][0]["regionName"] == "Columbus"


def test_put_active_false_deactivates_and_leaving_it_out_reactivates(chain):
    assert chain.ok("put", NEIGHBORHOODS, neighborhood(active=False))["active"] is False
    assert chain.ok("get", f"{NEIGHBORHOODS}/NH_001")["active"] is False
    assert chain.ok("put", NEIGHBORHOODS, neighborhood())["active"] is True


@pytest.mark.parametrize("active", ["false", 0, "no"])
def test_put_active_must_be_boolean(chain, active):
    answer = chain.put(DIVISIONS, division(active=active))
    assert answer.json() == bad_request("Invalid value for 'active' field")


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (DIVISIONS, division("DIV_404"), "Division with external ID 'DIV_404' not found"),
        (COMMUNITIES, community("MC_404"), "Master Community with external ID 'MC_404' not found"),
        (NEIGHBORHOODS, neighborhood("NH_404"), "Neighborhood with external ID 'NH_404' not found"),
    ],
)
def test_put_of_an_unknown_external_id_is_404(chain, path, body, message):
    answer = chain.put(path, body)
    assert (answer.status_code, answer.json()) == (404, not_found(message))


def test_put_checks_its_parent_like_post(chain):
    answer = chain.put(COMMUNITIES, community(parent="DIV_404"))
    assert answer.json() == not_found("Division with external ID 'DIV_404' not found")
    answer = chain.put(DIVISIONS, division(region="Dayton"))
    assert answer.json() == not_found("Region 'Dayton' not found")


def test_put_validates_the_body_before_finding_the_record(sandbox):
    answer = sandbox.put(DIVISIONS, division("DIV_404", name=None))
    assert answer.json() == bad_request("Field 'name' is required")
