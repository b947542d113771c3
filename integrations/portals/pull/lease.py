"""Keep two pulls of one connection from running at once: a lease taken by conditional UPDATE.

Whoever's UPDATE matches the free (or expired) lease owns it until `pull_lease_until`; the owner
renews it as it goes and releases it at the end. A crashed pull's lease simply expires.

Issue 10, item 3: the lease is short (PORTAL_PULL_LEASE_SECONDS, 30 s) and a heartbeat renews it
every third of that while the pull runs (`lease_held`), so a killed pull frees its connection
within a minute; `pull_runs_stale_fail` then marks its Pull run failed.
"""

import contextlib
import uuid

from django.db.models import Q
from django.utils import timezone

from builderops.core.heartbeat import Heartbeat
from integrations.portals.models.connection import PortalConnection
from integrations.portals.pull.config import pull_lease


class PullBusy(Exception):
    """Refuse a pull: another pull of the same connection holds the lease."""


class LeaseLost(Exception):
    """Stop a pull whose lease expired and was taken by another pull."""


def lease_acquire(connection_id: int) -> str:
    """Take the connection's pull lease and return its token, or raise PullBusy."""
    token, now = uuid.uuid4().hex, timezone.now()
    free = Q(pull_lease_until__isnull=True) | Q(pull_lease_until__lte=now)
    taken = PortalConnection.objects.filter(free, pk=connection_id).update(
        pull_lease_until=now + pull_lease(), pull_lease_owner=token
    )
    if not taken:
        raise PullBusy(f"A pull of portal connection {connection_id} is already running.")
    return token


def lease_renew(connection_id: int, token: str) -> None:
    """Extend the lease this pull holds, or raise LeaseLost."""
    renewed = PortalConnection.objects.filter(pk=connection_id, pull_lease_owner=token).update(
        pull_lease_until=timezone.now() + pull_lease()
    )
    if not renewed:
        raise LeaseLost(f"The pull lease of portal connection {connection_id} was lost.")


def lease_release(connection_id: int, token: str) -> None:
    """Give the lease back (only if this pull still holds it)."""
    PortalConnection.objects.filter(pk=connection_id, pull_lease_owner=token).update(
        pull_lease_until=None, pull_lease_owner=""
    )


@contextlib.contextmanager
def lease_held(connection_id: int, token: str):
    """Renew the lease while the block runs; release it if the worker stops meanwhile."""

    def renew() -> None:
        with contextlib.suppress(LeaseLost):  # the pull itself notices at its next checkpoint
            lease_renew(connection_id, token)

    with Heartbeat(
        renew,
        release=lambda: lease_release(connection_id, token),
        interval=pull_lease().total_seconds() / 3,
        name=f"pull lease of portal connection {connection_id}",
    ):
        yield
