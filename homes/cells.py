"""Cell parsers for homes' CSV columns (US states, ZIP codes, emails), used by homes/imports.py.

Each raises the CSV framework's CellError(message, fix), like the generic parsers in
builderops/csvio/cells.py.
"""

import re

from django.core.exceptions import ValidationError

from builderops.csvio.cells import text_parser
from builderops.csvio.errors import CellError
from homes.states import STATE_CODE_BY_NAME, USPS_STATES
from homes.validators import ZIP_RE, email_validator

PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9_%+\-]+(\.[A-Za-z0-9_%+\-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
)


def state_parse(text: str) -> str:
    """Accept a USPS code in any case, upper-cased (builder-backed.md: "two-letter state code").

    Issue 12: `oh` and `Oh` can only mean OH — the engine lists the change on the preview. A
    state's name is refused with its code: names are ambiguous in ways codes aren't.
    """
    code = text.upper()
    if code in USPS_STATES:
        return code
    code = STATE_CODE_BY_NAME.get(text.lower())
    if code:
        raise CellError(f"must be the two-letter code “{code}”", f"Write {code}")
    raise CellError("is not a USPS state code", "Write the two-letter code, e.g. OH for Ohio")


def postal_code_parse(text: str) -> str:
    """Accept a 5-digit ZIP or ZIP+4; spot a ZIP that lost its leading zero in Excel."""
    if ZIP_RE.match(text):
        return text
    if text.isdigit() and len(text) < 5:
        padded = text.zfill(5)
        raise CellError(
            "is not a 5-digit ZIP code: the spreadsheet probably dropped its leading zeros",
            f"Write {padded}, and format the column as Text so the zeros stay",
        )
    raise CellError("is not a ZIP code", "Write 5 digits (45202) or ZIP+4 (45202-1234)")


def email_parse(text: str) -> str:
    """Accept a valid email address of at most 254 characters."""
    if len(text) <= 254 and PLAIN_EMAIL.match(text):
        return text
    try:
        email_validator(text)
    except ValidationError:
        raise CellError(
            "is not a valid email address", "Write one address like name@example.com"
        ) from None
    return text_parser(254)(text)
