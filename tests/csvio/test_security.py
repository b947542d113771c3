"""Uploads that can't exhaust the server or leave a job stuck, files that don't outlive their
use, imports recorded under who applied them, and applies that refuse what changed since the
preview (issue 11)."""

import io
import stat
import time
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from builderops.csvio import jobs
from builderops.csvio.models import ImportJob
from builderops.csvio.retention import import_uploads_expire
from builderops.csvio.services import import_file_preview
from homes.models import Home
from tests.csvio.conftest import HOME_HEADER, user_in

UPLOAD = "/admin/homes/home/import/"
HOME_ROW = "HOME_001,1 Oak St,,Mason,OH,45040,Single Family,NH_001,false,,,,,,a@example.com,Ann,Lee"


def csv_bytes(*rows: str) -> bytes:
    return "\n".join([HOME_HEADER, *rows]).encode() + b"\n"


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Homes" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def shared_workbook(*, strings=None, sheet: bytes | None = None) -> bytes:
    """A workbook written like Excel writes one: its cells point into xl/sharedStrings.xml.

    `strings` (blocks of bytes) replaces the shared strings part, `sheet` the worksheet.
    """
    headers = HOME_HEADER.split(",")
    if sheet is None:
        cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(17))
        sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row>'.encode()
        sheet += b'<row r="2"><c r="A2" t="inlineStr"><is><t>HOME_001</t></is></c></row>'
        sheet += b"</sheetData></worksheet>"
    if strings is None:
        items = "".join(f"<si><t>{h}</t></si>" for h in headers)
        strings = [f'<sst xmlns="{MAIN}" count="17" uniqueCount="17">{items}</sst>'.encode()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, text in PARTS.items():
            out.writestr(name, text)
        out.writestr("xl/worksheets/sheet1.xml", sheet)
        with out.open("xl/sharedStrings.xml", "w") as target:
            for block in strings:
                target.write(block)
    return buffer.getvalue()


def shared_strings_bomb(count: int = 10_000_000) -> bytes:
    """Ten million shared strings packed into well under a megabyte (the issue's file)."""
    block = b"<si><t>9</t></si>" * 100_000
    head = f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode()
    return shared_workbook(strings=[head, *[block] * (count // 100_000), b"</sst>"])


def upload(client, name: str, content: bytes, **data):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), **data}, follow=True)


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


# --- the shared-strings bomb -----------------------------------------------------------------
@pytest.fixture(scope="module")
def bomb() -> bytes:
    return shared_strings_bomb()


def test_a_shared_strings_bomb_is_refused_at_upload_within_a_second_in_bounded_memory(
    staff, hierarchy, bomb
):
    assert len(bomb) < 1024 * 1024  # the was 778 KB
    started = time.perf_counter()
    response = upload(staff, "homes.xlsx", bomb)
    elapsed = time.perf_counter() - started
    tracemalloc.start()  # a second upload, measured (tracing slows it: not timed)
    upload(staff, "homes.xlsx", bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert elapsed < 1.0
    assert peak < 16 * 1024 * 1024  # the file itself is held once or twice; nothing unpacked
    assert "The workbook&#x27;s part xl/sharedStrings.xml unpacks to 162.1\xa0MB from " in (
        response.text
    )
    assert "more than 100 times its packed size" in response.text
    assert not ImportJob.objects.exists()


def test_a_bomb_given_to_the_command_line_import_is_refused_unread_too(
    hierarchy, editor, tmp_path, bomb
):
    path = tmp_path / "homes.xlsx"
    path.write_bytes(bomb)
    started = time.perf_counter()
    outcome = import_file_preview(kind="homes", path=path, user=editor)
    assert time.perf_counter() - started < 1.0
    assert "more than 100 times its packed size" in outcome.errors[0].message


@override_settings(XLSX_MAX_UNCOMPRESSED_BYTES=50_000)
def test_a_workbook_too_large_unpacked_is_refused_with_both_sizes(staff, hierarchy):
    rows = [HOME_HEADER.split(",")] + [[f"HOME_{n}", f"{n} Oak St"] for n in range(2000)]
    content = workbook_bytes(rows)
    assert len(content) < 50_000

    page = upload(staff, "homes.xlsx", content).text

    assert "The workbook unpacks to " in page
    assert "the largest accepted is 48.8\xa0KB unpacked. Save it as CSV" in page
    assert not ImportJob.objects.exists()


@override_settings(CSV_ASYNC_THRESHOLD_BYTES=100_000)
def test_the_worker_decision_uses_the_unpacked_size_of_a_workbook(
    staff, hierarchy, django_capture_on_commit_callbacks
):
    rows = [HOME_HEADER.split(",")] + [[f"HOME_{n}", f"{n} Oak St"] for n in range(3000)]
    content = workbook_bytes(rows)
    assert len(content) < 100_000  # small packed: the old rule previewed it in the request

    with django_capture_on_commit_callbacks(execute=False):
        upload(staff, "homes.xlsx", content)

    job = ImportJob.objects.get()
    assert job.is_async
    assert job.status == ImportJob.Status.PREVIEWING


# --- broken workbooks end as failed jobs with a clear reason ----------------------------------
ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("entities", lambda: shared_workbook(sheet=ENTITIES)),
        ("bad shared strings", lambda: shared_workbook(strings=[b"<sst><si><t>externalId"])),
        ("bad CRC", lambda: crc_broken(workbook_bytes([HOME_HEADER.split(","), ["H"]]))),
    ],
)
def test_a_broken_workbook_ends_as_a_failed_job_with_a_clear_reason(
    staff, hierarchy, name, content
):
    response = upload(staff, "homes.xlsx", content())

    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert job.status == ImportJob.Status.FAILED, name
    assert job.failure.startswith(
        "Nothing can be imported from this file: the workbook is damaged or holds content "
        "Excel doesn't write ("
    )
    assert job.failure.endswith(
        "Open it in Excel and save it again, or save it as CSV: In Excel "
        "choose File > Save As > “CSV UTF-8 (Comma delimited) (*.csv)”, or download the template "
        "and paste your rows into it."
    )
    assert "Nothing can be imported from this file" in response.text


def crc_broken(content: bytes) -> bytes:
    """Flip bytes inside the worksheet's compressed data (its directory stays intact)."""
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data = bytearray(content)
    for index in range(middle, middle + 8):
        data[index] ^= 0xFF
    return bytes(data)


def test_a_truncated_workbook_is_refused_at_upload(staff, hierarchy):
    content = workbook_bytes([HOME_HEADER.split(","), ["HOME_001"]])
    page = upload(staff, "homes.xlsx", content[: len(content) // 2]).text
    assert "The file is a damaged or incomplete zip archive" in page
    assert not ImportJob.objects.exists()


def test_an_unexpected_error_in_a_preview_fails_the_job_instead_of_leaving_it_previewing(
    staff, hierarchy, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "import_file_preview", crash)
    response = upload(staff, "homes.csv", csv_bytes(HOME_ROW))

    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert job.status == ImportJob.Status.FAILED
    assert job.failure == "Nothing was written: the file couldn't be previewed (RuntimeError)."


# --- rows and columns are capped ---------------------------------------------------------------
@override_settings(CSV_MAX_ROWS=2)
def test_a_file_with_more_rows_than_allowed_is_refused(hierarchy, editor, tmp_path):
    path = tmp_path / "homes.csv"
    rows = [HOME_ROW.replace("HOME_001", f"HOME_00{n}") for n in range(1, 4)]
    path.write_bytes(csv_bytes(*rows))
    outcome = import_file_preview(kind="homes", path=path, user=editor)
    assert [error.line() for error in outcome.errors] == [
        "row 4: the file has more than 2 rows, the most one import takes. Fix: Split it into "
        "files of at most that many rows and import them one by one"
    ]


@override_settings(CSV_MAX_COLUMNS=5)
def test_a_header_wider_than_allowed_is_refused(hierarchy, editor, tmp_path):
    path = tmp_path / "homes.csv"
    path.write_bytes(csv_bytes(HOME_ROW))
    outcome = import_file_preview(kind="homes", path=path, user=editor)
    assert [error.line() for error in outcome.errors] == [
        "row 1: the header has 17 columns; a file may have at most 5. Fix: Keep only the "
        "template's columns (download the template to see them)"
    ]


# --- uploaded files: 0600, deleted after the retention period ---------------------------------
def test_uploads_are_readable_by_their_owner_only(staff, hierarchy):
    upload(staff, "homes.csv", csv_bytes(HOME_ROW))
    job = ImportJob.objects.get()
    mode = stat.S_IMODE(Path(job.file.path).stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(Path(job.file.path).parent.stat().st_mode) == 0o700


@override_settings(BUILDEROPS_UPLOAD_RETENTION_DAYS=30)
def test_uploaded_files_are_deleted_after_the_retention_period_and_the_results_stay(
    staff, hierarchy
):
    upload(staff, "homes.csv", csv_bytes(HOME_ROW, "HOME_002,,,,,,,,,,,,,,,,"))
    job = ImportJob.objects.get()
    upload_path, errors_path = Path(job.file.path), Path(job.errors_file.path)
    counts = job.counts

    assert import_uploads_expire(now=timezone.now() + timedelta(days=29)) == 0
    assert upload_path.exists()
    assert import_uploads_expire(now=timezone.now() + timedelta(days=31)) == 1

    job.refresh_from_db()
    assert not upload_path.exists()
    assert not errors_path.exists()
    assert (job.file.name, job.errors_file.name, job.counts) == ("", "", counts)
    assert not job.can_apply
    page = staff.get(f"{UPLOAD}{job.pk}/").text
    assert "The uploaded file was deleted on" in page
    assert "(uploads are kept 30 days)" in page
    assert import_uploads_expire(now=timezone.now() + timedelta(days=60)) == 0


def test_the_expiry_runs_daily_on_the_scheduler():
    from builderops.celery import app

    entry = app.conf.beat_schedule["csvio-uploads-expire"]
    assert entry["task"] == "csvio.import_uploads_expire"
    assert app.tasks["csvio.import_uploads_expire"].name == entry["task"]


# --- who applies is who imports -----------------------------------------------------------------
def test_an_import_is_applied_with_the_appliers_permissions_and_recorded_under_them(
    client, hierarchy, editor
):
    client.force_login(editor)
    upload(client, "homes.csv", csv_bytes(HOME_ROW))
    job = ImportJob.objects.get()
    boss = user_in("Approver", "boss")
    boss.is_superuser = True
    boss.save()
    client.force_login(boss)

    client.post(f"{UPLOAD}{job.pk}/apply/", {"approve": "on"}, follow=True)  # preview again
    client.post(f"{UPLOAD}{job.pk}/apply/", {"approve": "on"}, follow=True)

    job.refresh_from_db()
    home = Home.objects.get()
    assert (job.status, job.user, job.applied_by) == (ImportJob.Status.APPLIED, editor, boss)
    assert home.is_approved
    assert home.approved_by == boss
    assert [row.history_user for row in home.history.all()] == [boss]


# --- apply only what the preview showed -------------------------------------------------------
def test_an_apply_refuses_rows_whose_records_changed_since_the_preview(staff, hierarchy, editor):
    from homes.services import home_create, home_update

    home = home_create(
        user=editor,
        data={
            "external_id": "HOME_001",
            "neighborhood": hierarchy["nh1"],
            "address_line1": "1 Oak St",
            "city": "Dayton",
            "state": "OH",
            "postal_code": "45040",
            "home_type": "Single Family",
        },
    )
    upload(staff, "homes.csv", csv_bytes(HOME_ROW))  # previews city Dayton → Mason
    job = ImportJob.objects.get()
    other = user_in("Editor", "eve")
    home_update(home=Home.objects.get(pk=home.pk), user=other, data={"city": "Lebanon"})

    page = staff.post(f"{UPLOAD}{job.pk}/apply/", follow=True).text

    job.refresh_from_db()
    home.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert home.city == "Lebanon"
    assert [row.history_user.username for row in home.history.order_by("history_date")] == [
        "eddie",
        "eve",
    ]
    [line] = job.changed_since_preview
    assert line.startswith(f"Row 2 (HOME_001): “{home}” was changed by eve at ")
    assert line.endswith(" after the preview.")
    assert "Nothing was applied: records this file updates were changed by someone else" in page
    assert line in page
    assert job.can_apply  # previewed again against the records as they are now

    staff.post(f"{UPLOAD}{job.pk}/apply/", follow=True)
    home.refresh_from_db()
    job.refresh_from_db()
    assert (job.status, home.city) == (ImportJob.Status.APPLIED, "Mason")
    assert job.changed_since_preview == []
