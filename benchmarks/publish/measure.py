"""Publish, wait, and read the sandbox's request log (Django is set up by run.py)."""

import time
from collections import Counter

import httpx

from integrations.builderbacked.selectors import sync_status
from integrations.builderbacked.sync.actions import sync_publish_due_now, sync_republish_all

TOKEN_PATH = "/oauth2/token"


def publish_and_wait(start, timeout: float) -> tuple[float, dict]:
    """Run `start()` (which queues), poll until nothing is due; return (seconds, state counts)."""
    started = time.perf_counter()
    start()
    deadline = started + timeout
    while True:
        statuses = sync_status()
        if not sum(s.due for s in statuses):
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"still due after {timeout:.0f} s: {states(statuses)}")
        time.sleep(0.25)
    return time.perf_counter() - started, states(statuses)


def states(statuses) -> dict:
    total = Counter()
    for status in statuses:
        total.update(status.counts)
    return {state: count for state, count in total.items() if count}


def request_log(base_url: str) -> list[dict]:
    return httpx.get(f"{base_url}/_sandbox/requests", timeout=120).json()


def figures(log: list[dict], records: int) -> dict:
    """Requests (429s, 5xx and token calls included), their rate over the busy span, per record."""
    if not log:
        return {"requests": 0, "per_record": 0.0, "rate": 0.0, "span_s": 0.0, "by_status": {}}
    span = max(log[-1]["t"] - log[0]["t"], 1e-9)
    return {
        "requests": len(log),
        "per_record": len(log) / records,
        "rate": len(log) / span,
        "span_s": span,
        "by_status": dict(Counter(str(r["status"]) for r in log)),
        "tokens": sum(1 for r in log if r["path"] == TOKEN_PATH),
        "tokens_ok": sum(1 for r in log if r["path"] == TOKEN_PATH and r["status"] == 200),
    }


def publish_first(base_url: str, records: int, timeout: float) -> dict:
    """Publish everything due (as `bb_publish` does) and measure it."""
    seconds, counts = publish_and_wait(sync_publish_due_now, timeout)
    return {"wall_s": seconds, "states": counts, **figures(request_log(base_url), records)}


def publish_again_unchanged(base_url: str, timeout: float) -> dict:
    """Republish every record with nothing changed (`bb_publish --all`); count new requests."""
    before = len(request_log(base_url))
    seconds, counts = publish_and_wait(sync_republish_all, timeout)
    return {"wall_s": seconds, "states": counts, "requests": len(request_log(base_url)) - before}
