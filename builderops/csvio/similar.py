"""Say whether one name is a close match for another, for "did you mean …?" (issue 12).

Decided here (issue 12, item 3): a suggestion is offered only for a close match — the same text
in another case or with other separators (`nh_001`, `NH-001`), or a few edits away: two in a
long name (`adressLine2` → `addressLine2`), one in a short one (`NH_0l9` → `NH_019`). `NH_999`
is two edits from `NH_019`, but that is two of its three distinctive characters: no suggestion.
"""

import re
from collections.abc import Iterable

MAX_EDITS = 2
SEPARATORS = re.compile(r"[\s_\-]+")


def edits_allowed(text: str) -> int:
    """Allow two edits in a name of 8 characters or more, one from 3, none below."""
    return MAX_EDITS if len(text) >= 8 else 1 if len(text) >= 3 else 0


def separators_fold(text: str) -> str:
    """Fold case and separators: `NH_001`, `nh-001` and `Nh 001` become `nh001`."""
    return SEPARATORS.sub("", text).lower()


def edit_distance(a: str, b: str, limit: int = MAX_EDITS) -> int:
    """Return the Levenshtein distance of `a` and `b`, or `limit + 1` once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:  # every path through this row already costs too much
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def candidates_fold(names: Iterable[str]) -> dict[str, str]:
    """Map each name's folded form to the name, once, for repeated close_match calls."""
    return {separators_fold(name): name for name in names}


def close_matches(text: str, candidates: dict[str, str]) -> list[str]:
    """Return the names of `candidates` (from candidates_fold) nearest to `text` — all of them
    at the same, smallest distance, within edits_allowed, case and separators aside."""
    folded = separators_fold(text)
    limit = edits_allowed(folded)
    best, found = limit, []
    for key, name in candidates.items():
        distance = 0 if key == folded else edit_distance(folded, key, best)
        if distance < best or (distance == best and not found):
            best, found = distance, [name]
        elif distance == best and name not in found:
            found.append(name)
    return found if best <= limit else []


def close_match(text: str, candidates: dict[str, str]) -> str | None:
    """Return the one nearest name of close_matches, or None when there is none or a tie."""
    found = close_matches(text, candidates)
    return found[0] if len(found) == 1 else None
