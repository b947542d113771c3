"""The project's admin has the import on all four kinds (the mixin wired into its classes)."""

import pytest

from homes.models import Home
from tests.csvio.conftest import CORPUS

CHANGELISTS = {
    "/admin/locations/division/": "divisions",
    "/admin/locations/mastercommunity/": "master-communities",
    "/admin/locations/neighborhood/": "neighborhoods",
    "/admin/homes/home/": "homes",
}


@pytest.mark.parametrize("changelist", list(CHANGELISTS))
def test_every_changelist_offers_upload_export_and_template(client, hierarchy, editor, changelist):
    client.force_login(editor)
    page = client.get(changelist).text
    assert f'<a href="{changelist}import/" class="csvio-upload">Upload CSV</a>' in page
    assert '<option value="csv_export_selected">Export selected to CSV</option>' in page
    template = client.get(f"{changelist}import/template.csv")
    assert template["Content-Disposition"] == (
        f'attachment; filename="{CHANGELISTS[changelist]}-template.csv"'
    )


def test_homes_import_through_the_project_admin(client, hierarchy, editor):
    client.force_login(editor)
    with open(CORPUS / "homes_trailing_empty_lines.csv", "rb") as handle:
        page = client.post("/admin/homes/home/import/", {"file": handle}, follow=True)
    assert '<td class="csvio-new">2</td>' in page.text
    apply_url = page.request["PATH_INFO"] + "apply/"
    done = client.post(apply_url, follow=True)
    assert done.request["PATH_INFO"] == "/admin/homes/home/"
    assert Home.objects.count() == 2
