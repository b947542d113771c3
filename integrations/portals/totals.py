"""Compute change-order and purchase-order totals by the contract's formula.

shared/contracts/portals.md, "Fine points" — per line, half-up to cents at each step:
`line = round(quantity * unitCost)`, `markup = round(line * markupPercent / 100)`,
`tax = round((line + markup) * taxRate)` on taxable lines (0 otherwise); `subtotal = Σ line`,
`markupTotal = Σ markup`, `taxTotal = Σ tax`, `total = subtotal + markupTotal + taxTotal`.
A purchase order's `total = Σ round(quantity * unitCost)`. "Half-up" rounds ties away from zero,
so a credit line (negative unit cost) mirrors its debit exactly.

Independent of the sandbox's implementation on purpose: the two check each other.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """Round an amount to cents, ties away from zero."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ChangeOrderLineInput:
    quantity: Decimal
    unit_cost: Decimal
    markup_percent: Decimal = ZERO
    taxable: bool = False


@dataclass(frozen=True)
class LineAmounts:
    amount: Decimal
    markup: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ChangeOrderTotals:
    subtotal: Decimal
    markup_total: Decimal
    tax_total: Decimal
    total: Decimal


def change_order_line_amounts(line: ChangeOrderLineInput, tax_rate: Decimal) -> LineAmounts:
    """Compute one line's amount, markup and tax, each rounded to cents."""
    amount = cents(line.quantity * line.unit_cost)
    markup = cents(amount * line.markup_percent / HUNDRED)
    tax = cents((amount + markup) * tax_rate) if line.taxable else ZERO
    return LineAmounts(amount, markup, tax)


def change_order_totals(
    lines: Iterable[ChangeOrderLineInput], tax_rate: Decimal
) -> ChangeOrderTotals:
    """Sum the per-line amounts into a change order's subtotal, markup, tax and total."""
    amounts = [change_order_line_amounts(line, tax_rate) for line in lines]
    subtotal = sum((a.amount for a in amounts), ZERO)
    markup_total = sum((a.markup for a in amounts), ZERO)
    tax_total = sum((a.tax for a in amounts), ZERO)
    return ChangeOrderTotals(subtotal, markup_total, tax_total, subtotal + markup_total + tax_total)


def purchase_order_total(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Sum `(quantity, unit_cost)` lines, each rounded to cents."""
    return sum((cents(quantity * unit_cost) for quantity, unit_cost in lines), ZERO)
