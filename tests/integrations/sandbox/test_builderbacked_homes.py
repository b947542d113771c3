"""Homes and homeowners in the Builder Backed sandbox (builder-backed.md, Home — POST body;
Errors; Fine points)."""

import pytest

from .builderbacked_support import (
    COMMUNITIES,
    DIVISIONS,
    HOMES,
    NEIGHBORHOODS,
    Sandbox,
    community,
    division,
    error,
    home,
    neighborhood,
)

REQUIRED = [
    "externalId",
    "addressLine1",
    "city",
    "state",
    "postalCode",
    "type",
    "neighborhoodExternalId",
]
OPTIONAL_STRINGS = ["addressLine2", "jobId", "productCollection", "model"]


@pytest.fixture
def sandbox():
    sandbox = Sandbox()
    sandbox.chain()
    return sandbox


def bad_request(message):
    return error(400, "Bad Request", message)


def owner(email, **names):
    return {"email": email, **names}


def full_owner(email, **names):
    blank = dict.fromkeys(["firstName", "lastName", "middleName", "prefix", "suffix"])
    return {"email": email, **blank, **names}


def test_home_create_answers_200_with_its_fields_homeowners_and_chain(sandbox):
    body = home(
        addressLine2="Unit 4",
        marketHome=True,
        jobId="J-1",
        productCollection="Classic",
        model="Aspen",
        closingDate="2025-06-30",
        scheduledClosingDate="2025-06-15",
        homeowners=[owner("ann@example.com", firstName="Ann", lastName="Lee")],
    )
    assert sandbox.ok("post", HOMES, body) == {
        "id": 1,
        **body,
        "homeowners": [full_owner("ann@example.com", firstName="Ann", lastName="Lee")],
        "neighborhood": {"externalId": "NH_001", "name": "The Woods"},
        "masterCommunity": {"externalId": "MC_001", "name": "Hidden Lake"},
        "division": {"externalId": "DIV_001", "name": "Cincinnati East"},
        "region": {"name": "Cincinnati"},
    }


def test_optional_home_fields_default_to_null_and_market_home_to_false(sandbox):
    created = sandbox.ok("post", HOMES, home())
    assert created["marketHome"] is False
    assert created["homeowners"] == []
    optional = [*OPTIONAL_STRINGS, "closingDate", "scheduledClosingDate"]
    assert {field: created[field] for field in optional} == dict.fromkeys(optional)


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize("value", ["absent", None, "", "  \t "])
def test_required_home_fields_absent_null_or_blank_are_400(sandbox, field, value):
    body = home()
    if value == "absent":
        del body[field]
    else:
        body[field] = value
    answer = sandbox.post(HOMES, body)
    assert (answer.status_code, answer.json()) == (400, bad_request(f"Field '{field}' is required"))


def test_fields_are_checked_in_the_documented_order(sandbox):
    answer = sandbox.post(HOMES, home(city=None, state="Ohio", type="house"))
    assert answer.json() == bad_request("Field 'city' is required")
    answer = sandbox.post(HOMES, home(state="Ohio", type="house"))
    assert answer.json() == bad_request("Invalid value for 'state' field")


@pytest.mark.parametrize(
    "value", ["single family", "SINGLE FAMILY", "Single-Family", "SingleFamily", "Condo", 1, True]
)
def test_type_must_be_exactly_one_of_the_two_values(sandbox, value):
    answer = sandbox.post(HOMES, home(type=value))
    assert answer.json() == bad_request("Invalid value for 'type' field")


def test_multi_family_is_accepted(sandbox):
    assert sandbox.ok("post", HOMES, home(type="Multi Family"))["type"] == "Multi Family"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("state", "Ohio"),
        ("state", "oh"),
        ("state", "XX"),
        ("state", 39),
        ("postalCode", "4504"),
        ("postalCode", "450401"),
        ("postalCode", "45040-12"),
        ("postalCode", "450401234"),
        ("postalCode", 45040),
        ("closingDate", "2025-02-30"),
        ("closingDate", "2025/06/30"),
        ("closingDate", "20250630"),
        ("closingDate", "2025-06-30T00:00:00"),
        ("closingDate", ""),
        ("scheduledClosingDate", "June 30, 2025"),
        ("marketHome", "true"),
        ("marketHome", 1),
        ("addressLine2", 4),
        ("jobId", 1001),
    ],
)
def test_malformed_home_values_are_400_naming_the_field(sandbox, field, value):
    answer = sandbox.post(HOMES, home(**{field: value}))
    assert answer.json() == bad_request(f"Invalid value for '{field}' field")


@pytest.mark.parametrize(
    ("field", "value"),
    [("state", "PR"), ("postalCode", "45040-1234"), ("closingDate", "2024-02-29")],
)
def test_valid_home_values_are_kept(sandbox, field, value):
    assert sandbox.ok("post", HOMES, home(**{field: value}))[field] == value


@pytest.mark.parametrize("email", ["not-an-email", "ann@", "@example.com", "ann @example.com", 7])
def test_a_homeowner_email_that_is_not_an_address_is_400(sandbox, email):
    answer = sandbox.post(HOMES, home(homeowners=[owner(email)]))
    assert answer.json() == bad_request("Email address is invalid")


@pytest.mark.parametrize("homeowner", [{"firstName": "Ann"}, owner(None), owner("  ")])
def test_a_homeowner_without_email_is_400(sandbox, homeowner):
    answer = sandbox.post(HOMES, home(homeowners=[homeowner]))
    assert answer.json() == bad_request("Field 'email' is required")


@pytest.mark.parametrize("homeowners", [{"email": "ann@example.com"}, ["ann@example.com"], "x"])
def test_homeowners_must_be_an_array_of_objects(sandbox, homeowners):
    answer = sandbox.post(HOMES, home(homeowners=homeowners))
    assert answer.json() == bad_request("Invalid value for 'homeowners' field")


def test_an_unknown_neighborhood_is_404(sandbox):
    answer = sandbox.post(HOMES, home(neighborhood_id="NH_404"))
    message = "Neighborhood with external ID 'NH_404' not found"
    assert (answer.status_code, answer.json()) == (404, error(404, "Not Found", message))


@pytest.mark.parametrize(
    "break_chain",
    [
        lambda s: s.ok("put", NEIGHBORHOODS, neighborhood(active=False)),
        lambda s: s.ok("put", COMMUNITIES, community(active=False)),
        lambda s: s.ok("put", DIVISIONS, division(active=False)),
        lambda s: s.region("Cincinnati", False),
    ],
    ids=["neighborhood", "master-community", "division", "region"],
)
def test_an_inactive_link_anywhere_in_the_chain_names_the_neighborhood(sandbox, break_chain):
    break_chain(sandbox)
    answer = sandbox.post(HOMES, home())
    message = "Neighborhood with external ID 'NH_001' not found"
    assert (answer.status_code, answer.json()) == (404, error(404, "Not Found", message))


def test_a_used_home_external_id_is_409(sandbox):
    sandbox.ok("post", HOMES, home())
    answer = sandbox.post(HOMES, home())
    message = "A home with external ID 'H_001' already exists"
    assert (answer.status_code, answer.json()) == (409, error(409, "Conflict", message))


def test_the_same_email_twice_on_a_new_home_is_409(sandbox):
    owners = [owner("ann@example.com"), owner("Ann@Example.com")]
    answer = sandbox.post(HOMES, home(homeowners=owners))
    message = "Homeowner with email 'Ann@Example.com' already exists on home 'H_001'"
    assert (answer.status_code, answer.json()) == (409, error(409, "Conflict", message))
    assert sandbox.state()["homes"] == []


def test_get_home_answers_the_created_home_and_unknown_is_404(sandbox):
    created = sandbox.ok("post", HOMES, home())
    assert sandbox.ok("get", f"{HOMES}/H_001") == created
    answer = sandbox.get(f"{HOMES}/H_404")
    message = "Home with external ID 'H_404' not found"
    assert (answer.status_code, answer.json()) == (404, error(404, "Not Found", message))


def test_home_put_replaces_and_clears_optional_fields_left_out(sandbox):
    sandbox.ok("post", HOMES, home(jobId="J-1", marketHome=True, closingDate="2025-06-30"))
    updated = sandbox.ok("put", HOMES, home(city="Lebanon"))
    assert (updated["id"], updated["city"]) == (1, "Lebanon")
    assert (updated["jobId"], updated["marketHome"], updated["closingDate"]) == (None, False, None)


def test_home_put_with_homeowners_replaces_the_set(sandbox):
    sandbox.ok("post", HOMES, home(homeowners=[owner("ann@example.com")]))
    updated = sandbox.ok("put", HOMES, home(homeowners=[owner("bob@example.com")]))
    assert updated["homeowners"] == [full_owner("bob@example.com")]
    assert sandbox.ok("put", HOMES, home(homeowners=[]))["homeowners"] == []


@pytest.mark.parametrize("homeowners", ["absent", None])
def test_home_put_without_homeowners_keeps_them(sandbox, homeowners):
    sandbox.ok("post", HOMES, home(homeowners=[owner("ann@example.com")]))
    body = home(city="Lebanon")
    if homeowners is None:
        body["homeowners"] = None
    assert sandbox.ok("put", HOMES, body)["homeowners"] == [full_owner("ann@example.com")]


def test_home_put_of_an_unknown_home_is_404(sandbox):
    answer = sandbox.put(HOMES, home("H_404"))
    assert answer.json() == error(404, "Not Found", "Home with external ID 'H_404' not found")


def test_home_put_checks_the_chain_and_duplicate_emails(sandbox):
    sandbox.ok("post", HOMES, home())
    answer = sandbox.put(HOMES, home(neighborhood_id="NH_404"))
    assert answer.json()["message"] == "Neighborhood with external ID 'NH_404' not found"
    answer = sandbox.put(HOMES, home(homeowners=[owner("a@example.com"), owner("A@example.com")]))
    assert answer.json() == error(
        409, "Conflict", "Homeowner with email 'A@example.com' already exists on home 'H_001'"
    )


def test_users_adds_one_homeowner_and_answers_the_whole_home(sandbox):
    sandbox.ok("post", HOMES, home(homeowners=[owner("ann@example.com")]))
    answered = sandbox.ok("post", f"{HOMES}/H_001/users", owner("bob@example.com", lastName="Ng"))
    assert answered == sandbox.ok("get", f"{HOMES}/H_001")
    assert answered["homeowners"] == [
        full_owner("ann@example.com"),
        full_owner("bob@example.com", lastName="Ng"),
    ]


def test_users_with_an_email_already_on_the_home_is_409_ignoring_case(sandbox):
    sandbox.ok("post", HOMES, home(homeowners=[owner("ann@example.com")]))
    answer = sandbox.post(f"{HOMES}/H_001/users", owner("ANN@example.com"))
    message = "Homeowner with email 'ANN@example.com' already exists on home 'H_001'"
    assert (answer.status_code, answer.json()) == (409, error(409, "Conflict", message))


def test_users_on_an_unknown_home_is_404_after_the_body_check(sandbox):
    answer = sandbox.post(f"{HOMES}/H_404/users", owner("bob@example.com"))
    assert answer.json() == error(404, "Not Found", "Home with external ID 'H_404' not found")
    answer = sandbox.post(f"{HOMES}/H_404/users", owner("bob"))
    assert answer.json() == bad_request("Email address is invalid")
    answer = sandbox.post(f"{HOMES}/H_404/users", {"firstName": "Bob"})
    assert answer.json() == bad_request("Field 'email' is required")


def test_home_chain_in_answers_follows_later_renames(sandbox):
    sandbox.ok("post", HOMES, home())
    sandbox.ok("put", NEIGHBORHOODS, neighborhood(name="The Glen"))
    fetched = sandbox.ok("get", f"{HOMES}/H_001")
    assert fetched["neighborhood"] == {"externalId": "NH_001", "name": "The Glen"}
