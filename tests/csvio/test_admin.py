"""The admin pages of the import, on a test admin site: upload, preview, apply, export."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from builderops.csvio.models import ImportJob
from homes.models import Home
from tests.csvio.conftest import CORPUS, user_in

pytestmark = pytest.mark.urls("tests.csvio.admin_site")
UPLOAD = "/admin/homes/home/import/"


def upload(client, name: str, content: bytes | None = None, **data):
    content = content if content is not None else (CORPUS / name).read_bytes()
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), **data}, follow=True)


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def test_the_changelist_offers_upload_csv_to_editors_only(client, hierarchy, editor):
    client.force_login(editor)
    assert f'href="{UPLOAD}"' in client.get("/admin/homes/home/").text
    viewer = user_in("Viewer", "vera")
    client.force_login(viewer)
    assert "Upload CSV" not in client.get("/admin/homes/home/").text
    assert client.get(UPLOAD).status_code == 403


def test_the_button_also_joins_a_custom_changelist_template(client, hierarchy, editor):
    client.force_login(editor)
    assert (
        'href="/admin/locations/division/import/"' in client.get("/admin/locations/division/").text
    )


def test_a_file_with_errors_previews_its_errors_and_cant_be_applied(staff, hierarchy):
    response = upload(staff, "homes_bad_state.csv")
    page = response.text
    assert response.request["PATH_INFO"].endswith("/")
    assert '<td class="csvio-invalid">2</td>' in page
    assert "Nothing was saved: 2 rows have problems (listed below); the other row is fine." in page
    assert "<td>must be the two-letter code “OH”</td><td>Write OH</td>" in page
    assert 'value="Apply" class="default" disabled' in page
    job = ImportJob.objects.get()
    errors = staff.get(f"/admin/homes/home/import/{job.pk}/errors.csv")
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows] == ["externalId", "HOME_001", "HOME_002"]
    assert staff.post(f"/admin/homes/home/import/{job.pk}/apply/").status_code == 302
    assert Home.objects.count() == 0


def test_a_valid_file_previews_then_applies(staff, hierarchy):
    page = upload(staff, "homes_trailing_empty_lines.csv").text
    assert '<td class="csvio-new">2</td>' in page
    assert "Sample of new rows" in page
    assert "HOME_001" in page
    assert 'name="approve"' not in page  # editors can't approve
    assert "2 new homes will be saved as drafts; nothing is published until approved." in page
    job = ImportJob.objects.get()
    response = staff.post(f"/admin/homes/home/import/{job.pk}/apply/", follow=True)
    assert response.request["PATH_INFO"] == "/admin/homes/home/"
    assert (
        "Imported homes_trailing_empty_lines.csv: 2 new homes were saved as drafts; nothing is "
        "published until approved."
    ) in response.text
    assert Home.objects.count() == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED


def test_an_approver_may_approve_on_import(client, hierarchy, approver):
    client.force_login(approver)
    page = upload(client, "homes_trailing_empty_lines.csv").text
    assert 'name="approve"' in page
    job = ImportJob.objects.get()
    # Ticking "approve on import" after the preview checks the file again: Apply only ever does
    # what the page said it would.
    again = client.post(f"/admin/homes/home/import/{job.pk}/apply/", {"approve": "on"}, follow=True)
    assert "“Approve on import” is now ticked, so the file was checked again" in again.text
    assert "2 new homes will be approved and published to Builder Backed." in again.text
    assert Home.objects.count() == 0
    done = client.post(f"/admin/homes/home/import/{job.pk}/apply/", {"approve": "on"}, follow=True)
    assert (
        "Imported homes_trailing_empty_lines.csv: 2 new homes were approved and are being "
        "published to Builder Backed."
    ) in done.text
    assert set(Home.objects.values_list("review_state", flat=True)) == {"approved"}


@override_settings(CSV_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_upload_limit_is_refused_with_both_sizes(staff, hierarchy):
    page = upload(staff, "big.csv", b"x" * 150).text
    assert (
        "The file is 150\xa0bytes; the largest upload accepted is 100\xa0bytes. Split it "
        "into smaller files, or ask an operator to run `manage.py import_csv` with it."
    ) in page
    assert ImportJob.objects.count() == 0


def test_a_binary_file_gets_a_clear_message(staff, hierarchy):
    page = upload(staff, "homes_png_renamed.csv").text
    assert "the file is a PNG image, not a CSV file" in page


def test_the_template_has_the_headers_and_an_example(staff):
    text = staff.get("/admin/homes/home/import/template.csv").content.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["externalId", "addressLine1", "addressLine2"]
    # Ids no record can have: uploaded unchanged, the template overwrites nothing (issue 12).
    assert example[:2] == ["EXAMPLE_HOME_1", "101 Oak St"]
    assert example[header.index("neighborhoodExternalId")] == "EXAMPLE_NEIGHBORHOOD_1"
    assert len(header) == len(example)


def test_export_selected_downloads_the_import_columns(staff, hierarchy):
    upload(staff, "homes_trailing_empty_lines.csv")
    staff.post(f"/admin/homes/home/import/{ImportJob.objects.get().pk}/apply/")
    pks = list(Home.objects.values_list("pk", flat=True))
    response = staff.post(
        "/admin/homes/home/",
        {
            "action": "csv_export_selected",
            "_selected_action": pks[:1],
        },
    )
    assert response["Content-Disposition"].startswith('attachment; filename="homes-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))] == ["externalId", "HOME_001"]


def test_someone_elses_import_is_not_found(client, staff, hierarchy):
    upload(staff, "homes_bad_state.csv")
    other = get_user_model().objects.create_superuser("root2", "r@example.com", "pw")
    job = ImportJob.objects.get()
    job.user = other
    job.save()
    assert staff.get(f"/admin/homes/home/import/{job.pk}/").status_code == 404


@override_settings(CSV_ASYNC_THRESHOLD_BYTES=10, CELERY_TASK_ALWAYS_EAGER=True)
def test_a_large_file_goes_through_the_progress_page(
    staff, hierarchy, django_capture_on_commit_callbacks
):
    from builderops.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(staff, "homes_trailing_empty_lines.csv")
            # The task is queued when the upload commits: until then the progress page shows.
            assert '<progress class="csvio-progress" max="100" value="0.0">' in response.text
        job = ImportJob.objects.get()
        assert job.is_async
        assert job.status == ImportJob.Status.PREVIEWED
        status = staff.get(f"/admin/homes/home/import/{job.pk}/status/").json()
        assert status == {
            "status": "previewed",
            "phase": "preview",
            "percent": 100.0,
            "rows": 2,
            "next": f"/admin/homes/home/import/{job.pk}/",
        }
        page = staff.get(f"/admin/homes/home/import/{job.pk}/progress/", follow=True).text
        assert '<td class="csvio-new">2</td>' in page
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(f"/admin/homes/home/import/{job.pk}/apply/")
        page = staff.get(f"/admin/homes/home/import/{job.pk}/").text
        assert "Applied" in page
        assert Home.objects.count() == 2
    finally:
        app.conf.task_always_eager = False


def test_an_apply_that_hits_a_changed_database_fails_cleanly(staff, hierarchy, monkeypatch):
    from django.db import IntegrityError

    from builderops.csvio import jobs

    upload(staff, "homes_trailing_empty_lines.csv")
    job = ImportJob.objects.get()

    def collide(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "homes_home_key"')

    monkeypatch.setattr(jobs, "import_file_apply", collide)
    page = staff.post(f"/admin/homes/home/import/{job.pk}/apply/", follow=True).text
    assert (
        "Nothing was written: the records changed while the file was applied (duplicate key "
        'value violates unique constraint "homes_home_key"). Upload the file again to preview '
        "it against the current data."
    ) in page.replace("&quot;", '"')
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
