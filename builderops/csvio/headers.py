"""Classify every header of a file: imported, deliberately ignored, or ambiguous (an error).

Decided here (issue 12, item 1) — no column is ever silently dropped:
- imported: the header names a known column in any case/spacing (`External ID`, `zip`,
  `homeownerEmail`); the preview and the command say which field each one fills;
- ambiguous: the header is close to a known column (similar.py: at most two edits, one in a
  short name — `adressLine2`, `homeowner1Emial`) or names one of its fields without its owner
  (`email` in a homes file). That is an error naming the column it resembles: its values would
  otherwise be lost;
- ignored: anything else (`notes`, `Sales Rep`), listed as ignored on the preview and in the
  command's output. The `errors` column errors.csv adds is ignored too, so a fixed errors.csv
  uploads as is.
"""

from dataclasses import dataclass, field
from functools import cached_property

from builderops.csvio.errors import RowError
from builderops.csvio.similar import close_matches
from builderops.csvio.spec import Column, ImportSpec, header_key

IGNORED_KEYS = {"errors"}


@dataclass
class HeaderMap:
    """Where each known column sits: (index, column, header as written in the file)."""

    columns: list[tuple[int, Column, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ambiguous: dict[str, str] = field(default_factory=dict)  # header → the column it resembles
    width: int = 0
    row: int = 1
    headers: list[str] = field(default_factory=list)

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

    def mapping(self) -> list[dict]:
        """Say, per header in file order, what becomes of it: the field it fills (`imported`),
        nothing (`ignored`), or an error (`ambiguous`, with the column it resembles)."""
        fills = {index: column_fills(column) for index, column, _ in self.columns}
        result = []
        for index, text in enumerate(self.headers):
            if index in fills:
                result.append({"header": text, "fills": fills[index], "status": "imported"})
            elif text in self.ambiguous:
                resembles = f"nothing: it resembles {self.ambiguous[text]} (see the errors)"
                result.append({"header": text, "fills": resembles, "status": "ambiguous"})
            elif text:
                result.append({"header": text, "fills": "", "status": "ignored"})
        return result


def column_fills(column: Column) -> str:
    """Describe the field a column fills, e.g. `postalCode (ZIP code)`."""
    if not column.label or column.label == column.name:
        return column.name
    if column.label.startswith(column.name):  # `type (Single Family or Multi Family)`
        return column.label
    return f"{column.name} ({column.label})"


def headers_map(spec: ImportSpec, headers: list[str], row: int = 1) -> HeaderMap:
    """Match `headers` to `spec`'s columns; collect every header problem at once."""
    result = HeaderMap(width=len(headers), row=row, headers=headers)
    by_key = spec.column_by_key()
    unknown = []
    for index, text in enumerate(headers):
        key = header_key(text)
        if not key:
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
    claimed = unknown_classify(spec, result, unknown)
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


def unknown_classify(spec: ImportSpec, result: HeaderMap, unknown: list[str]) -> set[str]:
    """Refuse headers close to a known column, ignore the rest; return the names claimed."""
    candidates = spec.header_candidates(result.names)
    claimed = set()
    for text in unknown:
        key = header_key(text)
        names = [] if key in IGNORED_KEYS else close_matches(key, candidates)
        if not names:
            continue  # ignored: HeaderMap.mapping lists it as such
        claimed.update(names)
        resembles = " or ".join(f"“{name}”" for name in names)
        result.ambiguous[text] = resembles
        result.errors.append(
            header_error(
                result.row,
                text,
                f"isn't a column BuilderOps imports, but it resembles {resembles}",
                f"Rename it to {names[0]}, or (if it holds something else) to a name unlike "
                "any column's, which is then ignored",
            )
        )
    return claimed


def header_error(row: int, column: str, message: str, fix: str) -> RowError:
    return RowError(row=row, column=column, value="", message=message, fix=fix)
