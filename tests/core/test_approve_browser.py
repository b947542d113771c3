"""In the browser: an approval confirmed after someone changed a record approves nothing and shows
the record again (issue 11). Set BUILDEROPS_SCREENSHOTS to a folder to keep screenshots."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from builderops.core.review import ReviewState
from homes.models import Home
from homes.services import home_update
from tests.factories import HomeFactory, chain, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name: str) -> None:
    folder = os.environ.get("BUILDEROPS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_record_changed_while_the_confirmation_was_open_is_shown_again(page, admin_login):
    page.set_viewport_size({"width": 1366, "height": 900})
    home = HomeFactory(neighborhood=chain(), address_line1="12 Maple Ave", city="Mason")
    HomeFactory(neighborhood=chain(), address_line1="14 Maple Ave")
    user_in_role("Approver", username="alex")
    editor = user_in_role("Editor", username="eddie")
    admin_login("alex")

    page.goto("/admin/homes/home/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    expect(page.locator("ul.approve-ready")).to_contain_text("12 Maple Ave, Mason")

    home_update(home=Home.objects.get(pk=home.pk), user=editor, data={"city": "Lebanon"})
    page.click("input[type=submit][value^='Yes, approve']")

    changed = page.locator(".approve-changed")
    expect(changed).to_contain_text(
        "Nothing was approved: this home was changed after you opened the confirmation."
    )
    expect(changed).to_contain_text("12 Maple Ave, Lebanon (HOME_")
    expect(changed).to_contain_text(": changed by eddie at ")
    expect(page.locator("ul.approve-ready")).to_contain_text("12 Maple Ave, Lebanon")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "approve-changed")
    assert set(Home.objects.values_list("review_state", flat=True)) == {ReviewState.DRAFT}

    page.click("input[type=submit][value^='Yes, approve']")
    expect(page.locator(".messagelist .success")).to_contain_text("Approved 2 homes")
    assert set(Home.objects.values_list("review_state", flat=True)) == {ReviewState.APPROVED}


def test_an_import_applied_after_its_records_changed_shows_the_preview_again(
    page, admin_login, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_viewport_size({"width": 1366, "height": 900})
    neighborhood = chain()
    home = HomeFactory(
        neighborhood=neighborhood, external_id="HOME_001", address_line1="1 Oak St", city="Dayton"
    )
    user_in_role("Editor", username="eddie")
    colleague = user_in_role("Editor", username="eve")
    csv = tmp_path / "homes.csv"
    csv.write_text(
        "externalId,addressLine1,city,state,postalCode,type,neighborhoodExternalId\n"
        f"HOME_001,1 Oak St,Mason,OH,45040,Single Family,{neighborhood.external_id}\n"
    )
    admin_login("eddie")
    page.goto("/admin/homes/home/import/")
    page.set_input_files("input[type=file]", str(csv))
    page.click("input[type=submit]")
    expect(page.locator(".csvio-apply-form")).to_be_visible()

    home_update(home=Home.objects.get(pk=home.pk), user=colleague, data={"city": "Lebanon"})
    page.click(".csvio-apply-form input[type=submit][value=Apply]")

    changed = page.locator(".csvio-changed")
    expect(changed).to_contain_text("Nothing was applied: records this file updates were changed")
    expect(changed).to_contain_text("Row 2 (HOME_001): “1 Oak St, Lebanon (HOME_001)” was changed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "import-changed")
    assert Home.objects.get(pk=home.pk).city == "Lebanon"
