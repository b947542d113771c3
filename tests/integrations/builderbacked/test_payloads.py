"""Records → Builder Backed JSON, exactly as builder-backed.md names and shapes each field."""

import datetime

from homes.models import Home, Homeowner
from integrations.builderbacked.payloads import (
    homeowner_body,
    payload_hash,
    record_body,
    record_create_body,
)
from locations.models import Division, MasterCommunity, Neighborhood, Region

REGION = Region(name="Cincinnati")
DIVISION = Division(external_id="DIV_001", name="Cincinnati East", region=REGION)
COMMUNITY = MasterCommunity(
    external_id="MC_001",
    name="Hidden Lake",
    display_name="Hidden Lake at Mason",
    abbreviated_name="HL",
    division=DIVISION,
)
NEIGHBORHOOD = Neighborhood(
    external_id="NH_001", name="The Woods", master_community=COMMUNITY, active=False
)


def full_home() -> Home:
    return Home(
        external_id="H_001",
        neighborhood=NEIGHBORHOOD,
        address_line1="12 Oak Street",
        address_line2="Unit 4",
        city="Mason",
        state="OH",
        postal_code="45040-1234",
        home_type="Multi Family",
        market_home=True,
        job_id="JOB-9",
        product_collection="Classic",
        home_model="Aspen",
        closing_date=datetime.date(2026, 3, 1),
        scheduled_closing_date=datetime.date(2026, 2, 27),
    )


def test_division_put_body_names_its_region_and_carries_active():
    assert record_body(DIVISION) == {
        "externalId": "DIV_001",
        "name": "Cincinnati East",
        "regionName": "Cincinnati",
        "active": True,
    }


def test_division_post_body_has_no_active():
    assert record_create_body(DIVISION) == {
        "externalId": "DIV_001",
        "name": "Cincinnati East",
        "regionName": "Cincinnati",
    }


def test_master_community_body_names_its_division_and_optional_names():
    assert record_body(COMMUNITY) == {
        "externalId": "MC_001",
        "name": "Hidden Lake",
        "divisionExternalId": "DIV_001",
        "displayName": "Hidden Lake at Mason",
        "abbreviatedName": "HL",
        "active": True,
    }


def test_neighborhood_body_names_its_master_community_and_says_inactive():
    assert record_body(NEIGHBORHOOD) == {
        "externalId": "NH_001",
        "name": "The Woods",
        "masterCommunityExternalId": "MC_001",
        "active": False,
    }


def test_home_body_maps_every_contract_field():
    assert record_body(full_home()) == {
        "externalId": "H_001",
        "addressLine1": "12 Oak Street",
        "addressLine2": "Unit 4",
        "city": "Mason",
        "state": "OH",
        "postalCode": "45040-1234",
        "type": "Multi Family",
        "neighborhoodExternalId": "NH_001",
        "marketHome": True,
        "jobId": "JOB-9",
        "productCollection": "Classic",
        "model": "Aspen",
        "closingDate": "2026-03-01",
        "scheduledClosingDate": "2026-02-27",
    }


def test_home_body_omits_blank_optional_fields_and_always_says_market_home():
    home = Home(
        external_id="H_002",
        neighborhood=NEIGHBORHOOD,
        address_line1="1 Elm",
        city="Mason",
        state="OH",
        postal_code="45040",
        home_type="Single Family",
    )
    assert record_body(home) == {
        "externalId": "H_002",
        "addressLine1": "1 Elm",
        "city": "Mason",
        "state": "OH",
        "postalCode": "45040",
        "type": "Single Family",
        "neighborhoodExternalId": "NH_001",
        "marketHome": False,
    }


def test_home_post_body_carries_homeowners_only_when_given():
    owners = [{"email": "a@example.com"}]
    assert record_create_body(full_home(), owners)["homeowners"] == owners
    assert "homeowners" not in record_create_body(full_home())


def test_homeowner_body_uses_the_contracts_names_and_omits_blanks():
    owner = Homeowner(
        email="pat@example.com",
        first_name="Pat",
        last_name="Rivera",
        prefix="Dr.",
        middle_name="",
        suffix="",
    )
    assert homeowner_body(owner) == {
        "email": "pat@example.com",
        "firstName": "Pat",
        "lastName": "Rivera",
        "prefix": "Dr.",
    }


def test_payload_hash_ignores_key_order_and_sees_any_change():
    body = record_body(full_home())
    assert payload_hash(body) == payload_hash(dict(reversed(body.items())))
    assert payload_hash(body) != payload_hash({**body, "city": "Lebanon"})
    assert len(payload_hash(body)) == 64
