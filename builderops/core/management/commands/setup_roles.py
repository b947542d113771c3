from django.core.management.base import BaseCommand

from builderops.core.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or reset the Viewer, Editor and Approver groups."

    def handle(self, *args, **options):
        for name, count in roles_ensure().items():
            self.stdout.write(f"{name}: {count} permissions")
