"""`{% load ops %}`: the formatting rules of builderops/core/formatting.py as template filters.

{{ order.total|money }}  {{ order.tax_rate|percent }}  {{ order.totals_mismatch|problem }}
{{ run.counts|json_table }}  {{ run.requests_made|counted:"request" }}
"""

from django import template

from builderops.core import formatting

register = template.Library()


@register.filter
def money(value) -> str:
    """Format an amount: "4,009.08"; "—" when there is none."""
    return formatting.money_text(value)


@register.filter
def percent(value) -> str:
    """Format a rate as a percentage: 0.065 → "6.5%"."""
    return formatting.percent_text(value)


@register.filter
def yesno_plain(value):
    """Say "yes" or "no"."""
    return formatting.yes_no(value)


@register.filter
def problem(value):
    """Say "no", or "yes" as a warning badge."""
    return formatting.yes_no(value, problem=True)


@register.filter
def json_table(value):
    """Render JSON as a small table."""
    return formatting.json_table(value)


@register.filter
def counted(count, nouns: str) -> str:
    """Say a count with its noun: {{ n|counted:"request" }} or {{ n|counted:"entry,entries" }}."""
    singular, _, plural_form = nouns.partition(",")
    return formatting.plural(count or 0, singular, plural_form)


@register.filter
def field_label(name: str) -> str:
    """Turn a field name into a column header: "review_state" → "Review state"."""
    return formatting.label_text(name)


@register.filter
def field_display(obj, name: str):
    """Show a field of `obj` as a person reads it: a choice's label, "—" for nothing."""
    shown = getattr(obj, f"get_{name}_display", None)
    value = shown() if callable(shown) else getattr(obj, name, None)
    return formatting.NONE if value in (None, "") else value
