"""Write portal connections: build their client, rotate their secrets, ask for a pull.

The pull itself lives in `integrations.portals.pull`; linking in `linking`.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from integrations.portals.client import PortalClient
from integrations.portals.crypto import (
    SecretUnreadable,
    secret_decrypt,
    secret_encrypt,
    secret_rotate,
)
from integrations.portals.hosts import CredentialsWithheld, portal_base_url_validate
from integrations.portals.models.connection import PortalConnection
from integrations.portals.registry import portal_client_class

SECRET_FIELDS = ("password_encrypted", "mfa_secret_encrypted", "webhook_secret_encrypted")


def portal_connection_credentials_check(connection: PortalConnection) -> None:
    """Raise CredentialsWithheld unless the stored password may go to the connection's base URL.

    Checked on every client build, not only in the admin form, so neither a shell edit nor a
    tightened setting can redirect a stored password.
    """
    if connection.has_password and not connection.credentials_match:
        raise CredentialsWithheld(
            "The base URL or username changed after the password was entered; "
            "enter the password again on the connection."
        )
    try:
        portal_base_url_validate(connection.base_url)
    except ValidationError as exc:
        raise CredentialsWithheld(f"The base URL is refused: {' '.join(exc.messages)}") from None


def portal_connection_client(connection: PortalConnection) -> PortalClient:
    """Build the portal client for a connection, with its decrypted credentials."""
    portal_connection_credentials_check(connection)
    client_class = portal_client_class(connection.portal)
    return client_class(
        connection.base_url,
        connection.username,
        secret_decrypt(connection.password_encrypted),
        secret_decrypt(connection.mfa_secret_encrypted) or None,
    )


@dataclass
class KeyRotation:
    """Count what `portal_secrets_rotate` re-encrypted, and name what no key could read."""

    connections: int = 0
    secrets: int = 0
    unreadable: list[str] = field(default_factory=list)


def portal_secrets_rotate() -> KeyRotation:
    """Re-encrypt every connection's secrets with the newest PORTAL_ENCRYPTION_KEYS key.

    Afterwards only the newest key is needed (cached portal sessions encrypted with an old key are
    simply dropped and a new login made). A connection with a secret no key reads is left as it
    is and named, so the operator keeps the old key until it is fixed.
    """
    result = KeyRotation()
    for connection in PortalConnection.objects.order_by("pk"):
        try:
            rotated = {name: secret_rotate(getattr(connection, name)) for name in SECRET_FIELDS}
        except SecretUnreadable:
            result.unreadable.append(connection.name)
            continue
        for name, token in rotated.items():
            setattr(connection, name, token)
        connection.save(update_fields=[*SECRET_FIELDS, "updated_at"])
        result.connections += 1
        result.secrets += sum(1 for token in rotated.values() if token)
    return result


def portal_connection_webhook_secret_rotate(*, connection: PortalConnection) -> str:
    """Replace the connection's webhook secret; return the new one (to give to the portal)."""
    secret = secrets.token_urlsafe(32)
    connection.webhook_secret_encrypted = secret_encrypt(secret)
    connection.save(update_fields=["webhook_secret_encrypted", "updated_at"])
    return secret


def portal_connection_pull_request(*, connection: PortalConnection, full: bool = False) -> None:
    """Queue a pull of the connection once the current transaction commits."""
    from integrations.portals.tasks import portal_pull_connection  # the tasks import the pull

    transaction.on_commit(lambda: portal_pull_connection.delay(connection.pk, full=full))


def connection_is_due(connection: PortalConnection, now: datetime) -> bool:
    """Say whether the pull interval has elapsed since the last pull started or was queued."""
    stamps = [t for t in (connection.last_pull_started_at, connection.pull_enqueued_at) if t]
    interval = timedelta(minutes=connection.pull_interval_minutes)
    return not stamps or now - max(stamps) >= interval


def portal_connections_claim_due(*, now: datetime) -> list[int]:
    """Mark every due enabled connection as queued and return their ids.

    The claim is a conditional UPDATE on `pull_enqueued_at`, so two schedulers firing at once
    queue each pull once.
    """
    claimed = []
    for connection in PortalConnection.objects.filter(enabled=True):
        if not connection_is_due(connection, now):
            continue
        previous = connection.pull_enqueued_at
        same = Q(pull_enqueued_at=previous) if previous else Q(pull_enqueued_at__isnull=True)
        if PortalConnection.objects.filter(same, pk=connection.pk).update(pull_enqueued_at=now):
            claimed.append(connection.pk)
    return claimed
