"""Send what the portal outbox owes: `manage.py portal_push [--connection NAME] [--retry-failed]
[--wait]`.

Queues every approved write not yet answered (and, with `--retry-failed`, failed ones again —
same key, same body); workers send them. `--wait` follows them with a progress bar. The summary
counts each outcome; the exit status is non-zero when any of them failed.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from builderops.core.formatting import plural
from integrations.portals.models.outbox import PortalWrite, WriteState
from integrations.portals.outbox.selectors import writes_settled
from integrations.portals.outbox.services import portal_writes_push


class Command(BaseCommand):
    help = "Queue the portal outbox's approved writes for sending, optionally wait, summarise."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="only this portal connection (its name)")
        parser.add_argument("--retry-failed", action="store_true", help="send failed writes again")
        parser.add_argument("--wait", action="store_true", help="follow progress until done")
        parser.add_argument("--timeout", type=float, default=900.0, help="seconds --wait waits")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between checks")

    def handle(self, *args, **options):
        ids, retried = portal_writes_push(
            connection_name=options["connection"], retry_failed=options["retry_failed"]
        )
        again = f" ({plural(retried, 'failed write')} sent again)" if retried else ""
        self.stdout.write(f"Queued {plural(len(ids), 'write')} to be sent{again}.")
        if options["wait"] and ids:
            self.wait(ids, options)
            self.summarise(ids)

    def wait(self, ids: list[int], options) -> None:
        """Poll the database until every queued write is answered, showing progress."""
        deadline = time.monotonic() + options["timeout"]
        with tqdm(total=len(ids), unit="write", file=self.stderr) as progress:
            while (done := writes_settled(ids)) < len(ids):
                progress.update(done - progress.n)
                if time.monotonic() > deadline:
                    raise CommandError(f"Gave up waiting: {plural(len(ids) - done, 'write')} left.")
                time.sleep(options["poll"])
            progress.update(len(ids) - progress.n)

    def summarise(self, ids: list[int]) -> None:
        states = list(PortalWrite.objects.filter(pk__in=ids).values_list("state", flat=True))
        sent, failed = states.count(WriteState.SENT), states.count(WriteState.FAILED)
        drafts = states.count(WriteState.DRAFT)
        self.stdout.write(
            f"Sent {sent}, failed {failed}, returned to draft by the portal {drafts} "
            f"(of {plural(len(ids), 'write')})."
        )
        if failed:
            raise CommandError(f"{plural(failed, 'write')} failed: see `manage.py portal_outbox`.")
