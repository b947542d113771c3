"""Admin columns and read-only fields that format a model field (builderops/core/formatting.py).

Use them in `list_display` and `readonly_fields` (and `fields`) in place of the field's name:

    list_display = ("number", money_column(ChangeOrder, "total"),
                    flag_column(ChangeOrder, "totals_mismatch"))

Each keeps the field's verbose name as its header and sorts by the field.
"""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from builderops.core import formatting


def _field_column(model, name: str, render):
    def column(obj):
        return render(getattr(obj, name))

    column.__name__ = name  # the CSS class "field-<name>" stays the field's own
    column.__qualname__ = name
    description = model._meta.get_field(name).verbose_name
    return admin.display(description=description, ordering=name)(column)


def money_column(model, name: str):
    """Show an amount with thousands separators and two places, right-aligned."""
    return _field_column(
        model,
        name,
        lambda v: format_html('<span class="money">{}</span>', formatting.money_text(v)),
    )


def percent_column(model, name: str):
    """Show a rate as a percentage."""
    return _field_column(model, name, formatting.percent_text)


def flag_column(model, name: str, *, problem: bool = True):
    """Show a boolean as "no", or "yes" — a warning badge when "yes" is a `problem`."""
    return _field_column(model, name, lambda v: formatting.yes_no(v, problem=problem))


def json_column(model, name: str):
    """Show a JSON field as a small table."""
    return _field_column(model, name, formatting.json_table)


def formatted_field(model, field, *, problems=()):
    """Return the column that shows `field` by its kind, or its name when plain is right."""
    if isinstance(field, models.JSONField):
        return json_column(model, field.name)
    if isinstance(field, models.BooleanField):
        return flag_column(model, field.name, problem=field.name in problems)
    if isinstance(field, models.DecimalField) and field.name.endswith("rate"):
        return percent_column(model, field.name)
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        return money_column(model, field.name)
    return field.name


def formatted_fields(model, *, problems=(), exclude=()) -> list:
    """List `model`'s fields for a read-only page, each shown by its kind (money, JSON, …).

    `problems` names the booleans whose "yes" needs attention (e.g. "deleted"); `exclude` the
    fields not worth showing (hashes, bookkeeping).
    """
    return [
        formatted_field(model, field, problems=problems)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in exclude
    ]
