"""Turn portal records (shared/contracts/portals.md, "Resources") into mirror field values.

Each `*_fields(payload)` returns `(fields, lines)`: the mirror model's field values, typed (Decimal
money, dates, aware UTC datetimes), and the line-item rows for models that have them (else None).
A malformed value raises ValueError, KeyError or TypeError; the pull records it against the project.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from integrations.portals.schema import parse_date, parse_datetime, parse_decimal, parse_money
from integrations.portals.totals import (
    ChangeOrderLineInput,
    cents,
    change_order_line_amounts,
    change_order_totals,
)

ZERO = Decimal(0)
MALFORMED = (ValueError, KeyError, TypeError, AttributeError)


@dataclass
class Row:
    """Hold one normalized record of a list answer; `deleted` rows carry no fields."""

    remote_id: str
    updated_at: datetime | None
    deleted: bool = False
    fields: dict = field(default_factory=dict)
    lines: list[dict] | None = None


def text(value) -> str:
    """Return a string field's value, "" for null."""
    return "" if value is None else str(value)


def lines_hash(lines) -> str:
    """Fingerprint a record's line items as the portal sent them."""
    canonical = json.dumps(lines or [], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def project_fields(payload: dict) -> tuple[dict, None]:
    """Map a Project."""
    address = payload.get("address") or {}
    return {
        "name": text(payload.get("name")),
        "job_number": text(payload.get("jobNumber")).strip(),
        "status": text(payload.get("status")),
        "address_line1": text(address.get("line1")),
        "address_line2": text(address.get("line2")),
        "city": text(address.get("city")),
        "state": text(address.get("state")),
        "postal_code": text(address.get("postalCode")),
        "clients": list(payload.get("clients") or []),
        "start_date": parse_date(payload.get("startDate")),
        "projected_completion_date": parse_date(payload.get("projectedCompletionDate")),
        "contract_price": parse_money(payload.get("contractPrice")),
    }, None


def selection_fields(payload: dict) -> tuple[dict, None]:
    """Map a Selection; allowance remaining is computed when the portal doesn't report it."""
    options = [dict(option) for option in payload.get("options") or []]
    chosen_id = text(payload.get("chosenOptionId"))
    chosen = (
        next((o for o in options if text(o.get("id")) == chosen_id), None) if chosen_id else None
    )
    chosen_price = parse_money(chosen.get("price")) if chosen else None
    allowance = parse_money(payload.get("allowance"))
    if "allowanceRemaining" in payload:  # CoConstruct reports it ("Selection")
        remaining = parse_money(payload["allowanceRemaining"])
    else:
        remaining = None if allowance is None else allowance - (chosen_price or ZERO)
    return {
        "category": text(payload.get("category")),
        "title": text(payload.get("title")),
        "due_date": parse_date(payload.get("dueDate")),
        "status": text(payload.get("status")),
        "allowance": allowance,
        "allowance_remaining": remaining,
        "options": options,
        "chosen_option_id": chosen_id,
        "chosen_option_name": text(chosen.get("name")) if chosen else "",
        "chosen_option_price": chosen_price,
        "approved_at": parse_datetime(payload.get("approvedAt")),
    }, None


def change_order_line(position: int, item: dict, tax_rate: Decimal) -> dict:
    """Map one change-order line item, with its amounts by the contract's formula."""
    line = ChangeOrderLineInput(
        quantity=parse_decimal(item["quantity"]),
        unit_cost=parse_money(item["unitCost"]),
        markup_percent=parse_decimal(item.get("markupPercent") or "0"),
        taxable=bool(item.get("taxable")),
    )
    amounts = change_order_line_amounts(line, tax_rate)
    return {
        "position": position,
        "description": text(item.get("description")),
        "cost_code": text(item.get("costCode")),
        "quantity": line.quantity,
        "unit_cost": line.unit_cost,
        "markup_percent": line.markup_percent,
        "taxable": line.taxable,
        "amount": amounts.amount,
        "markup": amounts.markup,
        "tax": amounts.tax,
    }


def change_order_fields(payload: dict) -> tuple[dict, list[dict]]:
    """Map a Change order; recompute its totals and flag a mismatch with the reported ones."""
    items = payload.get("lineItems") or []
    tax_rate = parse_decimal(payload.get("taxRate"))
    lines = [change_order_line(n, item, tax_rate or ZERO) for n, item in enumerate(items, 1)]
    computed = change_order_totals(
        (ChangeOrderLineInput(li["quantity"], li["unit_cost"], li["markup_percent"],
                              li["taxable"]) for li in lines),
        tax_rate or ZERO,
    )  # fmt: skip
    reported = {
        "subtotal": parse_money(payload.get("subtotal")),
        "markup_total": parse_money(payload.get("markupTotal")),
        "tax_total": parse_money(payload.get("taxTotal")),
        "total": parse_money(payload.get("total")),
    }
    recomputed = {f"computed_{name}": getattr(computed, name) for name in reported}
    mismatch = any(reported[name] != getattr(computed, name) for name in reported)
    return {
        "number": text(payload.get("number")),
        "title": text(payload.get("title")),
        "description": text(payload.get("description")),
        "approval_status": text(payload.get("approvalStatus")),
        "signature_required": bool(payload.get("signatureRequired")),
        "approved_at": parse_datetime(payload.get("approvedAt")),
        "approved_by": text(payload.get("approvedBy")),
        "deadline": parse_date(payload.get("deadline")),
        "tax_rate": tax_rate,
        **reported,
        **recomputed,
        "totals_mismatch": mismatch,
        "line_items_hash": lines_hash(items),
    }, lines


def purchase_order_fields(payload: dict) -> tuple[dict, list[dict]]:
    """Map a Purchase order and its lines (total = Σ round(quantity * unitCost))."""
    items = payload.get("lineItems") or []
    lines = []
    for position, item in enumerate(items, 1):
        quantity, unit_cost = parse_decimal(item["quantity"]), parse_money(item["unitCost"])
        lines.append({
            "position": position,
            "description": text(item.get("description")),
            "cost_code": text(item.get("costCode")),
            "quantity": quantity,
            "unit_cost": unit_cost,
            "amount": cents(quantity * unit_cost),
        })  # fmt: skip
    vendor = payload.get("vendor") or {}
    return {
        "number": text(payload.get("number")),
        "vendor_name": text(vendor.get("name")),
        "vendor_email": text(vendor.get("email")),
        "status": text(payload.get("status")),
        "scope_of_work": text(payload.get("scopeOfWork")),
        "total": parse_money(payload.get("total")),
        "computed_total": sum((line["amount"] for line in lines), Decimal("0.00")),
        "line_items_hash": lines_hash(items),
    }, lines


def schedule_task_fields(payload: dict) -> tuple[dict, None]:
    """Map a Schedule task."""
    return {
        "title": text(payload.get("title")),
        "start_date": parse_date(payload.get("startDate")),
        "end_date": parse_date(payload.get("endDate")),
        "progress_percent": int(payload.get("progressPercent") or 0),
        "predecessor_ids": [str(i) for i in payload.get("predecessorIds") or []],
        "assignees": list(payload.get("assignees") or []),
    }, None


def row_from_payload(payload: dict, mapper) -> Row:
    """Normalize one list item: a tombstone (`deleted: true`) or a live record."""
    remote_id = str(payload["id"])
    updated_at = parse_datetime(payload.get("updatedAt"))
    if payload.get("deleted"):
        return Row(remote_id, updated_at, deleted=True)
    fields, lines = mapper(payload)
    fields["remote_updated_at"] = updated_at
    return Row(remote_id, updated_at, fields=fields, lines=lines)
