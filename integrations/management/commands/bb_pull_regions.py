"""Pull the regions Builder Backed activated: `python manage.py bb_pull_regions`."""

from django.core.management.base import BaseCommand, CommandError

from integrations.builderbacked.sync.regions import NO_ACTIVE_REGION, regions_pull_now
from integrations.errors import ApiError


class Command(BaseCommand):
    help = "Pull regions from Builder Backed: upsert by name, mark the unlisted inactive."

    def handle(self, *args, **options):
        try:
            counts = regions_pull_now()
        except ApiError as error:
            raise CommandError(f"Could not pull regions from Builder Backed: {error}") from error
        self.stdout.write(
            f"Regions: {counts['active']} active, {counts['created']} new, "
            f"{counts['updated']} updated, {counts['deactivated']} no longer listed."
        )
        if not counts["active"]:
            self.stdout.write(self.style.WARNING(f"{NO_ACTIVE_REGION}."))
