"""Read the pull's settings in one place (defaults: builderops/settings/base.py)."""

from datetime import timedelta

from django.conf import settings


def child_changes_bump_project() -> bool:
    """Say whether a change to a child bumps its project's `updatedAt`.

    The sandboxes do (integrations/sandbox/portals/store.py, "Decided here"): an incremental pull
    then lists changed projects and asks only their children. When False, it asks every known
    project's children with `updatedSince`.
    """
    return settings.PORTAL_CHILD_CHANGES_BUMP_PROJECT


def pull_workers() -> int:
    """Return how many projects' children are fetched at once (threads sharing one client)."""
    return max(1, settings.PORTAL_PULL_WORKERS)


def pull_batch_size() -> int:
    """Return how many projects' children are written to the database per transaction."""
    return max(1, settings.PORTAL_PULL_BATCH_SIZE)


def pull_overlap() -> timedelta:
    """Return how far before a high-water mark an incremental list starts.

    A list pages in creation order, so a record edited on an earlier page while later pages are
    read is missed while the mark moves past it; re-reading a short window closes that gap
    (upserts are idempotent, so the overlap costs requests, not correctness).
    """
    return timedelta(seconds=settings.PORTAL_PULL_OVERLAP_SECONDS)


def pull_lease() -> timedelta:
    """Return how long a pull holds its connection's lease before renewing it."""
    return timedelta(seconds=settings.PORTAL_PULL_LEASE_SECONDS)
