"""Staff at work in headless Chromium: an editor builds, an approver approves, a viewer looks.

Each test logs in as one role (password "pw") against the live server and checks what that
person sees on the page and what the database holds afterwards.
"""

import re

import pytest
from playwright.sync_api import expect

from builderops.core.review import ReviewState
from builderops.core.roles import roles_ensure
from homes.models import Home, Homeowner
from locations.models import Division, MasterCommunity, Neighborhood
from tests.factories import HomeFactory, RegionFactory, chain, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def roles():
    roles_ensure()


def choose(page, field: str, text: str) -> None:
    """Pick `text` in the autocomplete box of `field` (Django's select2 widget)."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:not(.loading-results):has-text('{text}')")


def save(page) -> None:
    page.click("input[name=_save]")
    page.wait_for_load_state()


def add_location(page, path: str, parent_field: str, parent: str, external_id: str, name: str):
    page.goto(f"/admin/locations/{path}/add/")
    page.fill("#id_external_id", external_id)
    page.fill("#id_name", name)
    choose(page, parent_field, parent)
    save(page)
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def fill_home(page, *, external_id: str, neighborhood: str, postal_code: str, emails) -> None:
    page.goto("/admin/homes/home/add/")
    page.fill("#id_external_id", external_id)
    choose(page, "neighborhood", neighborhood)
    page.fill("#id_address_line1", "12 Maple Ave")
    page.fill("#id_city", "Mason")
    page.select_option("#id_state", "OH")
    page.fill("#id_postal_code", postal_code)
    page.select_option("#id_home_type", "Single Family")
    for i, email in enumerate(emails):
        if i:
            page.click(".add-row a")
        page.fill(f"#id_homeowners-{i}-email", email)
        page.fill(f"#id_homeowners-{i}-first_name", f"Owner{i}")


def test_an_editor_builds_a_division_down_to_a_home_with_two_homeowners(page, admin_login):
    RegionFactory(name="Cincinnati")
    editor = user_in_role("Editor", username="erin")
    admin_login("erin")
    add_location(page, "division", "region", "Cincinnati", "DIV_CIN", "Cincinnati Division")
    add_location(page, "mastercommunity", "division", "Cincinnati Division", "MC_1", "Mason Ridge")
    add_location(page, "neighborhood", "master_community", "Mason Ridge", "NH_1", "Oak Hollow")
    fill_home(
        page,
        external_id="HOME_1",
        neighborhood="Oak Hollow",
        postal_code="45040-1234",
        emails=["pat@example.com", "sam@example.com"],
    )
    save(page)
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    home = Home.objects.select_related("neighborhood__master_community__division").get()
    assert home.neighborhood.external_id == "NH_1"
    assert home.neighborhood.master_community.division.external_id == "DIV_CIN"
    assert sorted(home.homeowners.values_list("email", flat=True)) == [
        "pat@example.com",
        "sam@example.com",
    ]
    for model in (Division, MasterCommunity, Neighborhood, Home):
        record = model.objects.get()
        assert record.review_state == ReviewState.DRAFT
        assert record.history.earliest().history_user == editor


def approve_on_changelist(page, path: str, row_text: str) -> None:
    """Tick `row_text` on a changelist, run "Approve selected", and confirm."""
    page.goto(path)
    page.locator("#result_list tr", has_text=row_text).locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    expect(page.locator("h2").first).to_contain_text("will be approved")
    expect(page.locator("ul.approve-ready")).to_contain_text(row_text)
    page.click("input[type=submit][value^='Yes, approve']")
    expect(page.locator(".messagelist .success")).to_contain_text("Approved 1")


def test_an_approver_approves_the_chain_through_the_confirmation_page(page, admin_login):
    neighborhood = chain(approved=False)
    HomeFactory(neighborhood=neighborhood, address_line1="12 Maple Ave", homeowners=2)
    community, division = neighborhood.master_community, neighborhood.master_community.division
    approver = user_in_role("Approver", username="alex")
    admin_login("alex")

    page.goto("/admin/homes/home/")
    page.locator("#result_list tr", has_text="12 Maple Ave").locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    expect(page.locator("ul.approve-refused")).to_contain_text("is a draft: approve that first.")
    expect(page.locator("input[type=submit][value^='Yes, approve']")).to_have_count(0)

    approve_on_changelist(page, "/admin/locations/division/", division.external_id)
    approve_on_changelist(page, "/admin/locations/mastercommunity/", community.external_id)
    approve_on_changelist(page, "/admin/locations/neighborhood/", neighborhood.external_id)
    approve_on_changelist(page, "/admin/homes/home/", "12 Maple Ave")

    for model in (Division, MasterCommunity, Neighborhood, Home):
        record = model.objects.get()
        assert (record.review_state, record.approved_by) == (ReviewState.APPROVED, approver)


def test_a_viewer_sees_a_home_but_cannot_change_it(page, admin_login):
    home = HomeFactory(neighborhood=chain(), address_line1="12 Maple Ave", homeowners=1)
    user_in_role("Viewer", username="vera")
    admin_login("vera")
    page.goto(f"/admin/homes/home/{home.pk}/change/")
    expect(page.locator("#content")).to_contain_text("12 Maple Ave")
    expect(page.locator("#id_address_line1")).to_have_count(0)  # read-only text, no input
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("input[name=_approve]")).to_have_count(0)

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/admin/homes/home/{home.pk}/change/",
        form={"address_line1": "1 Stolen Rd", "csrfmiddlewaretoken": csrf},
        headers={"Referer": page.url, "X-CSRFToken": csrf},
    )
    assert response.status == 403
    assert "CSRF" not in response.text()
    assert Home.objects.get(pk=home.pk).address_line1 == "12 Maple Ave"


def test_a_bad_zip_and_a_bad_email_show_field_errors_and_save_nothing(page, admin_login):
    chain(approved=False)
    Neighborhood.objects.update(name="Oak Hollow")
    user_in_role("Editor", username="erin")
    admin_login("erin")
    fill_home(
        page,
        external_id="HOME_1",
        neighborhood="Oak Hollow",
        postal_code="4504",
        emails=["pat-at-example.com"],
    )
    save(page)

    expect(page.locator(".errornote")).to_contain_text("Please correct the errors below.")
    expect(page.locator(".field-postal_code .errorlist")).to_have_text(
        "“4504” is not a ZIP code: enter 5 digits (45202) or ZIP+4 (45202-1234)."
    )
    expect(page.locator("#homeowners-group .errorlist").first).to_have_text(
        re.compile("Enter a valid email address, like name@example.com.")
    )
    assert (Home.objects.count(), Homeowner.objects.count()) == (0, 0)
