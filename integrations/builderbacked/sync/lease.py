"""Claim records for one publish with a conditional UPDATE: two workers never publish one record.

No transaction or row lock is held while HTTP runs (SQLite would block every writer meanwhile).
A lease is a token and an expiry written by one UPDATE that only matches a free or expired
lease; a crashed worker's lease simply runs out.

Issue 10, item 3: a lease is short (`LEASE_SECONDS`) and renewed every `LEASE_RENEW_SECONDS`
while its batch runs (`leases_held`), and released when the worker stops; so a killed worker's
records are free again within half a minute and the sweeper queues them.
"""

import contextlib
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from builderops.core.heartbeat import Heartbeat

LEASE_SECONDS = 30
LEASE_RENEW_SECONDS = 10  # three renewals per lease: one missed beat never loses it


def lease_free(now=None) -> Q:
    """Match records whose lease is free or has expired."""
    now = now or timezone.now()
    return Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now)


def leases_claim(model, ids: Iterable[int], seconds: int = LEASE_SECONDS) -> tuple[str, list[int]]:
    """Claim every free record among `ids`; return the lease token and the ids claimed."""
    ids = list(ids)
    token = uuid.uuid4().hex
    now = timezone.now()
    model._base_manager.filter(lease_free(now), pk__in=ids).update(
        sync_lease_token=token, sync_lease_until=now + timedelta(seconds=seconds)
    )
    claimed = model._base_manager.filter(pk__in=ids, sync_lease_token=token)
    return token, list(claimed.values_list("pk", flat=True))


def leases_release(model, ids: Iterable[int], token: str) -> int:
    """Release whichever of `ids` this token still holds; return how many."""
    return model._base_manager.filter(pk__in=list(ids), sync_lease_token=token).update(
        sync_lease_token="", sync_lease_until=None
    )


def leases_renew(model, ids: Iterable[int], token: str, seconds: int = LEASE_SECONDS) -> int:
    """Extend whichever of `ids` this token still holds by `seconds` from now; return how many."""
    return model._base_manager.filter(pk__in=list(ids), sync_lease_token=token).update(
        sync_lease_until=timezone.now() + timedelta(seconds=seconds)
    )


@contextlib.contextmanager
def leases_held(model, ids: list[int], token: str):
    """Renew these leases while the block runs; release them if the worker stops meanwhile."""
    with Heartbeat(
        lambda: leases_renew(model, ids, token),
        release=lambda: leases_release(model, ids, token),
        interval=LEASE_RENEW_SECONDS,
        name=f"publish lease of {len(ids)} {model._meta.label}",
    ):
        yield


LEASE_CLEARED = {"sync_lease_token": "", "sync_lease_until": None}
