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
        "homes_header_variants.csv: 1 rows — 1 new, 0 updated, 0 unchanged, 0 invalid.",
        "Valid: nothing written (dry run).",
    ]
    assert "100%" in err
    assert Home.objects.count() == 0


def test_a_valid_file_is_applied_as_the_named_user(hierarchy, approver):
    out, _ = run("homes", CORPUS / "homes_header_variants.csv", "--approve", "--user", "alice")
    assert out.splitlines()[-1] == "Applied."
    home = Home.objects.get()
    assert (home.review_state, home.history.get().history_user) == ("approved", approver)


def test_an_invalid_file_prints_every_error_and_fails(hierarchy):
    with pytest.raises(CommandError) as failure:
        run("homes", CORPUS / "homes_bad_state.csv")
    assert (str(failure.value), failure.value.returncode) == (
        "The file has 3 errors; nothing was written.",
        1,
    )
    assert Home.objects.count() == 0


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
    assert "CommandError: The file has 3 errors; nothing was written." in invalid.stderr
    missing = command("homes", "/nonexistent.csv")
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "CommandError: No such file: /nonexistent.csv",
    )
