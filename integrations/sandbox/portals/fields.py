"""Check single request-body values; each failure is a 400 naming the field's JSON path.

Money is a decimal string with two places and quantities, percents and tax rates are decimal
strings (shared/contracts/portals.md, "Resources": `"quantity": "2"`, `"taxRate": "0.0725"`);
numbers where strings belong are refused rather than guessed at.
"""

import re
from datetime import date
from decimal import Decimal

from integrations.sandbox.portals.errors import invalid

MONEY = re.compile(r"-?\d{1,12}\.\d{2}")
DECIMAL = re.compile(r"\d{1,9}(\.\d{1,6})?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def text(body: dict, name: str, path: str, *, required: bool = True, default: str = "") -> str:
    """Return a string field; a required one must be present and non-blank."""
    value = body.get(name, None if required else default)
    if not isinstance(value, str) or (required and not value.strip()):
        message = "a non-empty string" if required else "a string"
        raise invalid(path, f"{path} must be {message}.")
    return value


def nullable_text(body: dict, name: str, path: str) -> str | None:
    """Return an optional string field, None when absent or null."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid(path, f"{path} must be a string or null.")
    return value


def money(value, path: str, *, negative: bool = False) -> str:
    """Return a money string ("2500.00"); negative amounts only where credits make sense."""
    if not isinstance(value, str) or not MONEY.fullmatch(value):
        raise invalid(path, f'{path} must be a decimal string with two places, like "2500.00".')
    if value.startswith("-") and not negative:
        raise invalid(path, f"{path} must not be negative.")
    return value


def decimal_text(value, path: str, *, positive: bool = False, below_one: bool = False) -> str:
    """Return a non-negative decimal string ("2", "12.5", "0.0725")."""
    if not isinstance(value, str) or not DECIMAL.fullmatch(value):
        raise invalid(path, f'{path} must be a non-negative decimal string, like "2" or "0.0725".')
    if positive and Decimal(value) == 0:
        raise invalid(path, f"{path} must be greater than zero.")
    if below_one and Decimal(value) >= 1:
        raise invalid(path, f"{path} must be a fraction below 1, like 0.0725.")
    return value


def day(value, path: str, *, nullable: bool = False) -> str | None:
    """Return a calendar date as YYYY-MM-DD."""
    if value is None and nullable:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise invalid(path, f"{path} must be a date like 2026-03-14.") from None
    return value


def boolean(body: dict, name: str, path: str, *, default: bool = False) -> bool:
    """Return a true/false field, `default` when absent."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise invalid(path, f"{path} must be true or false.")
    return value


def choice(body: dict, name: str, path: str, allowed: tuple[str, ...], default: str) -> str:
    """Return one of `allowed`, `default` when absent."""
    value = body.get(name, default)
    if value not in allowed:
        raise invalid(path, f"{path} must be one of {', '.join(allowed)}.")
    return value


def items(body: dict, name: str, *, most: int) -> list[dict]:
    """Return a non-empty list of objects, at most `most` long."""
    value = body.get(name)
    if not isinstance(value, list) or not value or len(value) > most:
        raise invalid(name, f"{name} must be a list of 1 to {most} objects.")
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid(f"{name}[{position}]", f"{name}[{position}] must be an object.")
    return value


def email(value, path: str) -> str:
    """Return an e-mail address."""
    if not isinstance(value, str) or not EMAIL.fullmatch(value):
        raise invalid(path, f"{path} must be an e-mail address.")
    return value
