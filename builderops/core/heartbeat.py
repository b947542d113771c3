"""Keep a short lease alive while work runs, and give it back when the worker stops.

Issue 10, item 3 (recovery in under a minute): leases are short so that a worker killed with
`kill -9` holds nothing for long; the work that owns one renews it from a daemon thread while it
runs. A worker that stops cleanly (Celery's `worker_process_shutdown` / `worker_shutdown`,
connected in builderops/celery.py) releases every lease its process still holds at once.

    with Heartbeat(renew, release=release, interval=10, name="publish homes.Home"):
        ...  # renew() every 10 s until the block ends; release() if the worker stops first
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

_active: set["Heartbeat"] = set()
_active_lock = threading.Lock()


class Heartbeat:
    """Call `renew()` every `interval` seconds while the `with` block runs (a daemon thread)."""

    def __init__(
        self,
        renew: Callable[[], object],
        *,
        interval: float,
        release: Callable[[], object] | None = None,
        name: str = "lease",
    ):
        self.renew = renew
        self.release = release
        self.interval = interval
        self.name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {name}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        with _active_lock:
            _active.add(self)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        with _active_lock:
            _active.discard(self)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._beat()
        finally:  # this thread's own database connection
            connections.close_all()

    def _beat(self) -> None:
        try:
            close_old_connections()
            self.renew()
        except Exception:  # the database hiccuped: the next beat tries again before expiry
            logger.warning("could not renew %s", self.name, exc_info=True)


def heartbeats_release_all(**signal_kwargs) -> int:
    """Release every lease this process still renews (the worker is stopping); return how many."""
    with _active_lock:
        running = list(_active)
    released = 0
    for heartbeat in running:
        heartbeat._stop.set()
        if heartbeat.release is None:
            continue
        try:
            heartbeat.release()
            released += 1
        except Exception:
            logger.warning("could not release %s on shutdown", heartbeat.name, exc_info=True)
    if released:
        logger.warning("worker stopping: released %d lease(s) still held", released)
    return released
