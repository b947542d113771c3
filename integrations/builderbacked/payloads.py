"""Turn records into Builder Backed's JSON: the one place our fields meet the contract's names.

shared/contracts/builder-backed.md, "Endpoints" and "Fine points":
- `record_body` is the PUT body: every field, because PUT replaces (an optional field left out is
  cleared remotely); locations add `active`, which is how they are deactivated.
- `record_create_body` is the POST body: no `active` (a created location is active); a home
  carries its `homeowners`.
- Blank optional fields are omitted, never sent as "" (which would fail the contract's rules).
- `payload_hash` is the SHA-256 of canonical JSON: equal hashes mean nothing to send.
"""

import hashlib
import json

from homes.models import Home, Homeowner
from locations.hierarchy import parent_reference
from locations.models import LocationModel

HOME_OPTIONAL_FIELDS = (
    ("addressLine2", "address_line2"),
    ("jobId", "job_id"),
    ("productCollection", "product_collection"),
    ("model", "home_model"),
)
HOMEOWNER_FIELDS = (
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("middleName", "middle_name"),
    ("prefix", "prefix"),
    ("suffix", "suffix"),
)


def location_body(obj: LocationModel) -> dict:
    """Return a division's, master community's or neighborhood's PUT body."""
    # Each level names its parent in its own field (builder-backed.md, "Hierarchy").
    parent_key, parent_value = parent_reference(obj)
    body = {"externalId": obj.external_id, "name": obj.name, parent_key: parent_value}
    _put_optional(body, "displayName", obj.display_name)
    _put_optional(body, "abbreviatedName", obj.abbreviated_name)
    body["active"] = obj.active
    return body


def home_body(home: Home) -> dict:
    """Return a home's PUT body without `homeowners` (a PUT without them keeps the remote set)."""
    body = {
        "externalId": home.external_id,
        "addressLine1": home.address_line1,
        "city": home.city,
        "state": home.state,
        "postalCode": home.postal_code,
        "type": home.home_type,
        "marketHome": bool(home.market_home),
    }
    parent_key, parent_value = parent_reference(home)  # neighborhoodExternalId
    body[parent_key] = parent_value
    for key, attribute in HOME_OPTIONAL_FIELDS:
        _put_optional(body, key, getattr(home, attribute))
    for key, attribute in (
        ("closingDate", "closing_date"),
        ("scheduledClosingDate", "scheduled_closing_date"),
    ):
        value = getattr(home, attribute)
        if value is not None:
            body[key] = value.isoformat()
    return body


def homeowner_body(owner: Homeowner) -> dict:
    """Return one homeowner object (a `homeowners` item, or the body of POST …/users)."""
    body = {"email": owner.email}
    for key, attribute in HOMEOWNER_FIELDS:
        _put_optional(body, key, getattr(owner, attribute))
    return body


def record_body(obj) -> dict:
    """Return the full PUT body of any publishable record (homes without `homeowners`)."""
    return home_body(obj) if isinstance(obj, Home) else location_body(obj)


def record_create_body(obj, homeowners: list[dict] = ()) -> dict:
    """Return the POST body: no `active`; a home carries its homeowners when it has any."""
    body = record_body(obj)
    body.pop("active", None)
    if isinstance(obj, Home) and homeowners:
        body["homeowners"] = list(homeowners)
    return body


def payload_hash(body: dict) -> str:
    """Return the SHA-256 of `body` as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _put_optional(body: dict, key: str, value) -> None:
    if value not in (None, ""):
        body[key] = value
