"""Record every API request, outermost, so faulted and dropped ones are seen too.

One record per request (paths under `/_sandbox/` are not logged):

    {"t": 1700000000.123,        # unix time at arrival, before any injected latency
     "end": 1700000000.150,      # unix time the answer was sent (or the request dropped)
     "method": "POST", "path": "/api/v2/locations/divisions",
     "status": 200,              # or "dropped": the client never got a complete answer
     "externalId": "DIV_001",    # from the JSON body, when it has one
     "created": True,            # the request created a record (even if its answer was dropped)
     "drop": None,               # "before" / "after" the app handled it, for dropped requests
     "retryAfter": None,         # seconds, for 429s
     "retryAt": None}            # t + retryAfter: the same request must not come back before it

`summary()` turns the log into the two facts tests care about: nothing created twice, and no
request repeated before its Retry-After.
"""

import json
import time
from collections import Counter, defaultdict, deque

CONTROL_PREFIX = "/_sandbox/"


class RequestLog:
    """ASGI middleware keeping the last `maxlen` request records in arrival order."""

    def __init__(self, app, maxlen: int = 200_000):
        self.app = app
        self.records: deque[dict] = deque(maxlen=maxlen)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            return await self.app(scope, receive, send)
        record = _new_record(scope)
        self.records.append(record)
        body = await _read_body(receive)
        record["externalId"] = _external_id(body)
        progress = {"started": False, "complete": False}
        try:
            await self.app(scope, _replay(body, receive), _watch(send, record, progress))
        finally:
            _finish(record, scope, progress)

    def clear(self) -> None:
        self.records.clear()

    def summary(self) -> dict:
        """Counts by status, records created more than once, and retries sent too early."""
        records = list(self.records)
        created = Counter(
            (r["path"], r["externalId"]) for r in records if r["created"] and r["externalId"]
        )
        return {
            "total": len(records),
            "byStatus": dict(Counter(str(r["status"]) for r in records)),
            "createdTwice": [
                {"path": path, "externalId": external_id, "count": count}
                for (path, external_id), count in created.items()
                if count > 1
            ],
            "earlyRetries": _early_retries(records),
        }


def _new_record(scope) -> dict:
    return {
        "t": time.time(),
        "method": scope["method"],
        "path": scope["path"],
        "status": None,
        "externalId": None,
        "created": False,
        "drop": None,
        "retryAfter": None,
        "retryAt": None,
    }


async def _read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return body
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _replay(body: bytes, receive):
    """A `receive` that hands the already-read body over once, then defers to the real one."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay():
        return pending.pop() if pending else await receive()

    return replay


def _watch(send, record: dict, progress: dict):
    """A `send` that notes the status, Retry-After, and whether the answer was completed."""

    async def watched(message):
        if message["type"] == "http.response.start":
            progress["started"] = True
            record["status"] = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"retry-after":
                    record["retryAfter"] = int(value)
                    record["retryAt"] = record["t"] + int(value)
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            progress["complete"] = True
        await send(message)

    return watched


def _finish(record: dict, scope, progress: dict) -> None:
    record["end"] = time.time()  # with "t": what was in flight at once (issue 10's soak test)
    record["created"] = bool(scope.get("sandbox.created"))
    record["drop"] = scope.get("sandbox.drop")
    if not progress["started"]:
        record["status"] = 500  # the app raised before answering: uvicorn answers 500
    elif not progress["complete"]:
        record["status"] = "dropped"


def _external_id(body: bytes) -> str | None:
    if not body.lstrip().startswith(b"{"):
        return None
    try:
        value = json.loads(body).get("externalId")
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, str) else None


def _early_retries(records: list[dict]) -> list[dict]:
    """Requests repeating a 429'd one (same method, path, externalId) before its `retryAt`."""
    by_request = defaultdict(list)
    for record in records:
        by_request[(record["method"], record["path"], record["externalId"])].append(record)
    early = []
    for same in by_request.values():
        for index, limited in enumerate(same):
            if limited["status"] != 429:
                continue
            early += [r for r in same[index + 1 :] if r["t"] < limited["retryAt"]]
    return early
