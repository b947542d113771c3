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
        "normalised",
        "notices",
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
        self.normalised: list[tuple[str, str, str]] = []  # (column, as written, as imported)
        self.notices: list[str] = []

    def error(self, column: str, value: str, message: str, fix: str) -> None:
        self.errors.append(RowError(self.number, column, value, message, fix))
        self.state = "invalid"


def rows_text(numbers: list[int], limit: int = 5, total: int | None = None) -> str:
    """Say "row 7", "rows 7 and 9" or "rows 2, 3, 4, 5, 6 and 4 more".

    `total` is how many rows there are when `numbers` holds only the first of them.
    """
    total = len(numbers) if total is None else total
    if total == 1:
        return f"row {numbers[0]}"
    shown = [str(n) for n in numbers[:limit]]
    if total > len(shown):
        return f"rows {', '.join(shown)} and {total - len(shown):,} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"
