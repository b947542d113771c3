"""Home and homeowner rules mirror builder-backed.md ("Home — POST body"), with exact messages."""

import pytest
from django.core.exceptions import ValidationError

from homes.models import Home, Homeowner
from homes.services import home_create, homeowner_add
from tests.factories import HomeFactory, HomeownerFactory, NeighborhoodFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return user_in_role("Editor")


def home_data(**overrides):
    data = {
        "external_id": "HOME_1",
        "neighborhood": NeighborhoodFactory(approved=True),
        "address_line1": "1 Main St",
        "city": "Mason",
        "state": "OH",
        "postal_code": "45040",
        "home_type": "Single Family",
    }
    return {**data, **overrides}


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("Ohio", "“Ohio” is not a USPS state code: enter the two-letter code — use OH."),
        ("oh", "“oh” is not a USPS state code: enter the two-letter code — use OH."),
        ("XX", "“XX” is not a USPS state code: enter the two-letter code, e.g. OH."),
    ],
)
def test_state_must_be_a_usps_code(editor, state, message):
    errors = errors_of(lambda: home_create(user=editor, data=home_data(state=state)))
    assert message in errors["state"]
    assert not Home.objects.exists()


@pytest.mark.parametrize("postal_code", ["45040", "45040-1234"])
def test_zip_may_be_five_digits_or_zip_plus_four(editor, postal_code):
    home = home_create(user=editor, data=home_data(postal_code=postal_code))
    assert Home.objects.get(pk=home.pk).postal_code == postal_code


@pytest.mark.parametrize("postal_code", ["4504", "450401", "45040-12", "45040 1234", "ABCDE"])
def test_other_zips_are_refused(editor, postal_code):
    errors = errors_of(lambda: home_create(user=editor, data=home_data(postal_code=postal_code)))
    assert errors["postal_code"] == [
        f"“{postal_code}” is not a ZIP code: enter 5 digits (45202) or ZIP+4 (45202-1234)."
    ]


@pytest.mark.parametrize("home_type", ["Single Family", "Multi Family"])
def test_type_takes_the_two_contract_spellings(editor, home_type):
    home = home_create(user=editor, data=home_data(home_type=home_type))
    assert Home.objects.get(pk=home.pk).home_type == home_type


@pytest.mark.parametrize("home_type", ["single family", "SingleFamily", "Single-Family", "Condo"])
def test_type_refuses_any_other_spelling(editor, home_type):
    errors = errors_of(lambda: home_create(user=editor, data=home_data(home_type=home_type)))
    assert errors["home_type"] == [f"Value '{home_type}' is not a valid choice."]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("address_line1", "Address line 1 is required: enter the street address."),
        ("city", "City is required: enter the home's city."),
    ],
)
def test_required_address_fields_may_not_be_blank(editor, field, message):
    errors = errors_of(lambda: home_create(user=editor, data=home_data(**{field: "   "})))
    assert errors[field] == [message]  # one clear message, not Django's generic one too


def test_home_external_ids_are_stripped_and_case_sensitive(editor):
    neighborhood = NeighborhoodFactory(approved=True)
    home_create(user=editor, data=home_data(external_id=" HOME_1 ", neighborhood=neighborhood))
    home_create(user=editor, data=home_data(external_id="home_1", neighborhood=neighborhood))
    assert sorted(Home.objects.values_list("external_id", flat=True)) == ["HOME_1", "home_1"]
    errors = errors_of(
        lambda: home_create(
            user=editor, data=home_data(external_id="HOME_1", neighborhood=neighborhood)
        )
    )
    assert errors["external_id"] == ["Home with this External ID already exists."]


def test_a_home_needs_an_active_neighborhood(editor):
    neighborhood = NeighborhoodFactory(external_id="NH_9", name="Old Oak", active=False)
    errors = errors_of(lambda: home_create(user=editor, data=home_data(neighborhood=neighborhood)))
    assert errors["neighborhood"] == [
        "Neighborhood “Old Oak (NH_9)” is inactive: choose an active one."
    ]


def test_published_home_keeps_its_external_id(editor):
    home = HomeFactory(external_id="HOME_7", published=True)
    home.external_id = "HOME_8"
    errors = errors_of(home.full_clean)
    assert errors["external_id"] == [
        "External ID can't change once published: Builder Backed knows this record as “HOME_7”. "
        "Put it back, or create a new record."
    ]


@pytest.mark.parametrize("email", ["not-an-email", "pat@", "@example.com", "pat@example"])
def test_homeowner_email_must_be_an_address(editor, email):
    home = HomeFactory()
    errors = errors_of(lambda: homeowner_add(home=home, user=editor, data={"email": email}))
    assert errors["email"] == ["Enter a valid email address, like name@example.com."]
    assert not Homeowner.objects.exists()


def test_an_email_is_a_homeowner_once_per_home_ignoring_case(editor):
    home = HomeFactory()
    HomeownerFactory(home=home, email="Pat@Example.com")
    errors = errors_of(
        lambda: homeowner_add(home=home, user=editor, data={"email": "pat@example.COM"})
    )
    assert errors["email"] == ["pat@example.COM is already a homeowner of this home."]
    assert home.homeowners.count() == 1


def test_the_same_email_may_own_two_homes(editor):
    HomeownerFactory(email="pat@example.com")
    homeowner_add(home=HomeFactory(), user=editor, data={"email": "PAT@example.com"})
    assert Homeowner.objects.filter(email__iexact="pat@example.com").count() == 2


def test_the_database_also_refuses_a_second_email_differing_only_in_case():
    owner = HomeownerFactory(email="pat@example.com")
    twin = Homeowner(home=owner.home, email="PAT@EXAMPLE.COM")
    errors = errors_of(twin.full_clean)
    assert errors["__all__"] == ["This email is already a homeowner of this home."]


def test_homeowner_email_with_surrounding_spaces_is_stripped_not_refused(editor):
    home = home_create(user=editor, data=home_data())
    owner = homeowner_add(home=home, user=editor, data={"email": "  pat@example.com  "})
    owner.refresh_from_db()
    assert owner.email == "pat@example.com"
