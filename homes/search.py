"""Find homes by what staff type into the admin's search box, fast at 100,000 homes.

Every word must match somewhere (like the admin's own search), ignoring case: in the home's
external ID, address, city, ZIP or job ID, or in a homeowner's email or name. A word with an
"@" is an email address and is looked up among homeowners' emails only.

On PostgreSQL each table's searched fields are read as one text, `UPPER(a || ' ' || b …)`, which
homes/migrations/0003_search_trigram_indexes.py indexes with pg_trgm under that same expression.
A word of three or more characters becomes `id IN (homes matching UNION homes of owners
matching)`: two index lookups, whatever the number of homes. A shorter word can't use a trigram
index; it is checked row by row on the homes the longer words already found.
"""

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField
from django.utils.text import smart_split, unescape_string_literal

from homes.models import Home, Homeowner

# The expressions the trigram indexes are built on: change both together.
HOME_SEARCH_FIELDS = ("external_id", "address_line1", "city", "postal_code", "job_id")
OWNER_SEARCH_FIELDS = ("email", "first_name", "last_name")
TRIGRAM = 3  # pg_trgm can't use its index for a shorter pattern


class SearchText(Func):
    """`UPPER(a || ' ' || b || …)`: the fields of a row as one upper-case text."""

    template = "UPPER(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, *fields: str):
        super().__init__(*(F(field) for field in fields))


def search_terms(search_term: str) -> list[str]:
    """Split a search box entry the way the admin does ("quoted phrases" stay whole)."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            terms.append(bit.strip())
    return terms


def homes_text_contains(term: str) -> QuerySet:
    return (
        Home.objects.order_by()
        .alias(text=SearchText(*HOME_SEARCH_FIELDS))
        .filter(text__contains=term.upper())
    )


def owners_text_contains(term: str) -> QuerySet:
    return (
        Homeowner.objects.order_by()
        .alias(text=SearchText(*OWNER_SEARCH_FIELDS))
        .filter(text__contains=term.upper())
    )


def home_ids_matching(term: str) -> QuerySet:
    """Select ids of homes with `term` in their own fields or their homeowners' fields."""
    owners = owners_text_contains(term).values("home_id")
    if "@" in term:
        return owners
    return homes_text_contains(term).values("pk").union(owners)


def homes_search(queryset: QuerySet, search_term: str) -> QuerySet:
    """Narrow `queryset` to homes matching every word of `search_term`; no duplicates."""
    for term in sorted(search_terms(search_term), key=len, reverse=True):
        if len(term) >= TRIGRAM:
            queryset = queryset.filter(pk__in=home_ids_matching(term))
        else:  # checked on each row the other words left
            in_owners = Exists(owners_text_contains(term).filter(home=OuterRef("pk")))
            queryset = queryset.alias(search_text=SearchText(*HOME_SEARCH_FIELDS)).filter(
                Q(search_text__contains=term.upper()) | Q(in_owners)
            )
    return queryset


def homeowners_search(queryset: QuerySet, search_term: str) -> QuerySet:
    """Narrow `queryset` (homeowners) to those whose email or name holds every word."""
    queryset = queryset.alias(search_text=SearchText(*OWNER_SEARCH_FIELDS))
    for term in search_terms(search_term):
        queryset = queryset.filter(search_text__contains=term.upper())
    return queryset
