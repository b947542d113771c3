"""Settings for the benchmark's processes: local settings plus the sync's tuning knobs from env.

The knobs are read with getattr() defaults by the sync (BUILDERBACKED_PUBLISH_THREADS,
BUILDERBACKED_PUBLISH_BATCH_SIZE); the benchmark sets them here so its workers can be tuned.
"""

from builderops.settings.local import *  # noqa: F403
from builderops.settings.local import env

BUILDERBACKED_PUBLISH_THREADS = env.int("BUILDERBACKED_PUBLISH_THREADS", default=8)
BUILDERBACKED_PUBLISH_BATCH_SIZE = env.int("BUILDERBACKED_PUBLISH_BATCH_SIZE", default=100)
DEBUG = False
