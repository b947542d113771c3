"""Describe a row in a line for the preview's samples: what it creates or what it changes."""

from builderops.csvio.rows import Row
from builderops.csvio.spec import cell_value

SHOWN_VALUES = 5
SHOWN_CHANGES = 6


def sample_describe(spec, hmap, row: Row) -> dict:
    """Return {"row", "key", "detail"} for a new, updated or unchanged row."""
    if row.state == "new":
        parts = [
            f"{header}: {row.cells[index]}" for index, _, header in hmap.columns if row.cells[index]
        ][:SHOWN_VALUES]
        detail = ", ".join(parts)
    elif row.state == "updated":
        shown = row.changed[:SHOWN_CHANGES]
        detail = "; ".join(change_text(spec, hmap, row, attr) for attr in shown)
        if len(row.changed) > SHOWN_CHANGES:
            detail += f"; and {len(row.changed) - SHOWN_CHANGES} more"
    else:
        detail = "no changes"
    return {"row": row.number, "key": row.key or "", "detail": detail}


def change_text(spec, hmap, row: Row, attr: str) -> str:
    """Say how one attribute changes, e.g. `city: “Mason” → “Dayton”`."""
    if attr == "review_state":
        return f"review: {row.obj.review_state} → approved"
    custom = spec.change_text(row, attr)
    if custom:
        return custom
    column = next((c for c in spec.columns if c.attr == attr), None)
    header = hmap.header_for(column.name) if column else attr
    if spec.parent and attr == spec.parent.attr and row.parent:
        return f"{header}: → “{row.parent.key}”"
    old, new = getattr(row.obj, attr), row.values.get(attr)
    return f"{header}: “{cell_value(old)}” → “{cell_value(new)}”"
