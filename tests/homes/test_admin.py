"""The home admin: search as staff type it, homeowners inline through the services, review."""

import pytest
from django.contrib.messages import get_messages

from builderops.core.admin import REVIEWED_VERSION_FIELD
from builderops.core.publishing import record_due
from builderops.core.review import ReviewState
from homes.models import Home, Homeowner
from tests.core.approval import reviewed_version
from tests.factories import HomeFactory, HomeownerFactory, chain, user_in_role

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def homes():
    neighborhood = chain()
    mason = HomeFactory(
        neighborhood=neighborhood,
        external_id="H_MASON",
        address_line1="12 Maple Ave",
        city="Mason",
        postal_code="45040",
        job_id="JOB-0001",
    )
    dublin = HomeFactory(
        neighborhood=neighborhood,
        external_id="H_DUBLIN",
        address_line1="7 Cedar Ct",
        city="Dublin",
        postal_code="43017-1234",
        job_id="JOB-0002",
    )
    HomeownerFactory(
        home=mason, email="olivia.smith@example.com", first_name="Olivia", last_name="Smith"
    )
    HomeownerFactory(
        home=mason, email="liam.smith@example.com", first_name="Liam", last_name="Smith"
    )
    HomeownerFactory(
        home=dublin, email="ava.jones@example.org", first_name="Ava", last_name="Jones"
    )
    return {"mason": mason, "dublin": dublin}


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("maple", ["H_MASON"]),  # address, any case
        ("Dublin", ["H_DUBLIN"]),  # city
        ("45040", ["H_MASON"]),  # ZIP
        ("43017-1234", ["H_DUBLIN"]),  # ZIP+4
        ("h_dublin", ["H_DUBLIN"]),  # external id
        ("JOB-0001", ["H_MASON"]),  # job id
        ("OLIVIA.SMITH@EXAMPLE.COM", ["H_MASON"]),  # homeowner email, any case
        ("example.org", ["H_DUBLIN"]),
        ("Jones", ["H_DUBLIN"]),  # homeowner name
        ("smith", ["H_MASON"]),  # two owners match: the home is listed once
        ("Smith Mason", ["H_MASON"]),  # every word must match somewhere
        ("Smith Dublin", []),
        ('"7 Cedar"', ["H_DUBLIN"]),  # a quoted phrase stays whole
    ],
)
def test_home_search_finds_homes_by_their_fields_and_their_owners(client, homes, term, found):
    client.force_login(user_in_role("Viewer"))
    changelist = client.get("/admin/homes/home/", {"q": term}).context["cl"]
    assert sorted(home.external_id for home in changelist.result_list) == found
    assert changelist.result_count == len(found)


def test_an_editor_adds_a_home_with_two_homeowners_as_a_draft(client):
    neighborhood = chain()
    editor = user_in_role("Editor")
    client.force_login(editor)
    response = client.post(
        "/admin/homes/home/add/",
        home_form(neighborhood, owners=["pat@example.com", "sam@example.com"]),
    )
    assert response.status_code == 302
    home = Home.objects.get(external_id="HOME_NEW")
    assert home.review_state == ReviewState.DRAFT
    assert sorted(home.homeowners.values_list("email", flat=True)) == [
        "pat@example.com",
        "sam@example.com",
    ]
    assert home.history.get().history_user == editor
    assert {o.history.get().history_user for o in home.homeowners.all()} == {editor}


def test_the_same_email_twice_on_one_home_in_any_case_is_refused(client):
    neighborhood = chain()
    client.force_login(user_in_role("Editor"))
    response = client.post(
        "/admin/homes/home/add/",
        home_form(neighborhood, owners=["pat@example.com", "PAT@Example.com"]),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[1]["email"] == [
        "PAT@Example.com is already a homeowner of this home (emails are compared ignoring case)."
    ]
    assert not Home.objects.exists()
    assert not Homeowner.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "owners", "field", "message"),
    [
        (
            {"postal_code": "4504"},
            ["pat@example.com"],
            "postal_code",
            "“4504” is not a ZIP code: enter 5 digits (45202) or ZIP+4 (45202-1234).",
        ),
        (
            {"state": "Ohio"},
            ["pat@example.com"],
            "state",
            "Select a valid choice. Ohio is not one of the available choices.",
        ),
        (
            {},
            ["pat-at-example.com"],
            "homeowners-0-email",
            "Enter a valid email address, like name@example.com.",
        ),
    ],
)
def test_a_bad_field_is_shown_on_the_form_and_nothing_is_saved(
    client, overrides, owners, field, message
):
    neighborhood = chain()
    client.force_login(user_in_role("Editor"))
    response = client.post("/admin/homes/home/add/", home_form(neighborhood, owners, **overrides))
    assert response.status_code == 200
    if field.startswith("homeowners-"):
        assert response.context["inline_admin_formsets"][0].formset.errors[0]["email"] == [message]
    else:
        assert response.context["adminform"].form.errors[field] == [message]
    assert (Home.objects.count(), Homeowner.objects.count()) == (0, 0)


def test_an_editor_changing_only_a_homeowner_returns_the_approved_home_to_draft(client):
    home = HomeFactory(neighborhood=chain(), published=True)
    owner = HomeownerFactory(home=home, email="pat@example.com")
    client.force_login(user_in_role("Editor"))
    data = home_form(home.neighborhood, ["pat@new.example.com"], home=home, owner_ids=[owner.pk])
    response = client.post(f"/admin/homes/home/{home.pk}/change/", data, follow=True)
    home.refresh_from_db()
    assert home.review_state == ReviewState.DRAFT
    assert Homeowner.objects.get(pk=owner.pk).email == "pat@new.example.com"
    assert any("waits for an approver" in m for m in messages_of(response))


def test_saving_an_unchanged_approved_home_leaves_it_approved(client):
    home = HomeFactory(neighborhood=chain(), published=True)
    owner = HomeownerFactory(home=home, email="pat@example.com", first_name="", last_name="")
    client.force_login(user_in_role("Editor"))
    data = home_form(home.neighborhood, ["pat@example.com"], home=home, owner_ids=[owner.pk])
    client.post(f"/admin/homes/home/{home.pk}/change/", data)
    assert Home.objects.get(pk=home.pk).review_state == ReviewState.APPROVED


def test_removing_a_homeowner_inline_goes_through_review(client):
    home = HomeFactory(neighborhood=chain(), published=True)
    owner = HomeownerFactory(home=home, email="pat@example.com")
    client.force_login(user_in_role("Editor"))
    data = home_form(home.neighborhood, ["pat@example.com"], home=home, owner_ids=[owner.pk])
    data["homeowners-0-DELETE"] = "on"
    client.post(f"/admin/homes/home/{home.pk}/change/", data)
    assert not home.homeowners.exists()
    assert Home.objects.get(pk=home.pk).review_state == ReviewState.DRAFT


@pytest.fixture
def announced(monkeypatch):
    """Record the publishes the domain announces (record_due) once a transaction commits."""
    sent = []
    monkeypatch.setattr(
        record_due, "send_robust", lambda sender, pk, **_: sent.append((sender, pk))
    )
    return sent


def test_editing_a_home_and_removing_an_owner_saves_the_home_once(
    client, announced, django_capture_on_commit_callbacks
):
    home = HomeFactory(neighborhood=chain(), published=True)
    kept = HomeownerFactory(home=home, email="pat@example.com")
    gone = HomeownerFactory(home=home, email="sam@example.com")
    client.force_login(user_in_role("Approver"))
    url = f"/admin/homes/home/{home.pk}/change/"
    before = home.history.count()
    data = home_form(
        home.neighborhood,
        ["pat@example.com", "sam@example.com"],
        home=home,
        owner_ids=[kept.pk, gone.pk],
        city="Dayton",
    )
    data["homeowners-1-DELETE"] = "on"
    data[REVIEWED_VERSION_FIELD] = reviewed_version(client, url)  # an approver saves what they saw
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    home.refresh_from_db()
    assert (home.city, home.review_state, home.sync_homeowners_replace) == (
        "Dayton",
        ReviewState.APPROVED,
        True,
    )
    assert list(home.homeowners.values_list("email", flat=True)) == ["pat@example.com"]
    assert home.history.count() - before == 1  # one change to the home, not two
    assert announced == [(Home, home.pk)]  # published once


def test_removing_two_owners_on_their_own_page_saves_their_home_once(client, announced):
    home = HomeFactory(neighborhood=chain(), published=True)
    owners = [HomeownerFactory(home=home, email=f"{n}@example.com") for n in ("pat", "sam")]
    client.force_login(user_in_role("Approver"))
    before = home.history.count()
    client.post(
        "/admin/homes/homeowner/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in owners], "post": "yes"},
    )
    assert not home.homeowners.exists()
    assert home.history.count() - before == 1


def test_adding_a_homeowner_on_its_own_page_goes_through_the_homes_review(client):
    home = HomeFactory(neighborhood=chain(), published=True)
    HomeownerFactory(home=home, email="pat@example.com")
    client.force_login(user_in_role("Editor"))
    refused = client.post(
        "/admin/homes/homeowner/add/", {"home": home.pk, "email": "PAT@example.com"}
    )
    assert refused.context["adminform"].form.errors["email"] == [
        "PAT@example.com is already a homeowner of this home (emails are compared ignoring case)."
    ]
    added = client.post(
        "/admin/homes/homeowner/add/", {"home": home.pk, "email": "sam@example.com"}
    )
    assert added.status_code == 302
    assert home.homeowners.count() == 2
    assert Home.objects.get(pk=home.pk).review_state == ReviewState.DRAFT


def test_a_home_page_links_its_location_chain(client):
    home = HomeFactory(neighborhood=chain())
    neighborhood = home.neighborhood
    client.force_login(user_in_role("Viewer"))
    page = client.get(f"/admin/homes/home/{home.pk}/change/").content.decode()
    for obj, path in (
        (neighborhood, "neighborhood"),
        (neighborhood.master_community, "mastercommunity"),
        (neighborhood.master_community.division, "division"),
    ):
        assert f'<a href="/admin/locations/{path}/{obj.pk}/change/">{obj}</a>' in page


def test_state_is_chosen_from_the_usps_codes(client):
    client.force_login(user_in_role("Editor"))
    form = client.get("/admin/homes/home/add/").context["adminform"].form
    choices = dict(form.fields["state"].choices)
    assert choices["OH"] == "OH — Ohio"
    assert choices["PR"] == "PR — Puerto Rico"
    assert "Ohio" not in choices


def home_form(neighborhood, owners, home=None, owner_ids=(), **overrides) -> dict:
    data = {
        "external_id": home.external_id if home else "HOME_NEW",
        "neighborhood": neighborhood.pk,
        "address_line1": home.address_line1 if home else "1 Main St",
        "city": home.city if home else "Mason",
        "state": home.state if home else "OH",
        "postal_code": home.postal_code if home else "45040",
        "home_type": "Single Family",
        "job_id": home.job_id if home else "",
        "homeowners-TOTAL_FORMS": str(len(owners)),
        "homeowners-INITIAL_FORMS": str(len(owner_ids)),
        "homeowners-MIN_NUM_FORMS": "0",
        "homeowners-MAX_NUM_FORMS": "1000",
        **overrides,
    }
    for i, email in enumerate(owners):
        data[f"homeowners-{i}-email"] = email
        data[f"homeowners-{i}-id"] = owner_ids[i] if i < len(owner_ids) else ""
        data[f"homeowners-{i}-home"] = home.pk if home else ""
    return data
