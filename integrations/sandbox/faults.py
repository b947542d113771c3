"""Inject faults into a sandbox: latency, 5xx, dropped connections, and a request-rate limit.

`FaultMiddleware` wraps any ASGI app. Its `Faults` can be changed while the server runs through
`PUT /_sandbox/faults` (JSON with any of the fields below), so one server can serve a clean phase
and a faulty phase of the same test. Paths under `/_sandbox/` are never faulted or rate limited.
"""

import asyncio
import json
import math
import random
import time
from dataclasses import asdict, dataclass, fields


@dataclass
class Faults:
    latency_ms: float = 0.0  # added before every answer
    error_rate: float = 0.0  # share of requests answered 503
    drop_rate: float = 0.0  # share of requests whose connection is closed with no answer
    rate_limit: float = 0.0  # requests per second allowed; 0 = unlimited; above it → 429
    seed: int | None = None

    def update(self, values: dict) -> None:
        """Set the named fields, ignoring unknown keys."""
        names = {f.name for f in fields(self)}
        for key, value in values.items():
            if key in names:
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

    control_prefix = "/_sandbox/"

    def __init__(self, app, faults: Faults | None = None):
        self.app = app
        self.faults = faults or Faults()
        self.random = random.Random(self.faults.seed)  # noqa: S311 - test traffic, not crypto
        self.limiter = RateLimiter()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path == f"{self.control_prefix}faults":
            return await self._control(scope, receive, send)
        if path.startswith(self.control_prefix):
            return await self.app(scope, receive, send)
        faults = self.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        retry_after = self.limiter.retry_after(faults.rate_limit, time.time())
        if retry_after:
            return await _send_json(send, 429, _error_body(scope, 429), {"retry-after": str(retry_after)})
        if faults.drop_rate and self.random.random() < faults.drop_rate:
            raise ConnectionAbortedError("sandbox fault: dropped connection")
        if faults.error_rate and self.random.random() < faults.error_rate:
            return await _send_json(send, 503, _error_body(scope, 503))
        return await self.app(scope, receive, send)

    async def _control(self, scope, receive, send):
        if scope["method"] in ("PUT", "POST"):
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            self.faults.update(json.loads(body or b"{}"))
            if "seed" in (json.loads(body or b"{}")):
                self.random.seed(self.faults.seed)
        return await _send_json(send, 200, asdict(self.faults))


def _error_body(scope, status: int) -> dict:
    """Shape an error like the sandbox's contract does (`scope["state"]["error_style"]`)."""
    style = (scope.get("state") or {}).get("error_style") or scope.get("app_error_style")
    message = "Too many requests" if status == 429 else "Service temporarily unavailable"
    if style == "portal":
        code = "rate_limited" if status == 429 else "unavailable"
        return {"error": {"code": code, "message": message}}
    reason = "Too Many Requests" if status == 429 else "Service Unavailable"
    return {"status": status, "error": reason, "message": message}


async def _send_json(send, status: int, body: dict, headers: dict | None = None) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})
