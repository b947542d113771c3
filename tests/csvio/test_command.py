"""`manage.py import_csv`: the admin's validation and messages, a progress bar, exit codes."""

import csv
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homes.models import Home
from tests.csvio.conftest import CORPUS, HOME_HEADER
from tests.fixtures import processes


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_csv", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def many_bad_rows(write_file, count: int):
    rows = [
        f"HOME_{i},{i} Oak St,,Mason,Ohio,45040,Single Family,NH_001" + "," * 9
        for i in range(count)
    ]
    return write_file("\n".join([HOME_HEADER, *rows]) + "\n")


def test_a_dry_run_of_a_valid_file_writes_nothing(hierarchy):
    out, err = run("homes", CORPUS / "homes_header_variants.csv", "--dry-run")
    assert out.splitlines() == [
        "Normalised row 2, column Market Home: “YES” → “true”",
        "Normalised row 2, column Closing Date: “03/31/2026” → “2026-03-31”",
        "homes_header_variants.csv: dry run, nothing was saved. Without --dry-run: 1 new home "
        "will be saved as a draft; nothing is published until it is approved.",
    ]
    assert "100%" in err
    assert Home.objects.count() == 0


def test_a_valid_file_is_applied_as_the_named_user(hierarchy, approver):
    out, _ = run("homes", CORPUS / "homes_header_variants.csv", "--approve", "--user", "alice")
    assert out.splitlines()[-1] == (
        "homes_header_variants.csv: 1 new home was approved and is being published to Builder "
        "Backed."
    )
    home = Home.objects.get()
    assert (home.review_state, home.history.get().history_user) == ("approved", approver)


def test_an_invalid_file_prints_every_error_and_fails(hierarchy):
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_csv", "homes", CORPUS / "homes_bad_state.csv", stdout=out)
    summary = (
        "homes_bad_state.csv: Nothing was saved: 2 rows have problems (listed below); the other "
        "row is fine."
    )
    assert (str(failure.value), failure.value.returncode) == (summary, 1)
    assert out.getvalue().splitlines() == [
        "Normalised row 4, column state: “oh” → “OH”",
        summary,
        'row 2, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
        'row 3, column state: value "XX": is not a USPS state code. Fix: Write the two-letter '
        "code, e.g. OH for Ohio",
    ]
    assert Home.objects.count() == 0


def test_ignored_columns_are_named_and_every_mapping_shown_with_v2(hierarchy):
    out, _ = run("homes", CORPUS / "homes_owner_header_variants.csv", "--dry-run", "-v", "2")
    lines = out.splitlines()
    assert "Column Homeowner Email → homeowner1Email (homeowner 1's email)" in lines
    assert "Column Sales Rep → ignored: its values are not imported" in lines
    assert "Ignored column (not imported): Sales Rep" in lines
    quiet, _ = run("homes", CORPUS / "homes_owner_header_variants.csv", "--dry-run")
    assert quiet.splitlines()[0] == "Ignored column (not imported): Sales Rep"


def test_an_approvers_import_without_approve_says_it_saved_drafts(hierarchy, approver, write_file):
    path = CORPUS / "homes_header_variants.csv"
    run("homes", path, "--approve", "--user", "alice")
    edited = write_file(path.read_text().replace("Mason", "Dayton"), name="edited.csv")
    out, _ = run("homes", edited, "--user", "alice")
    assert out.splitlines()[-1] == (
        "edited.csv: 1 change was saved as a draft; nothing is published until it is approved. "
        "1 approved home returned to draft; Builder Backed keeps its last approved version "
        "until an approver approves it."
    )
    assert Home.objects.get().review_state == "draft"


def test_printed_errors_are_capped_and_the_rest_go_to_errors_out(hierarchy, write_file, tmp_path):
    errors_out = tmp_path / "errors.csv"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_csv",
            "homes",
            str(many_bad_rows(write_file, 5)),
            "--max-errors",
            "2",
            "--errors-out",
            str(errors_out),
            stdout=out,
            stderr=StringIO(),
        )
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(": Nothing was saved: all 5 rows have problems (listed below).")
    assert lines[1:] == [
        'row 2, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
        'row 3, column state: value "Ohio": must be the two-letter code “OH”. Fix: Write OH',
        f"… and 3 more errors (all of them are in {errors_out}).",
    ]
    with open(errors_out, encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 1 + 5


def test_approving_without_the_permission_is_a_usage_error(hierarchy, editor):
    with pytest.raises(CommandError) as failure:
        run("homes", CORPUS / "homes_header_variants.csv", "--approve", "--user", "eddie")
    assert failure.value.returncode == 2
    assert "“Can approve home” permission" in str(failure.value)


def command(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "import_csv", *map(str, args)],
        cwd=processes.ROOT,
        env=processes.test_process_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_exit_codes_and_progress_bar_of_the_real_command(hierarchy):
    valid = command("homes", CORPUS / "homes_header_variants.csv", "--dry-run")
    assert valid.returncode == 0, valid.stderr
    assert "100%" in valid.stderr
    assert "1 rows" in valid.stderr
    invalid = command("homes", CORPUS / "homes_bad_state.csv")
    assert invalid.returncode == 1
    assert 'row 2, column state: value "Ohio"' in invalid.stdout
    assert "Nothing was saved: 2 rows have problems (listed below)" in invalid.stdout
    assert "CommandError" not in invalid.stderr  # staff read this: no Python class names
    missing = command("homes", "/nonexistent.csv")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines()[-1] == "No such file: /nonexistent.csv"
