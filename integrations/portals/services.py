"""Write portal connections: build their client, rotate their webhook secret, ask for a pull.

The pull itself lives in `integrations.portals.pull`; linking in `linking`.
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from integrations.portals import portal_client_class
from integrations.portals.client import PortalClient
from integrations.portals.crypto import secret_decrypt, secret_encrypt
from integrations.portals.models import PortalConnection


def portal_connection_client(connection: PortalConnection) -> PortalClient:
    """Build the portal client for a connection, with its decrypted credentials."""
    client_class = portal_client_class(connection.portal)
    return client_class(
        connection.base_url,
        connection.username,
        secret_decrypt(connection.password_encrypted),
        secret_decrypt(connection.mfa_secret_encrypted) or None,
    )


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
