"""Show Builder Backed sync status: `python manage.py bb_status [--failures N]`.

When Builder Backed refuses our credentials or access, that comes first: publishing is paused.
"""

from django.core.management.base import BaseCommand

from builderops.core.publishing import SyncState
from integrations.builderbacked.selectors import (
    age_text,
    publishing_paused_sentences,
    sync_oldest_due_age,
    sync_recent_failures,
    sync_status,
)


def status_table(statuses) -> list[str]:
    """Lay out counts per state per model, and each model's oldest due age, as text rows."""
    header = ["model", *(label.lower() for _, label in SyncState.choices), "oldest due"]
    rows = [
        [s.name, *(str(s.counts[value]) for value in SyncState.values), age_text(s.oldest_due_age)]
        for s in statuses
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]


class Command(BaseCommand):
    help = "Show counts per sync state per model, the oldest due record's age, recent failures."

    def add_arguments(self, parser):
        parser.add_argument("--failures", type=int, default=10, help="recent failures to list")

    def handle(self, *args, **options):
        for sentence in publishing_paused_sentences():  # first: nothing moves until it's fixed
            self.stdout.write(self.style.ERROR(f"PAUSED: {sentence}"))
        statuses = sync_status()
        for line in status_table(statuses):
            self.stdout.write(line)
        self.stdout.write(
            f"Oldest due record has waited: {age_text(sync_oldest_due_age(statuses))}"
        )
        failures = sync_recent_failures(options["failures"])
        if failures:
            self.stdout.write("Recent failures:")
        for failure in failures:
            self.stdout.write(f"  {failure.label} #{failure.pk} {failure.text}: {failure.message}")
