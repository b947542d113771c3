"""Publish to Builder Backed: `python manage.py bb_publish [--model M] [--failed] [--all] [--wait]`.

Without options every due record is queued now; `--failed` retries failed records; `--all`
republishes every approved record (unchanged ones cost no request; `--force` makes them send).
Workers do the publishing; `--wait` follows them with a progress bar. The exit status is non-zero
when any record of the chosen models has failed.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from builderops.core.publishing import SyncState
from integrations.builderbacked.selectors import sync_status
from integrations.builderbacked.sync.actions import (
    sync_publish_due_now,
    sync_republish_all,
    sync_retry_all_failed,
)
from integrations.builderbacked.sync.registry import kind_lookup
from integrations.management.commands.bb_status import status_table


class Command(BaseCommand):
    help = "Queue records for publishing to Builder Backed, optionally wait, and summarise."

    def add_arguments(self, parser):
        parser.add_argument("--model", help="division, mastercommunity, neighborhood or home")
        parser.add_argument("--failed", action="store_true", help="retry failed records")
        parser.add_argument("--all", action="store_true", help="republish every approved record")
        parser.add_argument(
            "--force", action="store_true", help="with --all: send even if unchanged"
        )
        parser.add_argument("--wait", action="store_true", help="follow progress until done")
        parser.add_argument("--timeout", type=float, default=1800.0, help="seconds --wait waits")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between checks")

    def handle(self, *args, **options):
        labels = self.labels(options["model"])
        if options["all"]:
            marked, queued = sync_republish_all(labels, force=options["force"])
        elif options["failed"]:
            marked, queued = sync_retry_all_failed(labels)
        else:
            marked, queued = sync_publish_due_now(labels)
        self.stdout.write(
            f"{marked} records to publish: {queued} queued now, the rest follow their parents."
        )
        if options["wait"]:
            self.wait(labels, marked, options)
        self.summarise(labels)

    def labels(self, model: str | None) -> list[str] | None:
        if not model:
            return None
        try:
            return [kind_lookup(model).label]
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def wait(self, labels, total: int, options) -> None:
        """Poll the database until nothing is due, showing progress."""
        deadline = time.monotonic() + options["timeout"]
        progress = tqdm(total=total, unit="rec", file=self.stderr, disable=not total)
        with progress:
            while True:
                due = sum(status.due for status in sync_status(labels))
                progress.update(max(0, total - due) - progress.n)
                if not due:
                    return
                if time.monotonic() > deadline:
                    raise CommandError(f"Gave up waiting: {due} records still due.")
                time.sleep(options["poll"])

    def summarise(self, labels) -> None:
        statuses = sync_status(labels)
        for line in status_table(statuses):
            self.stdout.write(line)
        failed = sum(status.counts[SyncState.FAILED] for status in statuses)
        if failed:
            raise CommandError(f"{failed} records failed to publish: see bb_status or the admin.")
