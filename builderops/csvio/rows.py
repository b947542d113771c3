"""One row of a file on its way through a pass."""

from builderops.csvio.errors import RowError


class Row:
    """A row's cells, parsed values and verdict (state: new / updated / unchanged / invalid)."""

    __slots__ = (
        "cells",
        "changed",
        "children",
        "errors",
        "extra",
        "key",
        "number",
        "obj",
        "parent",
        "state",
        "to_draft",
        "values",
    )

    def __init__(self, number: int, cells: list[str]):
        self.number = number
        self.cells = cells
        self.values: dict = {}
        self.extra: dict = {}
        self.errors: list[RowError] = []
        self.key: str | None = None
        self.parent = None
        self.obj = None
        self.state = "invalid"
        self.changed: list[str] = []
        self.to_draft = False
        self.children = None

    def error(self, column: str, value: str, message: str, fix: str) -> None:
        self.errors.append(RowError(self.number, column, value, message, fix))
        self.state = "invalid"


def rows_text(numbers: list[int], limit: int = 5) -> str:
    """Say "row 7", "rows 7 and 9" or "rows 2, 3, 4, 5, 6 and 4 more"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    shown = [str(n) for n in numbers[:limit]]
    if len(numbers) > limit:
        return f"rows {', '.join(shown)} and {len(numbers) - limit} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"
