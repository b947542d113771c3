"""Home and homeowner field rules, mirroring builder-backed.md ("Home — POST body")."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from homes.states import STATE_CODE_BY_NAME, USPS_STATES

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def state_validate(value: str) -> None:
    """Accept only a USPS two-letter code, upper case; suggest the code for a state's name."""
    if value in USPS_STATES:
        return
    suggestion = STATE_CODE_BY_NAME.get((value or "").strip().lower())
    if suggestion is None and (value or "").strip().upper() in USPS_STATES:
        suggestion = value.strip().upper()
    hint = f" — use {suggestion}" if suggestion else ", e.g. OH"
    raise ValidationError(
        f"“{value}” is not a USPS state code: enter the two-letter code{hint}.", code="state"
    )


def postal_code_validate(value: str) -> None:
    if not ZIP_RE.match(value or ""):
        raise ValidationError(
            f"“{value}” is not a ZIP code: enter 5 digits (45202) or ZIP+4 (45202-1234).",
            code="postal_code",
        )


email_validator = EmailValidator(
    message="Enter a valid email address, like name@example.com.", code="email"
)
