"""Load the demo data set (idempotent): `python manage.py demo_data`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from homes.demo import homes_demo_load
from integrations.portals.demo import portals_demo_load
from locations.demo import locations_demo_load

# Each part of the product adds its demo loader here; each takes the acting user.
DEMO_LOADERS = [locations_demo_load, homes_demo_load, portals_demo_load]


class Command(BaseCommand):
    help = "Create the demo hierarchy, homes and connections that are missing."

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        for loader in DEMO_LOADERS:
            with transaction.atomic():
                created = loader(user=user)
            summary = ", ".join(f"{count} {noun}" for noun, count in created.items())
            self.stdout.write(f"demo data: created {summary}")
