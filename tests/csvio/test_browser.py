"""In Chromium: upload a file with errors, read them, download errors.csv, fix, re-upload, apply."""

import pytest

from homes.models import Home, Homeowner
from tests.csvio.conftest import HOME_HEADER

HOMES = "/admin/homes/home/"
BAD = "\n".join([
    HOME_HEADER,
    "HOME_001,1 Oak St,,Mason,Ohio,45040,Single Family,NH_001,false,,,,,,ann@example.com,Ann,Lee",
    "HOME_002,2 Oak St,,Mason,OH,45040,single family,NH_001,false,,,,,,bo@example.com,Bo,Ray",
    "HOME_003,3 Oak St,,Mason,OH,45040,Multi Family,NH_001,false,,,,,,cy@example.com,Cy,Day",
]) + "\n"  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_fix_errors_through_errors_csv_then_apply(page, admin_login, hierarchy, editor, tmp_path):
    bad = tmp_path / "homes.csv"
    bad.write_text(BAD, encoding="utf-8")
    admin_login("eddie")
    page.goto(HOMES)
    page.get_by_role("link", name="Upload CSV").click()
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Upload and preview").click()

    assert page.locator(".csvio-error-count").inner_text() == (
        "Nothing was saved: 2 rows have problems (listed below); the other row is fine."
    )
    rows = page.locator("table.csvio-errors tbody tr")
    assert rows.nth(0).inner_text().split("\t") == [
        "2",
        "state",
        "Ohio",
        "must be the two-letter code “OH”",
        "Write OH",
    ]
    assert rows.nth(1).inner_text().split("\t") == [
        "3",
        "type",
        "single family",
        "must be exactly “Single Family”",
        "Write Single Family with that spelling and case",
    ]
    assert page.locator("td.csvio-invalid").inner_text() == "2"
    assert page.get_by_role("button", name="Apply").is_disabled()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download errors.csv").click()
    errors_csv = download.value.path().read_text(encoding="utf-8-sig")
    assert errors_csv.splitlines()[0] == "errors," + HOME_HEADER
    fixed = tmp_path / "errors.csv"
    fixed.write_text(
        errors_csv.replace("Mason,Ohio", "Mason,OH").replace("single family", "Single Family"),
        encoding="utf-8",
    )

    page.get_by_role("link", name="Upload another file").click()
    page.set_input_files("#id_file", str(fixed))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.locator("td.csvio-new").inner_text() == "2"
    assert page.locator("table.csvio-errors").count() == 0
    page.get_by_role("button", name="Apply").click()

    assert page.url.endswith(HOMES)
    assert page.locator(".messagelist").inner_text() == (
        "Imported errors.csv: 2 new homes were saved as drafts; nothing is published until "
        "approved."
    )
    assert sorted(Home.objects.values_list("external_id", "state", "home_type")) == [
        ("HOME_001", "OH", "Single Family"),
        ("HOME_002", "OH", "Single Family"),
    ]


MESSY = "\n".join([
    HOME_HEADER.replace("homeowner1Email", "homeownerEmail") + ",Sales Rep",
    "HOME_001,1 Oak St,,Mason,oh,45040,Single Family,NH_001,false,,,,,,ann@example.com,Ann,Lee,Pat",
    "HOME_002,2 Oak St,,Mason,OH,45040,Single Family,NH_001,false,,,,,,bo@example.com,Bo,Ray,Pat",
]) + "\n"  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_preview_calls_out_ignored_columns_and_normalised_values(
    page, admin_login, hierarchy, editor, tmp_path
):
    messy = tmp_path / "messy.csv"
    messy.write_text(MESSY, encoding="utf-8")
    admin_login("eddie")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(HOMES)
    page.get_by_role("link", name="Upload CSV").click()
    page.set_input_files("#id_file", str(messy))
    page.get_by_role("button", name="Upload and preview").click()

    assert page.locator(".csvio-plan").inner_text() == (
        "2 new homes will be saved as drafts; nothing is published until approved."
    )
    ignored = page.locator(".csvio-ignored")
    assert ignored.is_visible()
    assert ignored.inner_text().startswith("1 column of your file is ignored: Sales Rep.")
    assert page.locator(".csvio-normalised-count").inner_text() == (
        "1 value was written in another form and will be imported as shown"
    )
    assert page.locator("table.csvio-normalised tbody tr").inner_text().split("\t") == [
        "row 2",
        "state",
        "oh",
        "OH",
    ]
    columns = page.locator("table.csvio-columns tbody tr")
    assert columns.nth(14).inner_text().split("\t") == [
        "homeownerEmail",
        "homeowner1Email (homeowner 1's email)",
    ]
    assert columns.nth(17).inner_text().split("\t") == ["Sales Rep", "— ignored: not imported"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    page.get_by_role("button", name="Apply").click()
    assert page.url.endswith(HOMES)
    assert page.locator(".messagelist").inner_text() == (
        "Imported messy.csv: 2 new homes were saved as drafts; nothing is published until approved."
    )
    assert sorted(Home.objects.values_list("external_id", "state", "review_state")) == [
        ("HOME_001", "OH", "draft"),
        ("HOME_002", "OH", "draft"),
    ]
    assert sorted(Homeowner.objects.values_list("email", flat=True)) == [
        "ann@example.com",
        "bo@example.com",
    ]
