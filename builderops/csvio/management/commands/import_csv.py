"""Import a CSV or .xlsx file of one kind, with the admin's validation and messages.

    python manage.py import_csv homes homes.csv --dry-run
    python manage.py import_csv homes homes.csv --approve --user alice --errors-out errors.csv

Exit status: 0 when the file is valid (and, without --dry-run, applied), 1 when it has errors
(nothing is written), 2 for a usage problem (missing file, unknown user, no permission).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from builderops.csvio.engine import Outcome
from builderops.csvio.kinds import KINDS
from builderops.csvio.services import import_file_apply, import_file_preview


class Command(BaseCommand):
    help = (
        "Preview (--dry-run) or apply a CSV/.xlsx file of divisions, master communities, "
        "neighborhoods or homes."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="import as approved (needs --user with the approve permission)",
        )
        parser.add_argument("--user", help="username recorded as the importer in history")
        parser.add_argument("--errors-out", help="write the bad rows with an errors column here")
        parser.add_argument(
            "--max-errors", type=int, default=200, help="how many errors to print (default 200)"
        )

    def handle(self, *args, kind, file, dry_run, approve, user, errors_out, max_errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        importer = self.user_get(user)
        with self.progress_bar(options["verbosity"]) as bar:
            outcome = self.run(kind, path, importer, approve, dry_run, errors_out, bar)
        self.report(path, outcome, dry_run, errors_out, max_errors)

    def user_get(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named “{username}”.", returncode=2) from None

    def progress_bar(self, verbosity: int):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(
            total=100,
            unit="%",
            file=stream,
            disable=verbosity < 1,
            bar_format="{l_bar}{bar}| {n:.0f}% {postfix}",
        )

    def run(self, kind, path, user, approve, dry_run, errors_out, bar) -> Outcome:
        def progress(fraction: float, rows: int) -> None:
            bar.update(fraction * 100 - bar.n)
            bar.set_postfix_str(f"{rows:,} rows")

        service = import_file_preview if dry_run else import_file_apply
        out = open(errors_out, "w", newline="", encoding="utf-8-sig") if errors_out else None  # noqa: SIM115
        try:
            return service(
                kind=kind, path=path, user=user, approve=approve, progress=progress, errors_csv=out
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from None
        finally:
            if out is not None:
                out.close()

    def report(self, path, outcome: Outcome, dry_run, errors_out, max_errors) -> None:
        counts = outcome.counts
        self.stdout.write(
            f"{path.name}: {counts.get('rows', 0):,} rows — {counts['new']:,} new, "
            f"{counts['updated']:,} updated, {counts['unchanged']:,} unchanged, "
            f"{counts['invalid']:,} invalid."
        )
        for warning in outcome.warnings:
            self.stdout.write(f"Warning: {warning}")
        if counts.get("to_draft"):
            self.stdout.write(
                f"{counts['to_draft']:,} approved records return to draft "
                "for an approver to review."
            )
        if not outcome.valid:
            self.errors_print(outcome, errors_out, max_errors)
            raise CommandError(
                f"The file has {outcome.error_count:,} errors; nothing was written.", returncode=1
            )
        done = "Valid: nothing written (dry run)." if dry_run else "Applied."
        self.stdout.write(self.style.SUCCESS(done))

    def errors_print(self, outcome: Outcome, errors_out, max_errors: int) -> None:
        for error in outcome.errors[:max_errors]:
            self.stdout.write(error.line())
        hidden = outcome.error_count - min(max_errors, len(outcome.errors))
        if hidden > 0:
            where = (
                f"all of them are in {errors_out}"
                if errors_out
                else "write them all with --errors-out errors.csv"
            )
            self.stdout.write(f"… and {hidden:,} more errors ({where}).")
        elif errors_out and outcome.errors_csv_rows:
            self.stdout.write(f"The rows to fix are in {errors_out}.")
