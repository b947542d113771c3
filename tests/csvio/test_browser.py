"""In Chromium: upload a file with errors, read them, download errors.csv, fix, re-upload, apply."""

import pytest

from homes.models import Home
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

    assert page.locator("h2.csvio-error-count").inner_text() == (
        "2 errors: nothing can be written until they are fixed"
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
    assert (
        "Imported errors.csv: 2 new and 0 updated homes"
        in page.locator(".messagelist").inner_text()
    )
    assert sorted(Home.objects.values_list("external_id", "state", "home_type")) == [
        ("HOME_001", "OH", "Single Family"),
        ("HOME_002", "OH", "Single Family"),
    ]
