"""Cell parsers: each takes a trimmed, non-blank text and returns a value or raises CellError.

Messages are written to follow the cell's value in `row N, column C: value "v": message. Fix: …`.
Rules mirror builder-backed.md ("Home — POST body") and homes/validators.py.
"""

import re
from datetime import date

from builderops.csvio.errors import CellError

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
TRUE = frozenset({"true", "yes", "y", "1"})
FALSE = frozenset({"false", "no", "n", "0"})
# Cells a spreadsheet would run as a formula (OWASP "CSV injection"); tab and CR too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
# Plain addresses (name.part@host.example) that Django's EmailValidator certainly accepts; anything
# else is checked by that validator itself, which the model uses too.


def formula_escape(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would run as a formula (and to one already escaped)."""
    if text.startswith(FORMULA_START) or FORMULA_ESCAPED.match(text):
        return "'" + text
    return text


def formula_unescape(text: str) -> str:
    """Undo formula_escape, so an exported file imports back exactly."""
    if text.startswith("'") and FORMULA_ESCAPED.match(text):
        return text[1:]
    return text


def text_parser(max_length: int):
    """Return a parser accepting any text up to `max_length` characters."""

    def parse(text: str) -> str:
        if len(text) > max_length:
            raise CellError(
                f"is {len(text):,} characters long; at most {max_length} fit",
                f"Shorten it to {max_length} characters or fewer",
            )
        return text

    return parse


def external_id_parse(text: str) -> str:
    """Accept an external id: no tabs or line breaks, at most 100 characters."""
    if any(ch in text for ch in "\t\r\n"):
        raise CellError("can't contain tabs or line breaks", "Remove them from the external ID")
    return text_parser(100)(text)


def choice_parser(choices: tuple[str, ...]):
    """Return a parser accepting exactly one of `choices` (spelling and case included)."""
    by_key = {re.sub(r"[\s_\-]+", "", c).lower(): c for c in choices}
    listed = " or ".join(f"“{c}”" for c in choices)

    def parse(text: str) -> str:
        if text in choices:
            return text
        near = by_key.get(re.sub(r"[\s_\-]+", "", text).lower())
        if near:
            raise CellError(
                f"must be exactly “{near}”", f"Write {near} with that spelling and case"
            )
        raise CellError(f"must be {listed}", f"Write {' or '.join(choices)}")

    return parse


def boolean_parse(text: str) -> bool:
    """Accept true/false, yes/no, y/n, 1/0 in any case."""
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise CellError("is not true or false", "Write true or false (yes/no and 1/0 work too)")


def date_parse(text: str) -> date:
    """Accept an ISO date (2026-03-31) or a US date (03/31/2026)."""
    if match := ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := US_DATE.match(text):
        month, day, year = match.groups()
        if int(month) > 12 >= int(day) > 0:
            iso = f"{year}-{int(day):02d}-{int(month):02d}"
            raise CellError(
                "is day-first (DD/MM/YYYY), which isn't accepted",
                f"Write {iso} (YYYY-MM-DD) or {int(day):02d}/{int(month):02d}/{year} (MM/DD/YYYY)",
            )
    else:
        raise CellError("is not a date", "Write YYYY-MM-DD (2026-03-31) or MM/DD/YYYY (03/31/2026)")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(
            "is not a real calendar date", "Check the month and day (YYYY-MM-DD or MM/DD/YYYY)"
        ) from None
