"""The floor: PostgreSQL COPY of the same rows, with no validation, review or history.

- `copy_scratch`: the file as it is into a scratch table of text columns (COPY … CSV HEADER).
- `copy_real`: the same rows into the real homes and homeowners tables: ids reserved from the
  sequences, the neighborhood id looked up in a dict, every other column its model default;
  values go as text and PostgreSQL parses them (booleans, ISO dates; US dates set as DateStyle).
"""

import csv
from enum import Enum

from django.db import connection, transaction
from django.utils import timezone

from homes.models import Home, Homeowner
from locations.models import Neighborhood

HOME_COLUMNS = [
    "external_id", "address_line1", "address_line2", "city", "state", "postal_code",
    "home_type", "neighborhood_id", "market_home", "job_id", "product_collection", "home_model",
    "closing_date", "scheduled_closing_date",
]  # fmt: skip
OWNER_COLUMNS = ["email", "first_name", "middle_name", "last_name", "prefix", "suffix"]


def copy_scratch(path) -> int:
    """COPY the file into a fresh text table; return the rows copied."""
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" text' for name in header)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_csv_scratch")
        cursor.execute(f"CREATE TABLE bench_csv_scratch ({columns})")
        sql = "COPY bench_csv_scratch FROM STDIN WITH (FORMAT csv, HEADER true)"
        with open(path, "rb") as handle, cursor.cursor.copy(sql) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        cursor.execute("SELECT count(*) FROM bench_csv_scratch")
        return cursor.fetchone()[0]


def defaults(model, skip: set[str]) -> dict:
    """Every column's default as COPY needs it (timestamps now, enums as their values)."""
    now, values = timezone.now(), {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in skip:
            continue
        value = field.get_default()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        values[field.attname] = value.value if isinstance(value, Enum) else value
    return values


def copy_real(path) -> int:
    """COPY the file's homes and homeowners into the real tables; return the homes copied."""
    with open(path, encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    neighborhoods = dict(Neighborhood.objects.values_list("external_id", "pk"))
    home_extra = defaults(Home, set(HOME_COLUMNS))
    owner_extra = defaults(Homeowner, {"home_id", *OWNER_COLUMNS})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle = 'ISO, MDY'")
        ids = reserve(cursor, Home, rows)
        home_sql = copy_sql(Home, ["id", *HOME_COLUMNS, *home_extra])
        owner_sql = copy_sql(Homeowner, ["home_id", *OWNER_COLUMNS, *owner_extra])
        home_tail, owner_tail = tuple(home_extra.values()), tuple(owner_extra.values())
        owners = []
        with open(path, encoding="utf-8") as handle, cursor.cursor.copy(home_sql) as copy:
            reader = csv.reader(handle)
            next(reader)
            for pk, row in zip(ids, reader, strict=True):
                row[7] = neighborhoods[row[7]]
                copy.write_row(
                    (
                        pk,
                        *(cell or None if i >= 12 else cell for i, cell in enumerate(row[:14])),
                        *home_tail,
                    )
                )
                owners.append((pk, *row[14:20], *owner_tail))
        with cursor.cursor.copy(owner_sql) as copy:
            for owner in owners:
                copy.write_row(owner)
    return rows


def reserve(cursor, model, count: int) -> list[int]:
    table = model._meta.db_table
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [pk for (pk,) in cursor.fetchall()]


def copy_sql(model, columns: list[str]) -> str:
    return f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
