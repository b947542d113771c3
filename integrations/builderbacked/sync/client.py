"""Build the Builder Backed client the sync uses: settings, plus a retry budget fit for a task.

The client retries transient errors itself a few times (honouring Retry-After); past that budget
the record goes to `retrying` and a later task tries again, so no worker sleeps for long.
"""

from integrations.builderbacked.client import BuilderBackedClient
from integrations.http import RetryPolicy

SYNC_RETRY = RetryPolicy(attempts=4, timeout=30.0, wait_initial=0.5, wait_max=8.0, wait_jitter=0.5)


def sync_client(**overrides) -> BuilderBackedClient:
    """Return a client from BUILDERBACKED_* settings with the sync's retry policy."""
    return BuilderBackedClient.from_settings(**{"retry": SYNC_RETRY, **overrides})
