"""Claim records for one publish with a conditional UPDATE: two workers never publish one record.

No transaction or row lock is held while HTTP runs (SQLite would block every writer meanwhile).
A lease is a token and an expiry written by one UPDATE that only matches a free or expired
lease; a crashed worker's lease simply runs out.
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

LEASE_SECONDS = 300


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


LEASE_CLEARED = {"sync_lease_token": "", "sync_lease_until": None}
