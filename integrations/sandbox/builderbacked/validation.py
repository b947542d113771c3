"""Check request bodies field by field; the first problem found is the one answered.

builder-backed.md, Fine points: one response names one problem; a null required field counts as
missing, a value of only spaces as blank. Fields are checked in the order the contract lists them.
Each validator returns a clean dict holding every field of the record (absent optional → None),
which is exactly what PUT-replaces needs.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from homes.states import USPS_STATES

from .errors import bad_request, invalid, required

HOME_TYPES = ("Single Family", "Multi Family")
POSTAL_CODE = re.compile(r"\d{5}(-\d{4})?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HOMEOWNER_NAMES = ("firstName", "lastName", "middleName", "prefix", "suffix")
# A real address needs a dotted domain; `allowlist=()` refuses Django's default "localhost".
EMAIL = EmailValidator(allowlist=())


def required_string(body: dict, field: str) -> str:
    """Return a present, non-blank string, or raise the contract's 400."""
    value = body.get(field)
    if value is None:
        raise required(field)
    if not isinstance(value, str):
        raise invalid(field)
    if not value.strip():
        raise required(field)
    return value


def optional_string(body: dict, field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise invalid(field)
    return value


def optional_boolean(body: dict, field: str, default: bool) -> bool:
    value = body.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid(field)
    return value


def optional_date(body: dict, field: str) -> str | None:
    """Accept only YYYY-MM-DD naming a real day (builder-backed.md, Home: ISO 8601 date)."""
    value = optional_string(body, field)
    if value is None:
        return None
    if not ISO_DATE.fullmatch(value):
        raise invalid(field)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise invalid(field) from None
    return value


def location_body(body: dict, parent_field: str, *, with_active: bool) -> dict:
    """Validate a division / master community / neighborhood body (POST, or PUT with `active`)."""
    clean = {
        "externalId": required_string(body, "externalId"),
        "name": required_string(body, "name"),
        parent_field: required_string(body, parent_field),
        "displayName": optional_string(body, "displayName"),
        "abbreviatedName": optional_string(body, "abbreviatedName"),
    }
    # builder-backed.md, Location PUT: `active` may be sent; PUT replaces, so absent → active.
    clean["active"] = optional_boolean(body, "active", True) if with_active else True
    return clean


def home_body(body: dict) -> dict:
    """Validate a home body in the order of builder-backed.md, Home — POST body."""
    clean = {
        "externalId": required_string(body, "externalId"),
        "addressLine1": required_string(body, "addressLine1"),
        "addressLine2": optional_string(body, "addressLine2"),
        "city": required_string(body, "city"),
        "state": _state(body),
        "postalCode": _postal_code(body),
        "type": _home_type(body),
        "neighborhoodExternalId": required_string(body, "neighborhoodExternalId"),
        "marketHome": optional_boolean(body, "marketHome", False),
        "jobId": optional_string(body, "jobId"),
        "productCollection": optional_string(body, "productCollection"),
        "model": optional_string(body, "model"),
        "closingDate": optional_date(body, "closingDate"),
        "scheduledClosingDate": optional_date(body, "scheduledClosingDate"),
    }
    # builder-backed.md, Fine points: a PUT without `homeowners` keeps them; null counts as absent.
    if body.get("homeowners") is not None:
        clean["homeowners"] = homeowners_list(body["homeowners"])
    return clean


def homeowners_list(value) -> list[dict]:
    """Validate a `homeowners` array: a list of homeowner objects."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid("homeowners")
    return [homeowner_body(item) for item in value]


def homeowner_body(body: dict) -> dict:
    """Validate one homeowner: `email` required and a valid address, names optional strings."""
    clean = {"email": _email(body)}
    for field in HOMEOWNER_NAMES:
        clean[field] = optional_string(body, field)
    return clean


def _email(body: dict) -> str:
    value = body.get("email")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise required("email")
    if not isinstance(value, str):
        raise bad_request("Email address is invalid")
    try:
        EMAIL(value)
    except ValidationError:
        raise bad_request("Email address is invalid") from None
    return value


def _state(body: dict) -> str:
    """A USPS two-letter code, upper case as USPS writes them."""
    value = required_string(body, "state")
    if value not in USPS_STATES:
        raise invalid("state")
    return value


def _postal_code(body: dict) -> str:
    """ZIP or ZIP+4."""
    value = required_string(body, "postalCode")
    if not POSTAL_CODE.fullmatch(value):
        raise invalid("postalCode")
    return value


def _home_type(body: dict) -> str:
    """builder-backed.md, Home: exactly `Single Family` or `Multi Family`, no other spelling."""
    value = required_string(body, "type")
    if value not in HOME_TYPES:
        raise invalid("type")
    return value
