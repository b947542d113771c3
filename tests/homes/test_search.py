"""The home search's SQL matches the trigram indexes the migration builds, so it stays fast."""

import importlib
import re

import pytest
from django.db import connection

from homes.models import Home, Homeowner
from homes.search import homeowners_search, homes_search
from tests.factories import HomeFactory, HomeownerFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("homes.migrations.0003_search_trigram_indexes")


def normalized(sql: str) -> str:
    """Drop quoting and table aliases, so ORM SQL compares with a hand-written expression."""
    sql = re.sub(r'"[^"]+"\.', "", sql).replace('"', "")
    return re.sub(r"\bU\d+\.", "", sql)


@pytest.mark.parametrize(
    ("index", "term"), [("homes_home_search_trgm", "Maple"), ("homes_homeowner_search_trgm", "x@y")]
)
def test_the_search_filters_on_exactly_the_indexed_expression(index, term):
    _, expression = migration.SEARCH_INDEXES[index]
    sql = str(homes_search(Home.objects.all(), term).query)
    assert f"{expression} LIKE" in normalized(sql) or f"{expression}::text LIKE" in normalized(sql)


def test_postgresql_answers_a_search_from_the_trigram_indexes():
    if connection.vendor != "postgresql":
        # SQLite has no trigram index: the test above pins the SQL these indexes serve.
        assert connection.vendor == "sqlite"
        return
    HomeFactory.create_batch(30, address_line1="1 Elm St")
    HomeownerFactory(email="pat@example.com")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE homes_home")
        cursor.execute("ANALYZE homes_homeowner")
        cursor.execute("SET enable_seqscan = off")  # tiny tables: ask whether the index fits
        sql, params = homes_search(Home.objects.all(), "maple").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "homes_home_search_trgm" in plan
    assert "homes_homeowner_search_trgm" in plan


def test_an_email_is_looked_up_among_homeowners_only():
    home = HomeFactory(address_line1="1 pat@example.com Way")  # odd, but it shows the rule
    other = HomeFactory()
    HomeownerFactory(home=other, email="pat@example.com")
    assert list(homes_search(Home.objects.all(), "PAT@example.com")) == [other]
    assert home in homes_search(Home.objects.all(), "example.com")


def test_homeowners_are_found_by_email_or_name_in_any_case():
    pat = HomeownerFactory(email="pat@example.com", first_name="Pat", last_name="Lee")
    HomeownerFactory(email="sam@example.com", first_name="Sam", last_name="Lee")
    found = homeowners_search(Homeowner.objects.all(), "PAT lee")
    assert list(found) == [pat]


def test_short_words_narrow_what_longer_words_found():
    oak_st = HomeFactory(address_line1="12 Oak St")
    HomeFactory(address_line1="12 Oak Ct")
    assert list(homes_search(Home.objects.all(), "Oak St")) == [oak_st]
