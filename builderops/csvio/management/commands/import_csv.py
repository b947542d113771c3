"""Import a CSV or .xlsx file of one kind, with the admin's validation and messages.

    python manage.py import_csv homes homes.csv --dry-run
    python manage.py import_csv homes homes.csv --approve --user alice --errors-out errors.csv

Exit status: 0 when the file is valid (and, without --dry-run, applied), 1 when it has errors
(nothing is written), 2 for a usage problem (missing file, unknown user, no permission).
Failures are printed as plain sentences on stderr, without Django's `CommandError:` prefix:
staff read them (issue 12).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from builderops.csvio.engine import Outcome
from builderops.csvio.kinds import kinds, spec_get
from builderops.csvio.services import import_file_apply, import_file_preview
from builderops.csvio.summary import counted, outcome_summary, rejected_summary


class FileRejected(CommandError):
    """Exit 1: the file has errors; its summary and errors are already printed."""


class Command(BaseCommand):
    help = (
        "Preview (--dry-run) or apply a CSV/.xlsx file of divisions, master communities, "
        "neighborhoods or homes."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
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

    def execute(self, *args, **options):
        """Print a failure as the plain sentence it is when run from the command line."""
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise
            if not isinstance(exc, FileRejected):
                self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args, kind, file, dry_run, approve, user, errors_out, max_errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        importer = self.user_get(user)
        with self.progress_bar(options["verbosity"]) as bar:
            outcome = self.run(kind, path, importer, approve, dry_run, errors_out, bar)
        self.verbosity = options["verbosity"]
        self.report(kind, path, outcome, approve, dry_run, errors_out, max_errors)

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

    def report(self, kind, path, outcome: Outcome, approve, dry_run, errors_out, max_errors):
        self.columns_report(outcome, verbose=self.verbosity >= 2)
        for notice in outcome.notices:
            self.stdout.write(f"Notice: {notice}")
        if hidden := outcome.notice_count - len(outcome.notices):
            self.stdout.write(f"… and {counted(hidden, 'more notice', 'more notices')} like these.")
        self.normalised_report(outcome)
        if not outcome.valid:
            summary = rejected_summary(counts=outcome.counts, error_count=outcome.error_count)
            self.stdout.write(f"{path.name}: {summary}")
            self.errors_print(outcome, errors_out, max_errors)
            raise FileRejected(f"{path.name}: {summary}", returncode=1)
        model = spec_get(kind).model
        if dry_run:
            summary = outcome_summary(
                counts=outcome.counts, model=model, approve=approve, done=False
            )
            done = f"{path.name}: dry run, nothing was saved. Without --dry-run: {summary}"
        else:
            summary = outcome_summary(
                counts=outcome.counts, model=model, approve=approve, done=True
            )
            done = f"{path.name}: {summary}"
        self.stdout.write(self.style.SUCCESS(done))

    def columns_report(self, outcome: Outcome, verbose: bool) -> None:
        """Say which headers are ignored (issue 12); with -v 2, which field each one fills."""
        for column in outcome.columns if verbose else ():
            fills = column["fills"] or "ignored: its values are not imported"
            self.stdout.write(f"Column {column['header']} → {fills}")
        if ignored := outcome.ignored:
            names = ", ".join(ignored)
            self.stdout.write(
                self.style.WARNING(
                    f"Ignored {'column' if len(ignored) == 1 else 'columns'} (not imported): "
                    f"{names}"
                )
            )

    def normalised_report(self, outcome: Outcome) -> None:
        """List each value accepted in another form: where, and from what to what."""
        for change in outcome.normalised:
            self.stdout.write(
                f"Normalised {change['rows']}, column {change['column']}: "
                f"“{change['before']}” → “{change['after']}”"
            )
        shown = sum(change["count"] for change in outcome.normalised)
        if hidden := outcome.normalised_count - shown:
            more = counted(hidden, "more normalised value", "more normalised values")
            self.stdout.write(f"… and {more}.")

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
            self.stdout.write(f"… and {counted(hidden, 'more error', 'more errors')} ({where}).")
        elif errors_out and outcome.errors_csv_rows:
            self.stdout.write(f"The rows to fix are in {errors_out}.")
