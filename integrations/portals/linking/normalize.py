"""Put addresses and names in a comparable form: a portal and BuilderOps spell one house apart.

Case, punctuation and whitespace never matter; street suffixes and directionals are abbreviated
the USPS way (Publication 28, appendix C1); secondary unit designators (appendix C2: Apt, Unit,
Suite, #…) all become one form, so "Apt 2", "#2" and "Unit 2" on line 1 or line 2 agree; ZIP+4
compares by its first five digits.
"""

import re
from dataclasses import dataclass

USPS_ABBREVIATIONS = {
    "street": "st", "avenue": "ave", "av": "ave", "drive": "dr", "court": "ct", "lane": "ln",
    "road": "rd", "boulevard": "blvd", "place": "pl", "terrace": "ter", "circle": "cir",
    "trail": "trl", "parkway": "pkwy", "highway": "hwy", "square": "sq", "crossing": "xing",
    "point": "pt", "ridge": "rdg", "run": "run", "way": "way", "loop": "loop", "cove": "cv",
    "creek": "crk", "heights": "hts", "hollow": "holw", "meadow": "mdw", "meadows": "mdws",
    "path": "path", "pike": "pike", "station": "sta", "view": "vw", "village": "vlg",
    "glen": "gln", "grove": "grv", "harbor": "hbr", "hill": "hl", "hills": "hls",
    "landing": "lndg", "manor": "mnr", "park": "park", "pass": "pass", "plaza": "plz",
    "spring": "spg", "springs": "spgs", "summit": "smt", "valley": "vly", "expressway": "expy",
    "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
# Publication 28, appendix C2, the designators builders use; all mean "the unit that follows".
UNIT_DESIGNATORS = frozenset(
    {"#", "apt", "apartment", "unit", "ste", "suite", "rm", "room", "bldg", "building", "spc"}
)
# A plat lot ("Lot 12") is how a builder names a site before it has a number, not a postal unit.
LOT_DESIGNATORS = frozenset({"lot"})
_PUNCTUATION = re.compile(r"[^\w\s#]")
_WHITESPACE = re.compile(r"\s+")
_ZIP5 = re.compile(r"^\D*(\d{5})")


@dataclass(frozen=True)
class AddressForm:
    """An address reduced to what identifies the house; compare fields with ==."""

    street: str
    unit: str
    city: str
    state: str
    zip5: str

    @property
    def complete(self) -> bool:
        return bool(self.street and self.city and self.state and self.zip5)

    def key(self) -> str | None:
        """Return one string to index by, or None when too incomplete to match on."""
        if not self.complete:
            return None
        return f"{self.street}|{self.unit}|{self.city}|{self.state}|{self.zip5}"


def words(text: str) -> list[str]:
    """Lower-case `text`, drop punctuation (keeping "#"), and split it into words."""
    spaced = (text or "").lower().replace("#", " # ")
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", spaced)).split()


def address_line_normalize(line: str) -> str:
    """Lower-case, strip punctuation, collapse whitespace and abbreviate suffixes (USPS)."""
    return " ".join(USPS_ABBREVIATIONS.get(word, word) for word in words(line) if word != "#")


def street_and_unit(line1: str, line2: str = "") -> tuple[str, str]:
    """Split an address's two lines into (normalized street, unit), whatever line holds the unit."""
    street, unit, pending = [], "", None
    for word in words(f"{line1 or ''} {line2 or ''}"):
        if word in UNIT_DESIGNATORS or word in LOT_DESIGNATORS:
            pending = pending if pending == "unit" else ("lot" if word == "lot" else "unit")
            continue
        if pending == "unit" and not unit:
            unit = word
        elif pending is None:
            street.append(USPS_ABBREVIATIONS.get(word, word))
        pending = None
    return " ".join(street), unit


def zip5(postal_code: str) -> str:
    """Return the five-digit ZIP of a ZIP or ZIP+4 ("" when there is none)."""
    match = _ZIP5.match(postal_code or "")
    return match.group(1) if match else ""


def address_form(line1: str, line2: str, city: str, state: str, postal_code: str) -> AddressForm:
    """Return the comparable form of an address."""
    street, unit = street_and_unit(line1, line2)
    return AddressForm(
        street=street,
        unit=unit,
        city=address_line_normalize(city),
        state=(state or "").strip().lower(),
        zip5=zip5(postal_code),
    )


def address_key(line1: str, city: str, state: str, postal_code: str, line2: str = "") -> str | None:
    """Return the comparable form of an address as one string, or None when too incomplete."""
    return address_form(line1, line2, city, state, postal_code).key()


def person_name_normalize(name: str) -> str:
    """Return a person's name for comparison: lower case, no punctuation, single spaces."""
    return " ".join(words(name.replace("#", "")))


def name_split(full_name: str) -> tuple[str, str]:
    """Split a client's name into (first, last): the last word is the family name."""
    parts = (full_name or "").split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]
