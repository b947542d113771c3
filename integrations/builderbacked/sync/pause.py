"""Pause publishing while Builder Backed refuses our credentials or access, and resume by itself.

The breaker itself lives in the client (integrations.breaker.state): held calls are never sent,
and their records are PAUSED, not failed (outcome.py). Here the sweeper spends the breaker's one
probe a minute (`sync_breaker_check`), the durable `BreakerRecord` follows the live state, and
when the breaker closes every paused record is released to the next bulk pass.
"""

import logging

from django.utils import timezone

from builderops.core.publishing import DUE_STATES
from integrations.breaker.services import breaker_record_sync
from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.sync.lease import lease_free
from integrations.builderbacked.sync.registry import KINDS
from integrations.errors import ApiError

logger = logging.getLogger(__name__)


def sync_breaker_check(*, client: BuilderBackedClient) -> bool:
    """Probe Builder Backed if the breaker is open and it's time; return whether still paused."""
    was_open = client.breaker.state() is not None
    if was_open:
        try:
            client.access_probe()
        except ApiError as error:  # CircuitOpen: not our turn; anything else: still refused
            logger.info("Builder Backed breaker probe: %s", error)
    return sync_breaker_recorded(client=client, was_open=was_open)


def sync_breaker_recorded(*, client: BuilderBackedClient, was_open: bool = True) -> bool:
    """Mirror the breaker into its record; when it closed, release the paused records."""
    paused = breaker_record_sync(breaker=client.breaker) is not None
    if was_open and not paused:
        released = records_release_paused()
        logger.warning("Builder Backed accepts us again: %d paused records released", released)
    return paused


def records_release_paused() -> int:
    """Make every due, unleased record ready for the next bulk pass at once; return how many."""
    now = timezone.now()
    released = 0
    for kind in KINDS.values():
        rows = kind.model._base_manager.filter(lease_free(now), sync_state__in=DUE_STATES)
        released += rows.update(sync_enqueued_at=None, sync_retry_at=None)
    return released
