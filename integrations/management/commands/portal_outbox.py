"""Show the portal outbox: `manage.py portal_outbox [--connection NAME]` — writes per state, the
oldest one still waiting, and the most recent failures in the words stored on them."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.timesince import timesince

from builderops.core.formatting import plural
from integrations.portals.models.outbox import WriteState
from integrations.portals.outbox.selectors import outbox_status


class Command(BaseCommand):
    help = "Count the portal outbox's writes per state; show the oldest waiting and failures."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="only this portal connection (its name)")
        parser.add_argument("--failures", type=int, default=10, help="recent failures to list")

    def handle(self, *args, **options):
        status = outbox_status(connection_name=options["connection"], failures=options["failures"])
        total = sum(status.counts.values())
        self.stdout.write(f"Portal outbox: {plural(total, 'write')}.")
        for state in WriteState:
            self.stdout.write(f"  {state.label:<18} {status.counts.get(state.value, 0):>6,}")
        if status.oldest_waiting:
            age = timesince(status.oldest_waiting, timezone.now())
            self.stdout.write(f"Oldest waiting write: created {age} ago.")
        else:
            self.stdout.write("Nothing is waiting.")
        if status.recent_failures:
            self.stdout.write("Recent failures:")
        for write in status.recent_failures:
            self.stdout.write(f"  #{write.pk} {write} ({write.project}): {write.error}")
