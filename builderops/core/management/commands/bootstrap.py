"""Prepare a local installation: folders, database, roles, admin login, demo data. Idempotent."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from builderops.core.folders import local_folders_create

ADMIN_USERNAME = "admin"


def admin_password_file():
    return settings.VAR_DIR / "admin-password.txt"


def superuser_ensure() -> tuple[str, str | None]:
    """Create the `admin` superuser once; return its username and the stored password."""
    password_file = admin_password_file()
    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        stored = password_file.read_text().strip() if password_file.exists() else None
        return ADMIN_USERNAME, stored
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(ADMIN_USERNAME, "admin@builderops.local", password)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return ADMIN_USERNAME, password


# Steps after migrate, in order; a later issue adds its demo data loader with one line here.
BOOTSTRAP_COMMANDS = [
    ("collectstatic", {"interactive": False, "verbosity": 0}),
    ("setup_roles", {}),
    ("demo_data", {}),
]


class Command(BaseCommand):
    help = "Create local folders, migrate, create roles and the admin login, load demo data."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="skip demo data")

    def handle(self, *args, **options):
        # First: the SQLite file, the file-system broker and static files live in these folders.
        for folder in local_folders_create():
            self.stdout.write(f"created folder {folder}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        username, password = superuser_ensure()
        for name, kwargs in BOOTSTRAP_COMMANDS:
            if options["no_demo"] and name.startswith("demo"):
                continue
            call_command(name, **kwargs)
        # The address is printed once, by `announce`, when the site answers (not before).
        shown = password or "(unchanged)"
        self.stdout.write(f"admin login ready: {username} / {shown}")


def login_banner(username: str, password: str | None) -> str:
    """Say where the admin is and how to log in."""
    import os

    host = os.environ.get("BUILDEROPS_HOST", "127.0.0.1")
    port = os.environ.get("BUILDEROPS_PORT", "8000")
    shown = password or f"(unchanged; not stored in {admin_password_file()})"
    return f"\n  BuilderOps admin: http://{host}:{port}/admin/\n  login: {username} / {shown}\n"
