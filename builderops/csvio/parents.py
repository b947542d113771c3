"""Resolve the parent a row names — stored and active — or say why not, with a suggestion.

builder-backed.md ("Hierarchy"): external ids and region names match case-sensitively, and a
record's parent must exist and be active (a home's whole chain). The suggestion for an unknown
key tries the same key in another case, then typed look-alikes (l/1, O/0), then a close key
(similar.py): `NH_999` gets no suggestion of `NH_019` (issue 12).
"""

from builderops.csvio.rows import Row
from builderops.csvio.similar import candidates_fold, close_match, edit_distance, edits_allowed

SEARCHED_KEYS = 200  # distinct unknown keys per pass that get an edit-distance search
# Characters people type for one another in ids: l/I for 1, O/o for 0.
CONFUSABLES = str.maketrans({"l": "1", "I": "1", "i": "1", "O": "0", "o": "0"})


def confusables_fold(key: str) -> str:
    """Fold an id so `NH_00l`, `nh_00I` and `NH_001` compare equal."""
    return key.translate(CONFUSABLES).lower()


class ParentResolver:
    """Every stored parent of a kind, loaded once per pass, and the checks rows need."""

    def __init__(self, spec, header: str, approve: bool):
        self.ref, self.header, self.approve = spec.parent, header, approve
        self.parents = spec.parents_load()
        self.usable = [key for key, info in self.parents.items() if info.usable]
        self.folded: dict[str, str] = {}
        for key in self.usable:
            self.folded.setdefault(key.lower(), key)
            self.folded.setdefault(confusables_fold(key), key)
        self.candidates = candidates_fold(self.usable)
        self.suggestions: dict[str, str | None] = {}

    def resolve(self, row: Row) -> None:
        """Turn the parent column's key into the parent's pk, or put an error on the row."""
        key = row.values.get(self.ref.attr)
        if not key:
            return
        info = self.parents.get(key)
        if info is None:
            suggestion = self.suggest(key)
            hint = f" — did you mean “{suggestion}”?" if suggestion else ""
            row.error(self.header, key, f"unknown {self.ref.noun}{hint}", self.unknown_fix())
            return
        row.values[self.ref.attr] = info.pk
        row.parent = info  # an inactive one is refused in check() unless nothing changes

    def check(self, row: Row) -> None:
        """Refuse writing under an inactive parent, or approving under a draft one."""
        parent, noun = row.parent, self.ref.noun
        if parent is None or row.state == "unchanged":
            return  # a row that writes nothing may keep the parent it has (an export re-imported)
        if not parent.usable:
            row.error(
                self.header,
                parent.key,
                f"{noun} “{parent.key}” {parent.unusable_why}",
                f"Choose an active {noun}, or reactivate “{parent.key}” in the admin first",
            )
        elif self.approve and not parent.approved:
            row.error(
                self.header,
                parent.key,
                f"can't be approved while its {noun} “{parent.key}” is a draft",
                f"Approve the {noun} first, or import without “approve on import”",
            )

    def unknown_fix(self) -> str:
        noun = self.ref.noun
        if self.ref.by_name:
            return (
                f"Use the exact name of an active {noun} (names match case-sensitively); "
                "Builder Backed staff activate regions"
            )
        return (
            f"Use the external ID of an active {noun} (IDs match case-sensitively), or "
            f"import the {noun} first"
        )

    def suggest(self, key: str) -> str | None:
        """Suggest the usable parent key nearest to `key` (cached per distinct key)."""
        if key not in self.suggestions:
            self.suggestions[key] = self.folded.get(key.lower()) or self.near(key)
        return self.suggestions[key]

    def near(self, key: str) -> str | None:
        """Find a look-alike (`NH_00l`) or, for the first distinct keys, a key within two edits.

        The edit-distance search scans every parent, so a file naming thousands of missing
        parents searches only for the first SEARCHED_KEYS of them.
        """
        look_alike = self.folded.get(confusables_fold(key))
        if look_alike and edit_distance(key.lower(), look_alike.lower()) <= edits_allowed(key):
            return look_alike
        if len(self.suggestions) < SEARCHED_KEYS:
            return close_match(key, self.candidates)
        return None
