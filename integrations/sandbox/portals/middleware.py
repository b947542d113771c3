"""Wrap a portal sandbox: log every API request, and make fault answers portal-shaped.

`RequestLog` is the outermost layer, so it sees what the client saw: 429s and 503s from
`FaultMiddleware`, and dropped connections — logged with `"status": null` and `"dropped":
"before"|"after"` (whether the app handled the request before the connection broke). It also
marks the scope with `error_style = "portal"`, which `FaultMiddleware` reads to answer
`{"error": {"code", "message"}}` like the rest of the API. `/_sandbox/` calls are not logged.
"""

import time
from collections import deque


class RequestLog:
    """Append `{"t", "method", "path", "query", "idempotency_key", "status", "dropped"}` per
    request to a log — the key as the client sent it (None without one), so a test can check that
    every retry of a write carried its original key (issue 13, item 6)."""

    control_prefix = "/_sandbox/"

    def __init__(self, app, log: deque):
        self.app = app
        self.log = log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["error_style"] = "portal"
        if scope["path"].startswith(self.control_prefix):
            return await self.app(scope, receive, send)
        entry = {
            "t": time.time(),
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "idempotency_key": _header(scope, b"idempotency-key"),
            "status": None,
            "dropped": None,
        }
        self.log.append(entry)

        async def send_noting_status(message):
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            if scope.get("sandbox.drop"):  # set by FaultMiddleware when it breaks the connection
                entry["status"], entry["dropped"] = None, scope["sandbox.drop"]


def _header(scope, name: bytes) -> str | None:
    """Return a request header's value (the first, if repeated), None when absent."""
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None
