"""What can be wrong with a file, a row or a cell, in the words staff read."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: where (row, column), what was there (value), what is wrong, how to fix it.

    `row` counts like a spreadsheet: the header is row 1, the first record row 2. `row` is None
    for a problem with the whole file.
    """

    row: int | None
    column: str
    value: str
    message: str
    fix: str

    def line(self) -> str:
        """Render the error as one line, e.g. `row 3, column state: value "Ohio": …. Fix: …`."""
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = f': value "{shorten(self.value)}"' if self.value else ""
        stop = "" if self.message.endswith(("?", ".", "!")) else "."
        return f"{where}{value}: {self.message}{stop} Fix: {self.fix}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": shorten(self.value),
            "message": self.message,
            "fix": self.fix,
        }


class CellError(Exception):
    """A cell's value is wrong; `message` says what, `fix` says how to put it right."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


class FileError(Exception):
    """The file as a whole can't be read (not CSV, wrong encoding, missing column…)."""

    def __init__(self, message: str, fix: str, *, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.error = RowError(row=row, column=column, value="", message=message, fix=fix)


def shorten(value: str, limit: int = 80) -> str:
    """Cut a long value for display, saying how long it really was."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters)"
