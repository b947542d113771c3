"""Compute change-order and purchase-order totals the way the portals do, and format money.

Follows shared/contracts/portals.md, "Fine points": per line, half-up to cents at each step —
`line = round(quantity * unitCost)`, `markup = round(line * markupPercent / 100)`,
`tax = round((line + markup) * taxRate)` on taxable lines, 0 otherwise; the totals are the sums
and `total = subtotal + markupTotal + taxTotal`. A purchase order's
`total = Σ round(quantity * unitCost)`.
Money leaves this module as a decimal string with two places ("412500.00"), never a float.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_cents(amount: Decimal) -> Decimal:
    """Round to cents, ties away from zero (the contract's "half-up")."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    """Format an amount as a two-place decimal string, never "-0.00"."""
    rounded = round_cents(amount)
    return format(rounded if rounded else ZERO, "f")


def change_order_line_amounts(item: Mapping, tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Return (line, markup, tax) for one change-order line item, each already in cents."""
    line = round_cents(Decimal(item["quantity"]) * Decimal(item["unitCost"]))
    markup = round_cents(line * Decimal(item.get("markupPercent") or "0") / 100)
    tax = round_cents((line + markup) * tax_rate) if item.get("taxable") else ZERO
    return line, markup, tax


def change_order_totals(line_items: Iterable[Mapping], tax_rate: str | Decimal) -> dict[str, str]:
    """Return `subtotal`, `markupTotal`, `taxTotal` and `total` as money strings."""
    rate = Decimal(tax_rate)
    subtotal = markup_total = tax_total = ZERO
    for item in line_items:
        line, markup, tax = change_order_line_amounts(item, rate)
        subtotal += line
        markup_total += markup
        tax_total += tax
    return {
        "subtotal": money(subtotal),
        "markupTotal": money(markup_total),
        "taxTotal": money(tax_total),
        "total": money(subtotal + markup_total + tax_total),
    }


def purchase_order_total(line_items: Iterable[Mapping]) -> str:
    """Return a purchase order's total: the sum of each line rounded to cents."""
    total = sum(
        (round_cents(Decimal(i["quantity"]) * Decimal(i["unitCost"])) for i in line_items), ZERO
    )
    return money(total)
