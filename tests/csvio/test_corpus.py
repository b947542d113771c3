"""The corpus of messy files: each gives exactly these errors and writes nothing, or is accepted.

Files live in tests/csvio/corpus/; the 1 MB single cell is generated here to keep the repository
small. Every invalid file is also applied, to prove the all-or-nothing rule: no record and no
history row appears.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from builderops.csvio.services import import_file_apply, import_file_preview
from homes.models import Home, Homeowner
from locations.models import Division, MasterCommunity, Neighborhood
from tests.csvio.conftest import APPROVED, CORPUS, HOME_HEADER

SAVE_AS = (
    "In Excel choose File > Save As > “CSV UTF-8 (Comma delimited) (*.csv)”, or download "
    "the template and paste your rows into it"
)
NH_FIX = (
    "Use the external ID of an active neighborhood (IDs match case-sensitively), or import "
    "the neighborhood first"
)
REGION_FIX = (
    "Use the exact name of an active region (names match case-sensitively); Builder "
    "Backed staff activate regions"
)
RAGGED_FIX = (
    "Quote values that contain the delimiter or a line break, and give the row one value per column"
)
DUPLICATE_FIX = "Give each row its own external ID, or merge the rows into one"
BAD_DATE_FIX = "Check the month and day (YYYY-MM-DD or MM/DD/YYYY)"
OR_IGNORED = "or (if it holds something else) to a name unlike any column's, which is then ignored"

INVALID = {
    "homes_mixed_encoding.csv": [
        # UTF-8 in line 2, Windows-1252 in line 3: no single encoding reads it right.
        f"file: the file isn't UTF-8 text: line 3 has the byte 0xE9 (“é” in Windows-1252). "
        f"Fix: {SAVE_AS}",
    ],
    "homes_utf16.csv": [
        f"file: the file is UTF-16 text (Excel's “Unicode Text”), not UTF-8 CSV. Fix: {SAVE_AS}",
    ],
    "homes_png_renamed.csv": [f"file: the file is a PNG image, not a CSV file. Fix: {SAVE_AS}"],
    "homes_zip_renamed.csv": [
        "file: the file is a zip archive, not a CSV file or an Excel (.xlsx) workbook. "
        f"Fix: {SAVE_AS}",
    ],
    "homes_binary.csv": [f"file: the file is binary, not a CSV text file. Fix: {SAVE_AS}"],
    "homes_empty.csv": [
        "file: the file is empty. Fix: Upload a file with a header row and one row per record; "
        "the template shows the columns",
    ],
    "homes_header_only.csv": [
        "file: the file has a header but no rows. Fix: Add one row per record under the header",
    ],
    "homes_missing_required_column.csv": [
        "row 1, column city: the required column is missing. Fix: Add a column headed city "
        "(the template has every column)",
    ],
    "homes_misspelt_column.csv": [
        "row 1, column adressLine2: isn't a column BuilderOps imports, but it resembles "
        f"“addressLine2”. Fix: Rename it to addressLine2, {OR_IGNORED}",
    ],
    "homes_near_miss_header.csv": [
        "row 1, column homeowner1Emial: isn't a column BuilderOps imports, but it resembles "
        f"“homeowner1Email”. Fix: Rename it to homeowner1Email, {OR_IGNORED}",
        # A bare `email` in a homes file is somebody's email: never silently dropped.
        "row 1, column email: isn't a column BuilderOps imports, but it resembles "
        f"“homeowner1Email”. Fix: Rename it to homeowner1Email, {OR_IGNORED}",
    ],
    "homes_unnumbered_owner_bad_email.csv": [
        'row 2, column homeownerEmail: value "john.smith@": is not a valid email address. '
        "Fix: Write one address like name@example.com",
        'row 3, column homeownerEmail: value "mary at example.com": is not a valid email '
        "address. Fix: Write one address like name@example.com",
    ],
    "homes_duplicate_header.csv": [
        "row 1, column City: repeats the column “city”. Fix: Keep one of the two columns and "
        "delete the other",
    ],
    "homes_ragged_long.csv": [
        'row 3, column 18 (no header): value "Smith": has 18 values but the header has 17 '
        f"columns. Fix: {RAGGED_FIX}",
    ],
    "homes_long_extra_cells.csv": [
        # Row 2's three extra cells are empty (trailing delimiters): accepted.
        'row 3, column 16 (no header): value "extra": has 17 values but the header has 14 '
        f"columns. Fix: {RAGGED_FIX}",
    ],
    "homes_short_required.csv": [
        "row 3, column type: is missing, and so is neighborhoodExternalId: the row stops after "
        "6 of the header's 17 columns. Fix: Give the row one value per column; quote values "
        "that contain the delimiter or a line break",
    ],
    "homes_unclosed_quote.csv": [
        "row 3: a quoted value is never closed: the file ends inside quotes. Fix: Add the "
        'missing closing quote (") to the value that starts in this row',
    ],
    "homes_stray_quote.csv": [
        "row 3: the row can't be read as CSV (',' expected after '\"'). Fix: Inside a quoted "
        'value write a quote as two quotes (""), and quote values that contain the delimiter',
    ],
    "homes_bad_state.csv": [
        'row 2, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
        'row 3, column state: value "XX": is not a USPS state code. Fix: Write the two-letter '
        "code, e.g. OH for Ohio",
    ],
    "homes_bad_zip.csv": [
        'row 2, column postalCode: value "4504": is not a 5-digit ZIP code: the spreadsheet '
        "probably dropped its leading zeros. Fix: Write 04504, and format the column as Text so "
        "the zeros stay",
        'row 3, column postalCode: value "ABCDE": is not a ZIP code. Fix: Write 5 digits (45202) '
        "or ZIP+4 (45202-1234)",
        'row 4, column postalCode: value "45040-12": is not a ZIP code. Fix: Write 5 digits '
        "(45202) or ZIP+4 (45202-1234)",
    ],
    "homes_bad_type.csv": [
        'row 2, column type: value "single family": must be exactly “Single Family”. Fix: Write '
        "Single Family with that spelling and case",
        'row 3, column type: value "Townhouse": must be “Single Family” or “Multi Family”. Fix: '
        "Write Single Family or Multi Family",
        'row 4, column type: value "Multi-Family": must be exactly “Multi Family”. Fix: Write '
        "Multi Family with that spelling and case",
    ],
    "homes_bad_email.csv": [
        'row 2, column homeowner1Email: value "olivia@": is not a valid email address. Fix: '
        "Write one address like name@example.com",
        'row 3, column homeowner1Email: value "olivia at example.com": is not a valid email '
        "address. Fix: Write one address like name@example.com",
    ],
    "homes_bad_date.csv": [
        'row 2, column closingDate: value "31/03/2026": is day-first (DD/MM/YYYY), which isn\'t '
        "accepted. Fix: Write 2026-03-31 (YYYY-MM-DD) or 03/31/2026 (MM/DD/YYYY)",
        'row 3, column closingDate: value "March 3 2026": is not a date. Fix: Write YYYY-MM-DD '
        "(2026-03-31) or MM/DD/YYYY (03/31/2026)",
        'row 4, column scheduledClosingDate: value "2026-02-30": is not a real calendar date. '
        f"Fix: {BAD_DATE_FIX}",
    ],
    "homes_bad_boolean.csv": [
        'row 2, column marketHome: value "maybe": is not true or false. Fix: Write true or false '
        "(yes/no and 1/0 work too)",
    ],
    "homes_duplicate_ids.csv": [
        'row 2, column externalId: value "HOME_001": is also the external ID in row 4. '
        f"Fix: {DUPLICATE_FIX}",
        'row 4, column externalId: value "HOME_001": is also the external ID in row 2. '
        f"Fix: {DUPLICATE_FIX}",
    ],
    "homes_unknown_parent.csv": [
        'row 2, column neighborhoodExternalId: value "NH_00l": unknown neighborhood — did you '
        f"mean “NH_001”? Fix: {NH_FIX}",
        'row 3, column neighborhoodExternalId: value "NH_999": unknown neighborhood. '
        f"Fix: {NH_FIX}",
    ],
    "homes_inactive_parent.csv": [
        'row 2, column neighborhoodExternalId: value "NH_002": neighborhood “NH_002” is inactive. '
        "Fix: Choose an active neighborhood, or reactivate “NH_002” in the admin first",
        'row 3, column neighborhoodExternalId: value "NH_004": neighborhood “NH_004” is under the '
        "inactive master community “MC_002”. Fix: Choose an active neighborhood, or reactivate "
        "“NH_004” in the admin first",
    ],
    "homes_long_value.csv": [
        f'row 2, column city: value "{"M" * 80}… (300 characters)": is 300 characters long; at '
        "most 100 fit. Fix: Shorten it to 100 characters or fewer",
    ],
    "homes_missing_required_value.csv": [
        "row 2, column addressLine1: is required. Fix: Enter the address line 1, e.g. 101 Oak St",
        "row 2, column city: is required. Fix: Enter the city, e.g. Mason",
    ],
    "homes_homeowner_without_email.csv": [
        "row 2, column homeowner1Email: is required for homeowner 1. Fix: Enter homeowner 1's "
        "email address, or clear their other columns",
    ],
    "homes_external_id_tab.csv": [
        'row 2, column externalId: value "HOME\t001": can\'t contain tabs or line breaks. Fix: '
        "Remove them from the external ID",
    ],
    "homes_quoted_newlines.csv": [
        # Row numbers count records, as a spreadsheet shows them, not the file's physical lines.
        'row 3, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
    ],
    "divisions_bad_region.csv": [
        f'row 2, column regionName: value "cincinnati": unknown region — did you mean '
        f"“Cincinnati”? Fix: {REGION_FIX}",
        'row 3, column regionName: value "Dayton": region “Dayton” is inactive. Fix: Choose an '
        "active region, or reactivate “Dayton” in the admin first",
        "row 4, column regionName: is required. Fix: Enter the region name, e.g. Cincinnati",
    ],
    "master_communities_bad_division.csv": [
        'row 2, column divisionExternalId: value "DIV_00l": unknown division — did you mean '
        "“DIV_001”? Fix: Use the external ID of an active division (IDs match "
        "case-sensitively), or import the division first",
    ],
}


def kind_of(name: str) -> str:
    prefix = name.split("_")[0]
    return {"master": "master-communities"}.get(prefix, prefix)


def stored_counts() -> dict:
    """Count records and history rows of every kind the import writes."""
    models = (Division, MasterCommunity, Neighborhood, Home, Homeowner)
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


def test_the_corpus_has_at_least_25_messy_files():
    assert len(INVALID) + len(ACCEPTED) + 1 >= 25  # + the generated 1 MB cell
    assert {p.name for p in CORPUS.iterdir()} == set(INVALID) | set(ACCEPTED)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_file_reports_exact_errors_and_writes_nothing(name, hierarchy, editor):
    before = stored_counts()
    path = CORPUS / name
    preview = import_file_preview(kind=kind_of(name), path=path, user=editor)
    assert [error.line() for error in preview.errors] == INVALID[name]
    applied = import_file_apply(kind=kind_of(name), path=path, user=editor)
    assert [error.line() for error in applied.errors] == INVALID[name]
    assert stored_counts() == before


def test_a_one_megabyte_cell_is_refused_at_its_row_and_column(hierarchy, editor, write_file):
    path = write_file(f'{HOME_HEADER}\nHOME_1,1 Oak St,,Mason\nHOME_2,2 Oak St,"{"x" * 1_000_000}')
    outcome = import_file_apply(kind="homes", path=path, user=editor)
    assert [error.line() for error in outcome.errors] == [
        "row 3, column addressLine2: the value is longer than 131,072 characters, far more than "
        "any column takes. Fix: Check this row for a missing closing quote or pasted content, "
        "and shorten the value"
    ]
    assert Home.objects.count() == 0


def home_values(external_id: str) -> dict:
    home = Home.objects.get(external_id=external_id)
    return {
        "address_line1": home.address_line1,
        "address_line2": home.address_line2,
        "market_home": home.market_home,
        "closing_date": str(home.closing_date),
        "owners": list(home.homeowners.values_list("email", "first_name", "last_name")),
    }


def accepted_bom_crlf_semicolon():
    assert home_values("HOME_002")["address_line1"] == "2 Oak St; Unit B"


def accepted_header_variants():
    assert home_values("HOME_001") == {
        "address_line1": "1 Oak St",
        "address_line2": "",
        "market_home": True,
        "closing_date": "2026-03-31",
        "owners": [("owner1@example.com", "Ann", "Smith")],
    }


def accepted_formula_strings():
    # Stored as written; the export escapes them again (test_export.py). A leading ' before a
    # formula character is read as that escape, so an exported file round-trips exactly.
    assert sorted(Home.objects.values_list("address_line1", flat=True)) == [
        "+1 Oak St",
        "-3 Oak St",
        '=HYPERLINK("http://evil.example","click")',
        "=already escaped",
        "@SUM(A1)",
    ]


def accepted_trailing_empty_lines():
    assert Home.objects.count() == 2


def accepted_unknown_column():
    assert Home.objects.count() == 1


def accepted_neighborhood():
    neighborhood = Neighborhood.objects.get(external_id="NH_010")
    assert (neighborhood.display_name, neighborhood.abbreviated_name) == ("Elm Park at Mason", "EP")
    assert neighborhood.master_community.external_id == "MC_001"


def accepted_unnumbered_owner():
    # Issue 12: `homeownerEmail` without a number is homeowner 1, never dropped.
    assert home_values("HOME_001")["owners"] == [("john.smith@example.com", "John", "Smith")]
    assert home_values("HOME_002")["owners"] == [("mary@example.com", "Mary", "Jones")]


def accepted_owner_header_variants():
    assert home_values("HOME_001")["owners"] == [
        ("ann@example.com", "Ann", "Lee"),
        ("bo@example.com", "Bo", ""),
    ]


def accepted_lowercase_state():
    assert sorted(Home.objects.values_list("external_id", "state", "market_home")) == [
        ("HOME_001", "OH", False),
        ("HOME_002", "OH", False),
        ("HOME_003", "KY", False),
        ("HOME_004", "OH", False),
    ]


def accepted_windows_1252(external_id: str, attr: str, value: str):
    def check():
        assert getattr(Home.objects.get(external_id=external_id), attr) == value

    return check


def accepted_windows_1252_quote():
    # 0x92 is Windows-1252's right single quote (a C1 control character in Latin-1).
    assert home_values("HOME_001")["address_line1"] == "1 Café Row"
    assert home_values("HOME_001")["owners"] == [("sean@example.com", "Seán", "O\u2019Brien")]


def accepted_short_rows():
    assert home_values("HOME_002") | {"owners": []} == {
        "address_line1": "2 Oak St",
        "address_line2": "",
        "market_home": False,
        "closing_date": "None",
        "owners": [],
    }
    assert Home.objects.get(external_id="HOME_003").job_id == "JOB-3"


WINDOWS_1252 = (
    "The file isn't UTF-8 text, so it was read as Windows-1252 (what Excel's plain “CSV” "
    "writes): line {line} has “é”, for example. If a letter looks wrong in the values below, "
    "save the file as “CSV UTF-8” and upload it again."
)


@dataclass
class Accepted:
    """What an accepted file creates and says: notices, normalised cells, ignored columns."""

    new: int
    check: Callable[[], None]
    notices: list[str] = field(default_factory=list)
    normalised: list[tuple[str, str, str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


ACCEPTED = {
    "homes_bom_crlf_semicolon.csv": Accepted(2, accepted_bom_crlf_semicolon),
    "homes_header_variants.csv": Accepted(
        1,
        accepted_header_variants,
        normalised=[
            ("row 2", "Market Home", "YES", "true"),
            ("row 2", "Closing Date", "03/31/2026", "2026-03-31"),
        ],
    ),
    "homes_formula_strings.csv": Accepted(5, accepted_formula_strings),
    "homes_trailing_empty_lines.csv": Accepted(2, accepted_trailing_empty_lines),
    "homes_unknown_column.csv": Accepted(1, accepted_unknown_column, ignored=["notes"]),
    "neighborhoods_ok.csv": Accepted(1, accepted_neighborhood),
    "homes_unnumbered_owner.csv": Accepted(2, accepted_unnumbered_owner),
    "homes_owner_header_variants.csv": Accepted(
        1, accepted_owner_header_variants, ignored=["Sales Rep"]
    ),
    "homes_lowercase_state.csv": Accepted(
        4,
        accepted_lowercase_state,
        normalised=[
            ("rows 2 and 5", "state", "oh", "OH"),
            ("row 2", "marketHome", "FALSE", "false"),
            ("row 2", "closingDate", "3/31/2026", "2026-03-31"),
            ("row 3", "state", "Oh", "OH"),
            ("row 4", "state", "ky", "KY"),
            ("row 4", "marketHome", "no", "false"),
        ],
    ),
    "homes_latin1.csv": Accepted(
        2,
        accepted_windows_1252("HOME_002", "city", "Café Town"),
        notices=[WINDOWS_1252.format(line=3)],
    ),
    "homes_windows1252.csv": Accepted(
        1,
        accepted_windows_1252_quote,
        notices=[WINDOWS_1252.format(line=2)],
    ),
    "homes_ragged_short.csv": Accepted(
        2,
        lambda: None,
        notices=[
            "Row 3 stops after 8 of the header's 17 columns: its last 9 (optional: marketHome … "
            "homeowner1LastName) were read as blank."
        ],
    ),
    "homes_short_optional.csv": Accepted(
        3,
        accepted_short_rows,
        notices=[
            "Row 3 stops after 8 of the header's 17 columns: its last 9 (optional: marketHome … "
            "homeowner1LastName) were read as blank.",
            "Row 4 stops after 10 of the header's 17 columns: its last 7 (optional: "
            "productCollection … homeowner1LastName) were read as blank.",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_file_that_only_differs_in_formatting_is_accepted_and_says_so(name, hierarchy, editor):
    expected = ACCEPTED[name]
    outcome = import_file_apply(kind=kind_of(name), path=CORPUS / name, user=editor)
    assert outcome.errors == []
    assert (outcome.counts["new"], outcome.counts["invalid"]) == (expected.new, 0)
    assert outcome.notices == expected.notices
    assert [
        (n["rows"], n["column"], n["before"], n["after"]) for n in outcome.normalised
    ] == expected.normalised
    assert outcome.ignored == expected.ignored
    expected.check()


def test_every_header_says_what_it_fills(hierarchy, editor):
    outcome = import_file_preview(
        kind="homes", path=CORPUS / "homes_owner_header_variants.csv", user=editor
    )
    assert [(c["header"], c["fills"], c["status"]) for c in outcome.columns[-7:]] == [
        ("scheduledClosingDate", "scheduledClosingDate", "imported"),
        ("Homeowner Email", "homeowner1Email (homeowner 1's email)", "imported"),
        ("homeowner_first_name", "homeowner1FirstName (homeowner 1's first name)", "imported"),
        ("ownerLastName", "homeowner1LastName (homeowner 1's last name)", "imported"),
        ("Owner 2 Email", "homeowner2Email (homeowner 2's email)", "imported"),
        ("owner2_first_name", "homeowner2FirstName (homeowner 2's first name)", "imported"),
        ("Sales Rep", "", "ignored"),
    ]
    assert outcome.columns[5] == {
        "header": "postalCode",
        "fills": "postalCode (ZIP code)",
        "status": "imported",
    }


def test_a_near_miss_header_is_ambiguous_not_ignored(hierarchy, editor):
    outcome = import_file_preview(
        kind="homes", path=CORPUS / "homes_near_miss_header.csv", user=editor
    )
    assert outcome.ignored == []
    assert outcome.columns[-3] == {
        "header": "homeowner1Emial",
        "fills": "nothing: it resembles “homeowner1Email” (see the errors)",
        "status": "ambiguous",
    }


def test_did_you_mean_is_not_offered_without_a_real_resemblance(hierarchy, editor):
    Neighborhood.objects.create(
        external_id="NH_019", name="Ash Hill", master_community=hierarchy["mc"], **APPROVED
    )
    outcome = import_file_preview(
        kind="homes", path=CORPUS / "homes_unknown_parent.csv", user=editor
    )
    assert [error.message for error in outcome.errors] == [
        "unknown neighborhood — did you mean “NH_001”?",
        "unknown neighborhood",  # NH_999 is three edits from NH_019: no suggestion (issue 12)
    ]
