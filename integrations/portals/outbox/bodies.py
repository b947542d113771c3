"""Build the bodies the outbox sends, in the contract's shapes, and total them our way.

shared/contracts/portals.md, "Resources": a change-order POST sends everything but ids, number,
totals and timestamps; a selection POST is the record without ids/status/timestamps; a purchase
order sends vendor, scope and cost-coded lines. Money and rates go as decimal strings, never floats.
Totals use `integrations.portals.totals`, the one implementation of the contract's formula.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from integrations.portals.totals import (
    ChangeOrderLineInput,
    ChangeOrderTotals,
    change_order_totals,
    purchase_order_total,
)


@dataclass(frozen=True)
class ChangeOrderLineDraft:
    description: str
    cost_code: str
    quantity: Decimal
    unit_cost: Decimal
    markup_percent: Decimal = Decimal(0)
    taxable: bool = False


def decimal_text(value: Decimal) -> str:
    """Write a Decimal as the contract's plain decimal string (no exponent)."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def money_text(value: Decimal) -> str:
    """Write an amount with two places ("Project": money is a string with two places)."""
    return format(value.quantize(Decimal("0.01")), "f")


def change_order_body(
    *,
    title: str,
    description: str,
    deadline: dt.date | None,
    signature_required: bool,
    tax_rate: Decimal,
    lines: list[ChangeOrderLineDraft],
) -> dict:
    """Return a change-order POST body; it goes to the client for approval ("pending")."""
    return {
        "title": title,
        "description": description,
        "approvalStatus": "pending",
        "signatureRequired": signature_required,
        "deadline": deadline.isoformat() if deadline else None,
        "taxRate": decimal_text(tax_rate),
        "lineItems": [
            {
                "description": line.description,
                "costCode": line.cost_code,
                "quantity": decimal_text(line.quantity),
                "unitCost": money_text(line.unit_cost),
                "markupPercent": decimal_text(line.markup_percent),
                "taxable": line.taxable,
            }
            for line in lines
        ],
    }


def change_order_body_totals(body: dict) -> ChangeOrderTotals:
    """Total a change-order body by the contract's formula (what the portal must report)."""
    lines = (
        ChangeOrderLineInput(
            quantity=Decimal(item["quantity"]),
            unit_cost=Decimal(item["unitCost"]),
            markup_percent=Decimal(item.get("markupPercent") or "0"),
            taxable=bool(item.get("taxable")),
        )
        for item in body.get("lineItems") or []
    )
    return change_order_totals(lines, Decimal(body.get("taxRate") or "0"))


def purchase_order_body_total(body: dict) -> Decimal:
    """Total a purchase-order body: Σ round(quantity * unitCost) ("Fine points")."""
    return purchase_order_total(
        (Decimal(item["quantity"]), Decimal(item["unitCost"]))
        for item in body.get("lineItems") or []
    )


def reported_totals_differ(kind: str, body: dict, answer: dict) -> bool:
    """Say whether the portal's totals in its answer differ from ours for the body we sent."""
    if kind == "change_order":
        ours = change_order_body_totals(body)
        mine = {
            "subtotal": ours.subtotal,
            "markupTotal": ours.markup_total,
            "taxTotal": ours.tax_total,
            "total": ours.total,
        }
        return any(_money(answer.get(name)) != value for name, value in mine.items())
    if kind == "purchase_order":
        return _money(answer.get("total")) != purchase_order_body_total(body)
    return False


def _money(value) -> Decimal | None:
    """Read a reported amount; a missing or unreadable one is None (and so a mismatch)."""
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None
