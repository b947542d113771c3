"""Parse list parameters and issue opaque cursors (shared/contracts/portals.md, "Lists").

`limit` defaults to 100, at most 500; `cursor` comes from the previous page; `updatedSince` is an
ISO 8601 timestamp, inclusive. Each bad one is a 400 naming it ("Fine points"). A cursor is the
position after the previous page, bound by an HMAC to the path and filters it was issued for:
anything else — edited, made up, or replayed against other filters — is an unknown cursor.
Positions are creation order, so records edited while a client pages are neither lost nor repeated
within the walk; a later incremental pull picks up the edits.
"""

import base64
import binascii
import hashlib
import hmac

from integrations.sandbox.portals.clock import parse_timestamp
from integrations.sandbox.portals.errors import invalid
from integrations.sandbox.portals.store import PageQuery

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
PROJECT_STATUSES = frozenset({"presale", "open", "closed", "warranty"})
_CURSOR_KEY = b"builderops-portal-sandbox-cursor"


def page_query(path: str, params, *, filters_status: bool = False) -> PageQuery:
    """Validate a list request's parameters into a `PageQuery`. Raises a 400 `ApiError`."""
    since = _since(params.get("updatedSince"))
    statuses = _statuses(params.get("status")) if filters_status else None
    scope = _scope(path, params, filters_status)
    return PageQuery(
        limit=_limit(params.get("limit")),
        after=cursor_decode(params.get("cursor"), scope),
        since=since,
        statuses=statuses,
    )


def next_cursor(path: str, params, after: int | None, *, filters_status: bool = False):
    """Return the cursor for the page after `after`, or None at the end."""
    if after is None:
        return None
    return cursor_encode(after, _scope(path, params, filters_status))


def cursor_encode(after: int, scope: str) -> str:
    """Return an opaque cursor for position `after` within `scope`."""
    payload = f"{after}"
    signature = _sign(payload, scope)
    return base64.urlsafe_b64encode(f"{payload}.{signature}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str | None, scope: str) -> int:
    """Return the position a cursor stands for; 0 without one. Raises a 400 for an unknown one."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        payload, signature = raw.split(".")
        after = int(payload)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("cursor", "Unknown cursor; start again without one.") from None
    if after < 0 or not hmac.compare_digest(signature, _sign(payload, scope)):
        raise invalid("cursor", "Unknown cursor; start again without one.")
    return after


def _sign(payload: str, scope: str) -> str:
    message = f"{scope}\n{payload}".encode()
    return hmac.new(_CURSOR_KEY, message, hashlib.sha256).hexdigest()[:20]


def _scope(path: str, params, filters_status: bool) -> str:
    status = params.get("status") if filters_status else None
    return f"{path}|{params.get('updatedSince')}|{status}"


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit():
        raise invalid("limit", "limit must be a whole number from 1 to 500.")
    limit = int(raw)
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid("limit", "limit must be a whole number from 1 to 500.")
    return limit


def _since(raw: str | None):
    if raw is None:
        return None
    try:
        return parse_timestamp(raw)
    except ValueError:
        raise invalid("updatedSince", "updatedSince must be an ISO 8601 timestamp.") from None


def _statuses(raw: str | None) -> frozenset[str] | None:
    if raw is None:
        return None
    statuses = frozenset(raw.split(","))
    if not statuses <= PROJECT_STATUSES:
        raise invalid("status", "status must be presale, open, closed or warranty.")
    return statuses
