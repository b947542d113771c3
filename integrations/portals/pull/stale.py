"""Close Pull runs whose worker died mid-pull (issue 10, item 3).

A running pull renews its connection's lease every few seconds (pull/lease.py, `lease_held`), so a
run still "running" while its connection's lease has run out — or while a newer run of the same
connection exists (two pulls of a connection never overlap) — has no worker behind it: it was
killed (`kill -9`, out of memory) or its host restarted. The periodic sweep marks such runs failed
with that reason, frees the connection's lease and says so on the connection, so staff see why
and the next pull starts on time.
"""

import logging
from datetime import UTC

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection, PullRun, PullStatus

logger = logging.getLogger(__name__)

STALE_REASON = (
    "The pull stopped before it finished: the worker running it was killed or restarted "
    "(no heartbeat since {since:%Y-%m-%d %H:%M:%S} UTC). The next pull starts from the last "
    "saved high-water mark, so nothing is skipped."
)


def pull_runs_stale(now=None):
    """Select running Pull runs that no live worker is running."""
    now = now or timezone.now()
    lease_gone = Q(connection__pull_lease_until__isnull=True) | Q(
        connection__pull_lease_until__lt=now
    )
    newer = PullRun.objects.filter(
        connection=OuterRef("connection"), started_at__gt=OuterRef("started_at")
    )
    return PullRun.objects.filter(status=PullStatus.RUNNING).filter(lease_gone | Q(Exists(newer)))


def pull_runs_stale_fail(*, now=None) -> int:
    """Mark every stale running Pull run failed, free its connection; return how many."""
    now = now or timezone.now()
    failed = 0
    for run in pull_runs_stale(now).select_related("connection"):
        failed += _run_fail(run, now)
    return failed


def _run_fail(run: PullRun, now) -> int:
    """Fail one stale run (only if still running), note why on its connection, free its lease."""
    connection = run.connection
    since = connection.pull_lease_until or run.started_at
    reason = STALE_REASON.format(since=since.astimezone(UTC))
    with transaction.atomic():
        updated = PullRun.objects.filter(pk=run.pk, status=PullStatus.RUNNING).update(
            status=PullStatus.FAILED,
            finished_at=now,
            errors=[*run.errors, {"project_id": "", "resource": "", "error": reason}],
        )
        if updated:
            expired = Q(pull_lease_until__isnull=True) | Q(pull_lease_until__lt=now)
            PortalConnection.objects.filter(expired, pk=connection.pk).update(
                pull_lease_until=None, pull_lease_owner="", last_error=reason, updated_at=now
            )
    if updated:
        logger.warning("Pull run %s of %s: %s", run.pk, connection, reason)
    return updated
