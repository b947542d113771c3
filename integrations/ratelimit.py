"""Pace every process that shares a cache as one caller: a rate ceiling and a shared back-off.

A `SharedRateLimit` counts requests in fixed windows under a cache key, so web and worker processes
that share Django's cache share one budget; a caller over the budget sleeps until the next window.
Builder Backed names no limit of its own (shared/contracts/builder-backed.md, Errors: 429 "decided
here"); setting the tenant's limit here avoids 429s instead of recovering from them.

With Redis or local memory the count is exact (atomic `incr`); Django's file cache increments by
read-then-write, so concurrent processes may overshoot a window slightly — a ceiling, not a quota.

A `SharedBackoff` is one pause per remote: a 429's Retry-After, or a run of 5xx, pauses every
thread and process sending to that remote until it has passed (issue 10: one 429 used to hold
back only the call that got it, while the other senders kept the remote rate-limited).

A cache that fails (Redis restarting) raises `LocalServiceFailed`: the call was not sent and is
worth repeating later — never a permanent failure of what was being sent.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache

from integrations import errors

logger = logging.getLogger(__name__)


def cache_call(operation: Callable[[], Any], what: str) -> Any:
    """Run one cache operation; turn a cache failure into `LocalServiceFailed` (transient)."""
    try:
        return operation()
    except errors.ApiError:
        raise
    except Exception as exc:  # redis-py, file system: whatever the backend raises
        raise errors.LocalServiceFailed(
            f"The shared cache failed while {what}: {type(exc).__name__}: {exc}"
        ) from exc


class SharedRateLimit:
    """Admit at most `rate` requests per second across every process sharing the cache."""

    def __init__(
        self,
        rate: float,
        *,
        key: str,
        cache: BaseCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive; pass no limiter for no limit")
        # Below one request a second, widen the window so it still admits one whole request.
        self.window = max(1.0, 1.0 / rate)
        self.capacity = max(1, math.floor(rate * self.window))
        self.key = key
        self._cache = cache
        self.sleep = sleep
        self.clock = clock

    def __repr__(self) -> str:
        return f"<SharedRateLimit {self.capacity} per {self.window:g} s key={self.key!r}>"

    @property
    def cache(self) -> BaseCache:
        """Return the cache the count is shared through."""
        return self._cache if self._cache is not None else default_cache

    def acquire(self) -> float:
        """Wait until a request is admitted; return the seconds waited."""
        waited = 0.0
        while True:
            now = self.clock()
            window = math.floor(now / self.window)
            if self._count(window) <= self.capacity:
                return waited
            pause = (window + 1) * self.window - now
            self.sleep(pause)
            waited += pause

    def _count(self, window: int) -> int:
        """Count one request in `window` and return the window's total so far."""
        return cache_call(lambda: self._incr(f"{self.key}:{window}"), "counting a request")

    def _incr(self, key: str) -> int:
        self.cache.add(key, 0, timeout=math.ceil(self.window) + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # the key expired between add and incr: a fresh window
            self.cache.add(key, 1, timeout=math.ceil(self.window) + 1)
            return 1


class SharedBackoff:
    """Pause every sender to one remote while it asked us to (429) or keeps failing (5xx).

    The pause lives in the cache under `key` (`…:until`, the epoch second it ends). A run of
    server errors is counted by this object — the answers its own threads saw, in order; any other
    answer ends the run — so the count costs no cache call and random 5xx spread over many senders
    (20% of requests, say) are not mistaken for an outage. `server_errors_before_pause` 5xx in a
    row pause everyone for `server_error_pause` seconds, doubling per further 5xx up to
    `max_pause`.

    `wait()` before each request sleeps out a pause of at most `max_wait` seconds; a longer one
    raises `RateLimited(retry_after=…)` unsent, so a Celery task can schedule itself instead.
    """

    def __init__(
        self,
        *,
        key: str,
        cache: BaseCache | None = None,
        max_wait: float = 30.0,
        default_pause: float = 1.0,
        server_errors_before_pause: int = 5,
        server_error_pause: float = 1.0,
        max_pause: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        self.key = key
        self._cache = cache
        self.max_wait = max_wait
        self.default_pause = default_pause
        self.server_errors_before_pause = server_errors_before_pause
        self.server_error_pause = server_error_pause
        self.max_pause = max_pause
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()
        self._server_errors_in_a_row = 0

    def __repr__(self) -> str:
        return f"<SharedBackoff key={self.key!r}>"

    @property
    def cache(self) -> BaseCache:
        """Return the cache the pause is shared through."""
        return self._cache if self._cache is not None else default_cache

    def remaining(self) -> float:
        """Return the seconds left in the current pause (0 when there is none)."""
        until = cache_call(lambda: self.cache.get(f"{self.key}:until"), "reading a back-off")
        return max(0.0, (until or 0.0) - self.clock())

    def wait(self) -> float:
        """Sleep out the current pause; return the seconds slept. Raise when it is too long."""
        waited = 0.0
        while (left := self.remaining()) > 0:
            if waited + left > self.max_wait:
                raise errors.RateLimited(
                    f"Paused for {left:.1f} s more: the remote asked every sender to back off",
                    retry_after=left,
                )
            self.sleep(left)
            waited += left
        return waited

    def pause(self, seconds: float) -> None:
        """Pause every sender for `seconds` from now, unless a longer pause is already set.

        A Retry-After is honoured in full, however long (builder-backed.md, "What the client
        must do"); only the pauses we choose ourselves, after a run of 5xx, stop at `max_pause`.
        """
        seconds = max(seconds, 0.0)
        until = self.clock() + seconds
        key = f"{self.key}:until"
        current = cache_call(lambda: self.cache.get(key), "reading a back-off") or 0.0
        if until > current:
            timeout = math.ceil(seconds) + 1
            cache_call(lambda: self.cache.set(key, until, timeout=timeout), "pausing senders")
            logger.info("%s: every sender paused for %.1f s", self.key, seconds)

    def observe(self, status: int, retry_after: float | None) -> None:
        """Learn from one answer: a 429 or a run of 5xx pauses everyone; anything else ends
        the run. A 5xx's Retry-After, like a 429's, is honoured by every sender."""
        with self._lock:
            in_a_row = self._server_errors_in_a_row + 1 if status >= 500 else 0
            self._server_errors_in_a_row = in_a_row
        if status == 429 or (status >= 500 and retry_after is not None):
            self.pause(retry_after if retry_after is not None else self.default_pause)
            return
        beyond = in_a_row - self.server_errors_before_pause
        if beyond >= 0:
            self.pause(min(self.max_pause, self.server_error_pause * 2**beyond))
