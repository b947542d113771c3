"""A small router: match method and path, then authenticate, check scope, parse the body.

builder-backed.md, Fine points: checks run authentication (401), scope (403), body (400), then
references (404/409); the last two happen in the handlers and the store. Paths are matched on the
raw (still percent-encoded) path so an external id may hold any character, `/` included.
"""

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote

from starlette.requests import Request

from .errors import ApiError, bad_request


@dataclass
class Call:
    """One matched request as a handler sees it."""

    request: Request
    params: tuple[str, ...]
    body: dict | None = None
    created: bool = False  # set by a handler that created a record; copied into the request log


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable[[Call], Awaitable]
    # "api": bearer token needed, plus `scope` unless it is None; "open": no auth at all.
    kind: str = "api"
    scope: str | None = None
    json_body: bool = False


def route(method: str, path: str, handler, **options) -> Route:
    """Build a route; `{}` in `path` is one path segment handed to the handler."""
    pattern = re.compile("^" + re.escape(path).replace(r"\{\}", "([^/]+)") + "$")
    options.setdefault("json_body", method in ("POST", "PUT"))
    return Route(method, pattern, handler, **options)


def match(routes: list[Route], method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    """Find the route; unknown path → 404, known path with another method → 405."""
    allowed = []
    for candidate in routes:
        found = candidate.pattern.match(path)
        if not found:
            continue
        if candidate.method == method:
            return candidate, tuple(unquote(group) for group in found.groups())
        allowed.append(candidate.method)
    if allowed:
        raise ApiError(
            405,
            f"Method {method} is not allowed on {path}",
            headers={"Allow": ", ".join(allowed)},
        )
    raise ApiError(404, f"No endpoint at {method} {path}")


def raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1").split("?", 1)[0] if raw else request.scope["path"]


async def json_object(request: Request) -> dict:
    """Parse the body as one JSON object, or raise a 400 in the contract's error shape."""
    raw = await request.body()
    if not raw.strip():
        raise bad_request("Request body must be a JSON object")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body
