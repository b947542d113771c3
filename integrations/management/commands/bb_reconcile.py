"""Compare Builder Backed with what we last published: `manage.py bb_reconcile [--model M]`.

Lists, per record and per field, what differs (integrations/builderbacked/reconcile.py); changes
nothing here or there, except remembering which records Builder Backed shows deactivated
(those are held, and their children wait, until staff choose "Re-publish as active").
"""

from django.core.management.base import BaseCommand, CommandError

from integrations.builderbacked.reconcile import (
    builderbacked_reconcile,
    drift_sentence,
    field_sentence,
    reconcile_summary,
)
from integrations.builderbacked.sync.client import sync_client
from integrations.builderbacked.sync.registry import kind_lookup


class Command(BaseCommand):
    help = "List where Builder Backed differs from what we last published, per record and field."

    def add_arguments(self, parser):
        parser.add_argument(
            "--model", action="append", help="only this model (repeatable), e.g. neighborhood"
        )

    def handle(self, *args, **options):
        try:
            labels = [kind_lookup(name).label for name in options["model"] or []] or None
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        with sync_client() as client:
            report = builderbacked_reconcile(client=client, labels=labels)
        for drift in report.drifts:
            self.stdout.write(drift_sentence(drift))
            for field_drift in drift.fields:
                self.stdout.write(f"    {field_sentence(field_drift)}")
        self.stdout.write(reconcile_summary(report))
