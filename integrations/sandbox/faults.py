"""Inject faults into a sandbox: latency, 5xx, dropped connections, and a request-rate limit.

`FaultMiddleware` wraps any ASGI app. Its `Faults` can be read and changed while the server runs
through `GET` / `PUT /_sandbox/faults` (JSON with any of the fields below), so one server can serve
a clean phase and a faulty phase of the same test. Paths under `/_sandbox/` are never faulted or
rate limited.

A dropped request is a real broken connection: the response starts with a `Content-Length` and the
body never comes, so the server closes the socket and the client's HTTP library raises a transport
error (httpx: `RemoteProtocolError`). A share `drop_after` of drops happens after the app handled
the request — the record exists, the client never heard — the case a client must survive by
retrying its POST, getting 409, and switching to PUT. A drop still passes an
`http.response.start` through any outer layer; such a layer tells it from an answer by
`scope["sandbox.drop"]` ("before" / "after") or by the final body message never coming.

Error bodies follow the wrapped sandbox's contract: `{"status", "error", "message"}` by default, or
the portal shape when `scope["state"]["error_style"] == "portal"`.
"""

import asyncio
import json
import logging
import math
import random
import time
from dataclasses import asdict, dataclass, fields

CONTROL_PREFIX = "/_sandbox/"
INCOMPLETE = "ASGI callable returned without completing response."


@dataclass
class Faults:
    latency_ms: float = 0.0  # added before every answer
    error_rate: float = 0.0  # share of requests answered 503
    drop_rate: float = 0.0  # share of requests whose connection is closed with no full answer
    rate_limit: float = 0.0  # requests per second allowed; 0 = unlimited; above it → 429
    seed: int | None = None
    drop_after: float = 0.5  # share of drops that happen after the app handled the request

    def update(self, values: dict) -> None:
        """Set the named fields, ignoring unknown keys; raise ValueError on a wrong type."""
        names = {f.name for f in fields(self)}
        for key, value in values.items():
            if key not in names:
                continue
            if key == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError("'seed' must be an integer or null")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"'{key}' must be a number, 0 or more")
            setattr(self, key, value)


class RateLimiter:
    """Fixed one-second windows: at most `rate` requests each; the rest learn when to come back."""

    def __init__(self):
        self.window = 0
        self.count = 0

    def retry_after(self, rate: float, now: float) -> int:
        """Count one request; return 0 if allowed, else whole seconds until the next window."""
        if rate <= 0:
            return 0
        window = int(now)
        if window != self.window:
            self.window, self.count = window, 0
        if self.count < rate:
            self.count += 1
            return 0
        return max(1, math.ceil(window + 1 - now))


class FaultMiddleware:
    """Apply `Faults` to every HTTP request except the sandbox's own control paths."""

    control_prefix = CONTROL_PREFIX

    def __init__(self, app, faults: Faults | None = None):
        self.app = app
        self.faults = faults or Faults()
        self.random = random.Random(self.faults.seed)
        self.limiter = RateLimiter()
        _quiet_intended_drops()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path == f"{self.control_prefix}faults":
            return await self._control(scope, receive, send)
        if path.startswith(self.control_prefix):
            return await self.app(scope, receive, send)
        return await self._faulted(scope, receive, send)

    async def _faulted(self, scope, receive, send):
        faults = self.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        retry_after = self.limiter.retry_after(faults.rate_limit, time.time())
        if retry_after:
            headers = {"retry-after": str(retry_after)}
            return await _send_json(send, 429, _error_body(scope, 429), headers)
        if faults.drop_rate and self.random.random() < faults.drop_rate:
            if self.random.random() < faults.drop_after:
                return await self._drop_after_handling(scope, receive, send)
            scope["sandbox.drop"] = "before"
            return await _drop(send, 503, [])
        if faults.error_rate and self.random.random() < faults.error_rate:
            return await _send_json(send, 503, _error_body(scope, 503))
        return await self.app(scope, receive, send)

    async def _drop_after_handling(self, scope, receive, send):
        """Let the app handle the request fully, then break the connection instead of answering."""
        start = {}

        async def swallow(message):
            if message["type"] == "http.response.start":
                start.update(message)

        await self.app(scope, receive, swallow)
        scope["sandbox.drop"] = "after"
        await _drop(send, start.get("status", 200), start.get("headers", []))

    async def _control(self, scope, receive, send):
        """GET shows the faults; PUT (or POST) changes the named ones."""
        if scope["method"] in ("PUT", "POST"):
            try:
                values = json.loads(await _read_body(receive) or b"{}")
                if not isinstance(values, dict):
                    raise ValueError("the body must be a JSON object")
                self.faults.update(values)
            except ValueError as exc:
                return await _send_json(send, 400, _error_body(scope, 400, str(exc)))
            if "seed" in values:
                self.random.seed(self.faults.seed)
        return await _send_json(send, 200, asdict(self.faults))


class _IntendedDropFilter(logging.Filter):
    """Hide uvicorn's complaint about the responses we cut short on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != INCOMPLETE


def _quiet_intended_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _IntendedDropFilter) for f in logger.filters):
        logger.addFilter(_IntendedDropFilter())


async def _drop(send, status: int, headers: list) -> None:
    """Promise a body and never send it: the server then closes the socket mid-response."""
    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    headers.append((b"content-length", b"1024"))
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def _read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _error_body(scope, status: int, message: str | None = None) -> dict:
    """Shape an error like the sandbox's contract does (`scope["state"]["error_style"]`)."""
    style = (scope.get("state") or {}).get("error_style") or scope.get("app_error_style")
    reason, code, default = {
        400: ("Bad Request", "invalid_request", "Invalid fault settings"),
        429: ("Too Many Requests", "rate_limited", "Too many requests"),
        503: ("Service Unavailable", "unavailable", "Service temporarily unavailable"),
    }[status]
    message = message or default
    if style == "portal":
        return {"error": {"code": code, "message": message}}
    return {"status": status, "error": reason, "message": message}


async def _send_json(send, status: int, body: dict, headers: dict | None = None) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})
