"""Workbooks and errors.csv: the other ways a file comes in and goes back out."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook

from builderops.csvio.services import import_file_apply, import_file_preview
from homes.models import Home
from tests.csvio.conftest import CORPUS, HOME_HEADER


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_workbook_with_typed_cells_imports(hierarchy, editor, tmp_path):
    path = workbook(
        tmp_path / "homes.xlsx",
        [
            HOME_HEADER.split(","),
            [
                "HOME_001",
                "1 Oak St",
                None,
                "Mason",
                "OH",
                45040,
                "Single Family",
                "NH_001",
                True,
                1001,
                "Designer",
                "Ashton",
                datetime(2026, 3, 31),
                date(2026, 4, 1),
                "a@example.com",
                "Ann",
                "Smith",
            ],
        ],
    )
    outcome = import_file_apply(kind="homes", path=path, user=editor)
    assert outcome.errors == []
    home = Home.objects.get()
    assert (home.postal_code, home.market_home, home.job_id) == ("45040", True, "1001")
    assert (home.closing_date, home.scheduled_closing_date) == (date(2026, 3, 31), date(2026, 4, 1))


def test_a_workbook_zip_code_that_lost_its_zero_is_reported(hierarchy, editor, tmp_path):
    row = ["HOME_001", "1 Oak St", None, "Boston", "MA", 2134, "Single Family", "NH_001"]
    path = workbook(tmp_path / "renamed.csv", [HOME_HEADER.split(",")[:8], row])
    outcome = import_file_preview(kind="homes", path=path, user=editor)
    assert [error.line() for error in outcome.errors] == [
        'row 2, column postalCode: value "2134": is not a 5-digit ZIP code: the spreadsheet '
        "probably dropped its leading zeros. Fix: Write 02134, and format the column as Text so "
        "the zeros stay"
    ]


def test_errors_csv_holds_the_bad_rows_with_their_errors_first(hierarchy, editor, tmp_path):
    out = io.StringIO()
    outcome = import_file_preview(
        kind="homes", path=CORPUS / "homes_bad_state.csv", user=editor, errors_csv=out
    )
    assert outcome.errors_csv_rows == 2  # row 4's `oh` is only normalised to OH (issue 12)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["errors", *HOME_HEADER.split(",")]
    assert [row[:2] for row in rows[1:]] == [
        [
            'row 2, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
            "HOME_001",
        ],
        [
            'row 3, column state: value "XX": is not a USPS state code. Fix: Write the two-letter '
            "code, e.g. OH for Ohio",
            "HOME_002",
        ],
    ]
    assert [row[5] for row in rows[1:]] == ["Ohio", "XX"]


def test_a_fixed_errors_csv_uploads_as_it_is(hierarchy, editor, tmp_path):
    out = io.StringIO()
    import_file_preview(
        kind="homes", path=CORPUS / "homes_duplicate_ids.csv", user=editor, errors_csv=out
    )
    fixed = out.getvalue().replace("HOME_001,3 Oak St", "HOME_003,3 Oak St")
    assert fixed != out.getvalue()
    path = tmp_path / "errors.csv"
    path.write_text(fixed, encoding="utf-8")
    outcome = import_file_apply(kind="homes", path=path, user=editor)
    # errors.csv's own column is deliberately ignored, and said to be.
    assert (outcome.errors, outcome.ignored, outcome.counts["new"]) == ([], ["errors"], 2)
    assert sorted(Home.objects.values_list("external_id", flat=True)) == ["HOME_001", "HOME_003"]


def test_errors_csv_keeps_every_cell_of_a_ragged_row(hierarchy, editor):
    out = io.StringIO()
    import_file_preview(
        kind="homes", path=CORPUS / "homes_ragged_long.csv", user=editor, errors_csv=out
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert len(rows[1]) == 1 + 18
    assert rows[1][1:4] == ["HOME_002", "2 Oak St", "Unit B"]


def test_errors_csv_escapes_the_formulas_it_copies(hierarchy, editor, write_file):
    path = write_file(
        f"{HOME_HEADER}\nHOME_1,=1+2,,Mason,Ohio,45040,Single Family,NH_001\n".replace(
            "NH_001\n", "NH_001" + "," * 9 + "\n"
        )
    )
    out = io.StringIO()
    import_file_preview(kind="homes", path=path, user=editor, errors_csv=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][1:3] == ["HOME_1", "'=1+2"]
