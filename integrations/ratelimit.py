"""Hold every process that shares a cache under one request rate (a client-side ceiling).

A `SharedRateLimit` counts requests in fixed windows under a cache key, so web and worker processes
that share Django's cache share one budget; a caller over the budget sleeps until the next window.
Builder Backed names no limit of its own (shared/contracts/builder-backed.md, Errors: 429 "decided
here"); setting the tenant's limit here avoids 429s instead of recovering from them.

With Redis or local memory the count is exact (atomic `incr`); Django's file cache increments by
read-then-write, so concurrent processes may overshoot a window slightly — a ceiling, not a quota.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache


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
        key = f"{self.key}:{window}"
        self.cache.add(key, 0, timeout=math.ceil(self.window) + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # the key expired between add and incr: a fresh window
            self.cache.add(key, 1, timeout=math.ceil(self.window) + 1)
            return 1
