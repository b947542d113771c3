"""Change-order and purchase-order totals follow the contract's rounding rule exactly
(portals.md, "Fine points": half-up to cents per line at each step, then sums)."""

import math
import re
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from integrations.sandbox.portals.totals import change_order_totals, money, purchase_order_total

TWO_PLACES = re.compile(r"-?\d+\.\d{2}")


def cents(amount: Fraction) -> Fraction:
    """Round half away from zero to cents, with exact fractions (independent of Decimal)."""
    sign = -1 if amount < 0 else 1
    return sign * Fraction(math.floor(abs(amount) * 100 + Fraction(1, 2)), 100)


def reference_totals(lines: list[dict], tax_rate: str) -> dict[str, Fraction]:
    rate = Fraction(tax_rate)
    subtotal = markup_total = tax_total = Fraction(0)
    for item in lines:
        line = cents(Fraction(item["quantity"]) * Fraction(item["unitCost"]))
        markup = cents(line * Fraction(item["markupPercent"]) / 100)
        tax = cents((line + markup) * rate) if item["taxable"] else Fraction(0)
        subtotal, markup_total, tax_total = subtotal + line, markup_total + markup, tax_total + tax
    return {
        "subtotal": subtotal,
        "markupTotal": markup_total,
        "taxTotal": tax_total,
        "total": subtotal + markup_total + tax_total,
    }


def decimal_text(min_value: str, max_value: str, places: int):
    return st.decimals(Decimal(min_value), Decimal(max_value), places=places).map(str)


line_items = st.fixed_dictionaries(
    {
        "description": st.just("Labor"),
        "costCode": st.just("01-5000"),
        "quantity": decimal_text("0.0001", "5000", 4),
        "unitCost": st.integers(-5_000_000, 5_000_000).map(lambda c: money(Decimal(c) / 100)),
        "markupPercent": decimal_text("0", "100", 3),
        "taxable": st.booleans(),
    }
)
tax_rates = decimal_text("0", "0.15", 4)


@given(st.lists(line_items, max_size=12), tax_rates)
def test_totals_match_an_exact_fraction_computation_of_the_rule(lines, tax_rate):
    totals = change_order_totals(lines, tax_rate)
    expected = reference_totals(lines, tax_rate)
    assert {name: Fraction(value) for name, value in totals.items()} == expected


@given(st.lists(line_items, max_size=12), tax_rates)
def test_total_is_the_sum_of_the_parts_and_every_amount_has_two_places(lines, tax_rate):
    totals = change_order_totals(lines, tax_rate)
    assert all(TWO_PLACES.fullmatch(value) for value in totals.values()), totals
    parts = (
        Decimal(totals["subtotal"]) + Decimal(totals["markupTotal"]) + Decimal(totals["taxTotal"])
    )
    assert Decimal(totals["total"]) == parts


@given(st.lists(line_items, max_size=12), tax_rates)
def test_non_taxable_lines_add_no_tax(lines, tax_rate):
    taxable_only = [line for line in lines if line["taxable"]]
    untaxed = [{**line, "taxable": False} for line in lines]
    totals = change_order_totals(lines, tax_rate)
    assert totals["taxTotal"] == change_order_totals(taxable_only, tax_rate)["taxTotal"]
    assert change_order_totals(untaxed, tax_rate)["taxTotal"] == "0.00"


@given(st.lists(line_items, max_size=12))
def test_purchase_order_total_is_the_sum_of_lines_rounded_each(lines):
    expected = sum(
        (cents(Fraction(i["quantity"]) * Fraction(i["unitCost"])) for i in lines), Fraction(0)
    )
    total = purchase_order_total(lines)
    assert TWO_PLACES.fullmatch(total)
    assert Fraction(total) == expected


def test_each_step_rounds_half_up_before_the_next():
    # line 0.05; markup 0.025 → 0.03 (half-up, not banker's 0.02); tax (0.05 + 0.03) * 0.5 = 0.04
    line = {"quantity": "1", "unitCost": "0.05", "markupPercent": "50", "taxable": True}
    assert change_order_totals([line], "0.5") == {
        "subtotal": "0.05",
        "markupTotal": "0.03",
        "taxTotal": "0.04",
        "total": "0.12",
    }


def test_rounding_per_line_differs_from_rounding_the_sum():
    # Each line: 0.333 * 1.00 = 0.333 → 0.33; three lines 0.99 (rounding the sum would give 1.00).
    line = {"quantity": "0.333", "unitCost": "1.00", "markupPercent": "0", "taxable": False}
    assert change_order_totals([line] * 3, "0")["subtotal"] == "0.99"


def test_the_contract_example_line_with_tax():
    # 2 * 150.00 = 300.00; markup 10% = 30.00; tax (330.00 * 0.0725) = 23.925 → 23.93
    line = {"quantity": "2", "unitCost": "150.00", "markupPercent": "10", "taxable": True}
    assert change_order_totals([line], "0.0725") == {
        "subtotal": "300.00",
        "markupTotal": "30.00",
        "taxTotal": "23.93",
        "total": "353.93",
    }


def test_credits_round_half_away_from_zero_and_never_print_negative_zero():
    credit = {"quantity": "1", "unitCost": "-0.05", "markupPercent": "50", "taxable": False}
    assert change_order_totals([credit], "0")["markupTotal"] == "-0.03"
    assert money(Decimal("-0.001")) == "0.00"
    assert change_order_totals([], "0.0725") == dict.fromkeys(
        ("subtotal", "markupTotal", "taxTotal", "total"), "0.00"
    )
