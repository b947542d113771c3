"""Keep one remote's circuit breaker in the shared cache: open (with why), and its probe slot.

Keys: `…:open` holds `{"since", "reason", "message", "hint", "label", "activity", …}` while the
breaker is open (no expiry: only a successful probe closes it); `…:probe` exists while the next
probe is not yet allowed — `cache.add` on it elects exactly one prober per interval across
processes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache

from integrations import errors
from integrations.ratelimit import cache_call

logger = logging.getLogger(__name__)

PROBE_INTERVAL_SECONDS = 60.0


def breaker_headline(state: dict) -> str:
    """Say what the remote refused: "Builder Backed rejected our credentials", or the scope."""
    if state.get("reason") == "credentials":
        return f"{state['label']} rejected our credentials"
    return f"{state['label']} refused access ({state['message']})"


def breaker_note(state: dict) -> str:
    """Say, on a held record, what is paused and why: headline, that it heals, what to check."""
    return (
        f"{breaker_headline(state)}; {state['activity']} is paused until a probe succeeds — "
        f"{state['hint']}"
    )


class CircuitBreaker:
    """Hold calls to one remote back while it refuses our credentials or access."""

    def __init__(
        self,
        *,
        key: str,
        label: str,
        hints: Mapping[str, str],
        activity: str,
        cache: BaseCache | None = None,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.time,
    ):
        self.key = key
        self.label = label  # "Builder Backed", "Buildertrend connection “Acme”"
        self.activity = activity  # what stops meanwhile: "publishing", "pulling"
        self.hints = hints  # per reason, what staff should check: "check …_CLIENT_SECRET"
        self._cache = cache
        self.probe_interval = probe_interval
        self.clock = clock

    def __repr__(self) -> str:
        return f"<CircuitBreaker key={self.key!r}>"

    @property
    def cache(self) -> BaseCache:
        return self._cache if self._cache is not None else default_cache

    def state(self) -> dict | None:
        """Return why the breaker is open, or None when it is closed."""
        return cache_call(lambda: self.cache.get(f"{self.key}:open"), "reading a breaker")

    def admit(self) -> bool:
        """Let a call through: return True when it is the probe, raise `CircuitOpen` if held."""
        state = self.state()
        if state is None:
            return False
        elected = cache_call(
            lambda: self.cache.add(f"{self.key}:probe", 1, timeout=self.probe_interval),
            "electing a probe",
        )
        if elected:
            logger.info("%s: breaker open; this call is the probe", self.key)
            return True
        raise errors.CircuitOpen(
            f"Not sent: {breaker_note(state)}",
            status=state.get("status"),
            code=state.get("code"),
        )

    def trip(self, error: errors.ApiError, *, reason: str) -> dict:
        """Open (or keep open) the breaker for `error`; the next probe waits a full interval.

        Return the state, which `breaker_note` turns into what a held record shows."""
        previous = self.state()
        state = {
            "since": previous["since"] if previous else self.clock(),
            "reason": reason,  # "credentials", "access"
            "message": error.message,
            "status": error.status,
            "code": error.code,
            "hint": self.hints.get(reason, ""),
            "label": self.label,
            "activity": self.activity,
            "probed_at": self.clock(),
        }
        cache_call(lambda: self.cache.set(f"{self.key}:open", state, timeout=None), "tripping")
        cache_call(
            lambda: self.cache.set(f"{self.key}:probe", 1, timeout=self.probe_interval),
            "scheduling the next probe",
        )
        logger.warning("%s: breaker open — %s (%s)", self.key, error, state["hint"])
        return state

    def reset(self) -> bool:
        """Close the breaker (a probe succeeded); return whether it was open."""
        if self.state() is None:
            return False
        cache_call(
            lambda: self.cache.delete_many([f"{self.key}:open", f"{self.key}:probe"]), "closing"
        )
        logger.warning("%s: breaker closed — the probe succeeded", self.key)
        return True
