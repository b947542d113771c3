"""Export writes what the import reads: a file round-trips, and formulas are escaped."""

import csv
import io

import pytest

from builderops.csvio.export import csv_export_lines, csv_template_text
from builderops.csvio.kinds import kinds, spec_get
from builderops.csvio.services import import_file_apply, import_file_preview
from homes.models import Home
from locations.models import Division, MasterCommunity, Neighborhood
from tests.csvio.conftest import CORPUS

MODELS = {
    "divisions": Division,
    "master-communities": MasterCommunity,
    "neighborhoods": Neighborhood,
    "homes": Home,
}


def export_text(kind: str) -> str:
    spec = spec_get(kind)
    return "".join(csv_export_lines(spec=spec, queryset=spec.model.objects.all()))


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def homes(hierarchy, editor):
    import_file_apply(kind="homes", path=CORPUS / "homes_formula_strings.csv", user=editor)
    # Typed in the admin: a value that already starts with the escape character.
    Home.objects.filter(external_id="HOME_005").update(address_line1="'=typed with a quote")


@pytest.mark.parametrize("kind", kinds())
def test_an_exported_file_imports_back_unchanged(kind, homes, editor, write_file):
    text = export_text(kind)
    outcome = import_file_preview(kind=kind, path=write_file(text), user=editor)
    stored = MODELS[kind].objects.count()
    assert stored > 0
    assert outcome.counts | {"to_draft": 0} == {
        "new": 0,
        "updated": 0,
        "unchanged": stored,
        "invalid": 0,
        "to_draft": 0,
        "rows": stored,
    }
    assert outcome.errors == []


def test_cells_that_would_run_as_formulas_are_escaped(homes):
    rows = cells(export_text("homes"))
    addresses = sorted(row[1] for row in rows[1:])
    assert addresses == [
        "''=typed with a quote",
        "'+1 Oak St",
        "'-3 Oak St",
        '\'=HYPERLINK("http://evil.example","click")',
        "'@SUM(A1)",
    ]


def test_the_export_starts_with_a_bom_and_uses_the_contracts_headers(homes):
    text = export_text("homes")
    assert text.startswith("\ufeffexternalId,addressLine1,addressLine2,city,state,postalCode,")
    assert cells(text)[0][-6:] == [
        "homeowner1Email",
        "homeowner1FirstName",
        "homeowner1MiddleName",
        "homeowner1LastName",
        "homeowner1Prefix",
        "homeowner1Suffix",
    ]
    home = next(row for row in cells(text) if row[0] == "HOME_002")
    assert home[2:] == [
        "",
        "Mason",
        "OH",
        "45040",
        "Single Family",
        "NH_001",
        "false",
        "JOB-2",
        "Designer",
        "Ashton",
        "2026-03-31",
        "",
        "owner2@example.com",
        "Ann",
        "",
        "Smith",
        "",
        "",
    ]


def test_every_homeowner_gets_columns(hierarchy, editor, write_file):
    header = (
        "externalId,addressLine1,city,state,postalCode,type,neighborhoodExternalId,"
        "homeowner1Email,homeowner2Email,homeowner3Email"
    )
    path = write_file(
        f"{header}\nH1,1 Oak St,Mason,OH,45040,Single Family,NH_001,"
        "a@example.com,b@example.com,c@example.com\n"
    )
    import_file_apply(kind="homes", path=path, user=editor)
    rows = cells(export_text("homes"))
    assert rows[0][-1] == "homeowner3Suffix"
    assert rows[1][-18::6] == ["a@example.com", "b@example.com", "c@example.com"]


@pytest.mark.parametrize("kind", kinds())
def test_the_template_uploaded_unchanged_is_refused_as_the_example(
    kind, hierarchy, editor, write_file
):
    """Issue 12: its ids can't exist, so the template can't overwrite a real record."""
    spec = spec_get(kind)
    text = csv_template_text(spec=spec)
    rows = cells(text)
    assert len(rows) == 2
    assert len(rows[0]) == len(rows[1])
    noun = spec.model._meta.verbose_name
    example = rows[1][0]
    assert example == f"EXAMPLE_{noun.upper().replace(' ', '_')}_1"
    outcome = import_file_apply(kind=kind, path=write_file(text), user=editor)
    assert [error.line() for error in outcome.errors] == [
        f'row 2, column externalId: value "{example}": is the template\'s example row, not a real '
        f"{noun} (external IDs starting EXAMPLE_ are reserved for examples). Fix: Delete the "
        f"example row, or replace it with a real {noun}"
    ]
    assert not spec.model.objects.filter(external_id=example).exists()


def test_the_templates_example_row_edited_into_a_real_one_imports(hierarchy, editor, write_file):
    text = csv_template_text(spec=spec_get("homes"))
    real = text.replace("EXAMPLE_HOME_1", "HOME_1").replace("EXAMPLE_NEIGHBORHOOD_1", "NH_001")
    outcome = import_file_apply(kind="homes", path=write_file(real), user=editor)
    assert (outcome.errors, outcome.counts["new"]) == ([], 1)
