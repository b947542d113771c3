"""Hold every "decided here" shape of the portal API in one place (shared/contracts/portals.md).

Paths, query parameters, page and session keys, the error body, and how values are written:
money as decimal strings with two places (never floats), timestamps ISO 8601. A tenant whose real
shapes differ is adapted here; the clients above only call these names and helpers.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from integrations import errors

# --- Sessions ("Sessions") ---------------------------------------------------------------------
SESSIONS_PATH = "/sessions"
REFRESH_PATH = "/sessions/refresh"


def login_body(username: str, password: str, mfa_code: str | None) -> dict:
    """Return the POST /sessions body; `mfaCode` only when the tenant demands MFA."""
    body = {"username": username, "password": password}
    if mfa_code is not None:
        body["mfaCode"] = mfa_code
    return body


def refresh_body(refresh_token: str) -> dict:
    """Return the POST /sessions/refresh body."""
    return {"refreshToken": refresh_token}


def read_tokens(body: Any) -> tuple[str, str, float]:
    """Return accessToken, refreshToken and expiresIn from a session response, or fail."""
    if not isinstance(body, dict) or str(body.get("tokenType", "Bearer")).lower() != "bearer":
        raise errors.ApiError("Session response is not a Bearer session")
    access, refresh = body.get("accessToken"), body.get("refreshToken")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise errors.ApiError("Session response lacks accessToken or refreshToken")
    try:
        expires_in = float(body.get("expiresIn", 900))
    except (TypeError, ValueError):
        expires_in = 900.0
    return access, refresh, expires_in


# --- Resources ("Resources") -------------------------------------------------------------------
PROJECT_STATUSES = ("presale", "open", "closed", "warranty")


def segment(value: str) -> str:
    """Percent-encode an id for use as one path segment."""
    return quote(str(value), safe="")


def projects_path() -> str:
    """Return the projects list path."""
    return "/projects"


def project_path(project_id: str, resource: str) -> str:
    """Return `/projects/{id}/<resource>` (selections, change-orders, purchase-orders, …)."""
    return f"/projects/{segment(project_id)}/{resource}"


def schedule_task_path(project_id: str, task_id: str) -> str:
    """Return the path of one schedule task (PATCH)."""
    return f"{project_path(project_id, 'schedule/tasks')}/{segment(task_id)}"


# --- Lists and incremental pulls ("Lists and incremental pulls") -------------------------------
MAX_LIMIT = 500
LIMIT, CURSOR, UPDATED_SINCE, STATUS = "limit", "cursor", "updatedSince", "status"
DATA, NEXT_CURSOR = "data", "nextCursor"
IDEMPOTENCY_KEY = "Idempotency-Key"


def list_params(*, limit: int, updated_since: dt.datetime | None = None, **filters: Any) -> dict:
    """Return a list call's query: limit (≤ 500), updatedSince in ISO 8601 UTC, filters."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    params = {LIMIT: limit, **{k: v for k, v in filters.items() if v is not None}}
    if updated_since is not None:
        params[UPDATED_SINCE] = format_datetime(updated_since)
    return params


def read_page(body: Any) -> tuple[list[dict], str | None]:
    """Return a page's records and the cursor of the next page (None on the last)."""
    if not isinstance(body, dict) or not isinstance(body.get(DATA), list):
        raise errors.ApiError("List response is not a page: expected {'data': [...]}")
    return body[DATA], body.get(NEXT_CURSOR) or None


# --- Errors ("Errors") -------------------------------------------------------------------------
def error_details(response: httpx.Response) -> errors.ErrorDetails:
    """Read `{"error": {"code", "message", "field"?}}`, falling back to the reason phrase."""
    body = errors.json_or_none(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return errors.default_error_details(response)
    return errors.ErrorDetails(error["message"], error.get("code"), error.get("field"))


# --- Values ("Project": money is a decimal string with two places) ----------------------------
MONEY_FIELDS = {
    "project": ("contractPrice",),
    "selection": ("allowance", "allowanceRemaining"),
    "selection_option": ("price",),
    "change_order": ("subtotal", "markupTotal", "taxTotal", "total"),
    "line_item": ("unitCost",),
    "purchase_order": ("total",),
}
_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
CENTS = Decimal("0.01")


def parse_money(value: str | None) -> Decimal | None:
    """Return money ("412500.00") as Decimal; None stays None; floats and other shapes fail."""
    if value is None:
        return None
    if not isinstance(value, str) or not _MONEY.match(value):
        raise ValueError(f"money must be a decimal string with two places, got {value!r}")
    return Decimal(value)


def parse_decimal(value: str | None) -> Decimal | None:
    """Return a decimal string (quantity "2", taxRate "0.0725") as Decimal; floats fail."""
    if value is None:
        return None
    if not isinstance(value, str) or not _DECIMAL.match(value):
        raise ValueError(f"expected a decimal string, got {value!r}")
    return Decimal(value)


def format_money(value: Decimal) -> str:
    """Write a Decimal amount as the portal's two-place string; floats are refused."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"money must be Decimal, got {type(value).__name__}")
    try:
        return str(Decimal(value).quantize(CENTS))
    except InvalidOperation as exc:
        raise ValueError(f"not a finite amount: {value!r}") from exc


def parse_datetime(value: str | None) -> dt.datetime | None:
    """Return an ISO 8601 timestamp as an aware UTC datetime; a timestamp without offset fails."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp has no UTC offset: {value!r}")
    return parsed.astimezone(dt.UTC)


def format_datetime(value: dt.datetime) -> str:
    """Write an aware datetime as ISO 8601 UTC with a `Z`; naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError("updated_since must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def parse_date(value: str | None) -> dt.date | None:
    """Return an ISO 8601 date ("2025-03-01") as a date."""
    return None if value is None else dt.date.fromisoformat(value)
