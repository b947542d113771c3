"""The change-order formula (shared/contracts/portals.md, "Fine points"), checked by properties."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from integrations.portals.totals import (
    ChangeOrderLineInput,
    cents,
    change_order_line_amounts,
    change_order_totals,
    purchase_order_total,
)

quantities = st.decimals(min_value=0, max_value=10_000, places=4)
unit_costs = st.decimals(min_value=-100_000, max_value=100_000, places=2)
markups = st.decimals(min_value=0, max_value=100, places=3)
tax_rates = st.decimals(min_value=0, max_value=Decimal("0.15"), places=4)
lines = st.builds(ChangeOrderLineInput, quantities, unit_costs, markups, st.booleans())
line_lists = st.lists(lines, max_size=12)


def oracle_cents(value: Fraction) -> Fraction:
    """Round exactly to cents, ties away from zero — independent of decimal's rounding modes."""
    sign = -1 if value < 0 else 1
    hundredths = abs(value) * 100
    return sign * Fraction(int(hundredths + Fraction(1, 2)), 100)


def oracle_line(line: ChangeOrderLineInput, rate: Decimal) -> tuple[Fraction, Fraction, Fraction]:
    amount = oracle_cents(Fraction(line.quantity) * Fraction(line.unit_cost))
    markup = oracle_cents(amount * Fraction(line.markup_percent) / 100)
    tax = oracle_cents((amount + markup) * Fraction(rate)) if line.taxable else Fraction(0)
    return amount, markup, tax


def test_the_contract_example_rounds_tax_half_up():
    line = ChangeOrderLineInput(Decimal("2"), Decimal("150.00"), Decimal("10"), taxable=True)
    totals = change_order_totals([line], Decimal("0.0725"))
    # 330.00 * 0.0725 = 23.925 → 23.93 (half-up, not banker's 23.92)
    assert (totals.subtotal, totals.markup_total, totals.tax_total, totals.total) == (
        Decimal("300.00"), Decimal("30.00"), Decimal("23.93"), Decimal("353.93"),
    )  # fmt: skip


def test_ties_round_away_from_zero_for_credits_too():
    assert cents(Decimal("0.005")) == Decimal("0.01")
    assert cents(Decimal("-0.005")) == Decimal("-0.01")
    assert cents(Decimal("2.345")) == Decimal("2.35")


def test_rounding_happens_per_line_not_on_the_sum():
    # Each line is 0.005 → 0.01; rounding the sum (0.015) once would give 0.02, not 0.03.
    line = ChangeOrderLineInput(Decimal("1"), Decimal("0.00"), Decimal("0"), taxable=False)
    third = ChangeOrderLineInput(Decimal("0.5"), Decimal("0.01"), Decimal("0"), taxable=False)
    assert change_order_totals([third, third, third, line], Decimal(0)).subtotal == Decimal("0.03")


@given(line=lines, rate=tax_rates)
def test_each_line_matches_exact_arithmetic(line, rate):
    amounts = change_order_line_amounts(line, rate)
    assert (amounts.amount, amounts.markup, amounts.tax) == oracle_line(line, rate)


@given(items=line_lists, rate=tax_rates)
def test_total_is_the_sum_of_its_parts_in_cents(items, rate):
    totals = change_order_totals(items, rate)
    assert totals.total == totals.subtotal + totals.markup_total + totals.tax_total
    for amount in (totals.subtotal, totals.markup_total, totals.tax_total, totals.total):
        assert amount.as_tuple().exponent == -2


@given(items=line_lists, rate=tax_rates)
def test_subtotal_is_within_half_a_cent_per_line_of_the_exact_sum(items, rate):
    exact = sum((Fraction(i.quantity) * Fraction(i.unit_cost) for i in items), Fraction(0))
    drift = abs(Fraction(change_order_totals(items, rate).subtotal) - exact)
    assert drift <= Fraction(len(items), 200)


@given(first=line_lists, second=line_lists, rate=tax_rates)
def test_totals_add_up_across_split_change_orders(first, second, rate):
    whole = change_order_totals(first + second, rate)
    a, b = change_order_totals(first, rate), change_order_totals(second, rate)
    assert whole.total == a.total + b.total
    assert whole.tax_total == a.tax_total + b.tax_total


@given(items=line_lists, rate=tax_rates)
def test_a_credit_mirrors_its_debit(items, rate):
    credits = [
        ChangeOrderLineInput(i.quantity, -i.unit_cost, i.markup_percent, i.taxable) for i in items
    ]
    assert change_order_totals(credits, rate).total == -change_order_totals(items, rate).total


@given(items=st.lists(st.builds(ChangeOrderLineInput, quantities, unit_costs), max_size=12),
       rate=tax_rates)  # fmt: skip
def test_untaxed_lines_carry_no_tax(items, rate):
    assert change_order_totals(items, rate).tax_total == Decimal("0.00")


@given(items=st.lists(st.tuples(quantities, unit_costs), max_size=12))
def test_purchase_order_total_sums_rounded_lines(items):
    expected = sum((oracle_cents(Fraction(q) * Fraction(u)) for q, u in items), Fraction(0))
    total = purchase_order_total(items)
    assert total == expected
    assert total.as_tuple().exponent == -2
