"""Trigram indexes for the admin's home search, on PostgreSQL only (a no-op on SQLite).

homes/search.py reads each table's searched fields as one text, `UPPER(a || ' ' || b …)`, and
looks words up with `LIKE '%WORD%'`; a GIN index with `gin_trgm_ops` on that same expression
answers it without reading every row. The expressions must stay identical to SearchText's
(tests/homes/test_search.py checks it).
"""

from django.db import migrations

SEARCH_INDEXES = {
    "homes_home_search_trgm": (
        "homes_home",
        "UPPER(external_id || ' ' || address_line1 || ' ' || city || ' ' || postal_code"
        " || ' ' || job_id)",
    ),
    "homes_homeowner_search_trgm": (
        "homes_homeowner",
        "UPPER(email || ' ' || first_name || ' ' || last_name)",
    ),
}


def search_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, expression) in SEARCH_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def search_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("homes", "0002_home_sync_lease_and_queue"),
    ]

    operations = [
        migrations.RunPython(search_indexes_create, search_indexes_drop, elidable=False),
    ]
