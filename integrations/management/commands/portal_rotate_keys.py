"""Re-encrypt every portal secret with the newest key: `python manage.py portal_rotate_keys`.

Rotation (integrations/portals/crypto.py): put the new Fernet key first in
PORTAL_ENCRYPTION_KEYS, keep the old one after it, run this on one machine, then drop the old key
everywhere. Exit status 1 when a secret could not be read: keep the old key until it is fixed.
"""

from django.core.management.base import BaseCommand, CommandError

from integrations.portals.services import portal_secrets_rotate


def counted(count: int, noun: str) -> str:
    """Return "1 secret" / "3 secrets"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Re-encrypt every portal password, MFA secret and webhook secret with the newest key."

    def handle(self, *args, **options):
        result = portal_secrets_rotate()
        self.stdout.write(
            f"Re-encrypted {counted(result.secrets, 'secret')} of "
            f"{counted(result.connections, 'connection')} with the newest key."
        )
        if result.unreadable:
            names = ", ".join(result.unreadable)
            raise CommandError(
                f"{counted(len(result.unreadable), 'connection')} left as they were: no "
                f"configured key reads their secrets ({names}). Keep the old key until their "
                "secrets are entered again."
            )
        self.stdout.write(
            self.style.SUCCESS("Every secret now needs only the newest key; older keys can go.")
        )
