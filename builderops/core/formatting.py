"""How values read on every admin page (STYLE.md habit 15): one rule per kind of value.

- Money: thousands separators and two places, "4,009.08"; "-3,515.00" for negatives; "—" for none.
- Rates: a percentage, "6.5%" for 0.065.
- Booleans: plain "yes"/"no", except where "yes" is a problem (a warning badge).
- JSON: a small table (a dict as field/value rows, a list of dicts as a table), never a blob.
- Counts with their noun: "1 request", "2 requests".

The `ops` template library (builderops/core/templatetags/ops.py) and the admin columns
(builderops/core/admin_columns.py) both call these, so a value reads the same everywhere.
"""

from decimal import Decimal, InvalidOperation

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

NONE = "—"


def money_text(value) -> str:
    """Format an amount: "4,009.08", "-3,515.00", "—" when there is none."""
    if value is None or value == "":
        return NONE
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return f"{amount:,.2f}"


def percent_text(rate) -> str:
    """Format a rate as a percentage: 0.065 → "6.5%", 0.1 → "10%"."""
    if rate is None or rate == "":
        return NONE
    percent = (Decimal(rate) * 100).quantize(Decimal("0.001")).normalize()
    return f"{percent:f}%"


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """Say a count with its noun: "1 request", "2 requests", "0 entries"."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def yes_no(value, *, problem: bool = False) -> SafeString:
    """Say yes or no; a "yes" that is a problem is a warning badge."""
    if value is None:
        return format_html("{}", NONE)
    if value and problem:
        return format_html('<span class="badge badge-warning">{}</span>', "yes")
    return format_html("{}", "yes" if value else "no")


def label_text(key) -> str:
    """Turn a JSON key into a label: "project_id" / "projectId" → "Project id"."""
    text = str(key).replace("_", " ")
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in text).strip()
    return spaced[:1].upper() + spaced[1:]


def cell_text(value) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, dict):
        return ", ".join(f"{label_text(k).lower()} {cell_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def json_table(value) -> SafeString:
    """Render JSON as a small table: a dict's keys as rows, a list of dicts' keys as columns."""
    if value in (None, "", [], {}):
        return format_html("{}", NONE)
    if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
        # {"projects": {"new": 3, …}, …}: one row per key, the inner keys as columns
        return _table([{"": label_text(k), **v} for k, v in value.items()])
    if isinstance(value, dict):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            ((label_text(k), cell_text(v)) for k, v in value.items()),
        )
        return format_html('<table class="json-table"><tbody>{}</tbody></table>', rows)
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return _table(value)
    if isinstance(value, list):
        return format_html("{}", ", ".join(cell_text(v) for v in value))
    return format_html("{}", cell_text(value))


def _table(items: list[dict]) -> SafeString:
    """Render dicts as a table, their keys (in first-seen order) as the columns."""
    keys = list(dict.fromkeys(k for item in items for k in item))
    head = format_html_join("", "<th>{}</th>", ((label_text(k),) for k in keys))
    rows = (
        (format_html_join("", "<td>{}</td>", ((cell_text(item.get(k)),) for k in keys)),)
        for item in items
    )
    return format_html(
        '<table class="json-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        head,
        format_html_join("", "<tr>{}</tr>", rows),
    )
