"""Map a file's header row to a kind's columns, reporting missing, misspelt and unknown ones.

Decided here: a header that closely resembles a known column is an error (its values would
otherwise be silently dropped); any other unknown header is a warning and its values are ignored.
The `errors` column that errors.csv adds is ignored, so a fixed errors.csv uploads as is.
"""

import difflib
from dataclasses import dataclass, field
from functools import cached_property

from builderops.csvio.errors import RowError
from builderops.csvio.spec import Column, ImportSpec, header_key

IGNORED_KEYS = {"errors"}
MISSPELLING_CUTOFF = 0.8


@dataclass
class HeaderMap:
    """Where each known column sits: (index, column, header as written in the file)."""

    columns: list[tuple[int, Column, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    width: int = 0
    row: int = 1

    def header_for(self, name: str) -> str:
        """Return the header as written for the contract column `name` (or `name`)."""
        for _, column, header in self.columns:
            if column.name == name:
                return header
        return name

    @property
    def names(self) -> set[str]:
        return {column.name for _, column, _ in self.columns}

    @cached_property
    def has_children(self) -> bool:
        """Say whether the file has columns of records inside a row (e.g. homeowner1Email)."""
        return any("." in column.attr for _, column, _ in self.columns)


def headers_map(spec: ImportSpec, headers: list[str], row: int = 1) -> HeaderMap:
    """Match `headers` to `spec`'s columns; collect every header problem at once."""
    result = HeaderMap(width=len(headers), row=row)
    by_key = spec.column_by_key()
    unknown = []
    for index, text in enumerate(headers):
        key = header_key(text)
        if not key or key in IGNORED_KEYS:
            continue
        column = by_key.get(key) or spec.dynamic_column(key)
        if column is None:
            unknown.append(text)
        elif column.name in result.names:
            result.errors.append(
                header_error(
                    row,
                    text,
                    f"repeats the column “{result.header_for(column.name)}”",
                    "Keep one of the two columns and delete the other",
                )
            )
        else:
            result.columns.append((index, column, text))
    claimed = unknown_check(spec, result, unknown)
    for column in spec.columns:
        if column.required and column.name not in result.names | claimed:
            result.errors.append(
                header_error(
                    row,
                    column.name,
                    "the required column is missing",
                    f"Add a column headed {column.name} (the template has every column)",
                )
            )
    return result


def unknown_check(spec: ImportSpec, result: HeaderMap, unknown: list[str]) -> set[str]:
    """Flag likely misspellings as errors and the rest as warnings; return the names claimed."""
    known = {header_key(c.name): c.name for c in spec.columns if c.name not in result.names}
    claimed = set()
    for text in unknown:
        close = difflib.get_close_matches(header_key(text), known, n=1, cutoff=MISSPELLING_CUTOFF)
        if close:
            name = known[close[0]]
            claimed.add(name)
            result.errors.append(
                header_error(
                    result.row,
                    text,
                    f"isn't a column BuilderOps knows — did you mean “{name}”?",
                    f"Rename the column to {name}",
                )
            )
        else:
            result.warnings.append(
                f"The column “{text}” isn't one BuilderOps imports: its values are ignored."
            )
    return claimed


def header_error(row: int, column: str, message: str, fix: str) -> RowError:
    return RowError(row=row, column=column, value="", message=message, fix=fix)
