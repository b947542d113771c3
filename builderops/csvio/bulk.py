"""Insert new records and their "+" history rows in bulk — with COPY on PostgreSQL.

Elsewhere (SQLite) this is simple-history's `bulk_create_with_history`. On PostgreSQL Django's
bulk_create spends most of its time compiling parameters (measured: ~60 s for 100,000 homes with
their homeowners and history), so rows go through `COPY … FROM STDIN` instead, with primary keys
reserved from the table's sequence first. The rows written are the same: every concrete field of
the record, and for history the tracked fields plus history_date, history_change_reason,
history_type "+" and history_user — what `bulk_history_create` writes.
"""

from enum import Enum

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH = 1000


class InstanceFactory:
    """Build unsaved instances from attribute values through Django's positional __init__.

    That is the path `Model.from_db` takes; keyword construction costs several times more, which
    shows at 100,000 rows.
    """

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.index = {field.attname: i for i, field in enumerate(fields)}
        self.defaults = [field.get_default() for field in fields]
        self.callables = [(i, f) for i, f in enumerate(fields) if callable(f.default)]

    def __call__(self, values: dict):
        args = self.defaults.copy()
        for i, field in self.callables:
            args[i] = field.get_default()
        index = self.index
        for attr, value in values.items():
            args[index[attr]] = value
        return self.model(*args)


def records_insert(model, objs: list, *, user, reason: str) -> None:
    """Insert `objs` (unsaved `model` instances) and one history row each; set their pks."""
    if not objs:
        return
    if connection.vendor == "postgresql":
        copy_insert(model, objs, user=user, reason=reason)
    else:
        bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=user, default_change_reason=reason
        )


def records_update(model, objs: list, fields: list[str], *, user, reason: str) -> None:
    """Save `fields` of the stored `objs` and one "~" history row each.

    What simple-history's `bulk_update_with_history` does, but on PostgreSQL with one
    `UPDATE … FROM (VALUES …)` per batch: Django's bulk_update builds a CASE per row and field,
    measured at ~30 ms a home with its 16 review and sync fields (issue 12, item 4).
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_update_with_history(
            objs, model, fields, batch_size=BATCH, default_user=user, default_change_reason=reason
        )
        return
    with transaction.atomic(savepoint=False):
        for start in range(0, len(objs), BATCH):
            values_update(model, objs[start : start + BATCH], fields)
        model.history.bulk_history_create(
            objs, batch_size=BATCH, update=True, default_user=user, default_change_reason=reason
        )


def values_update(model, objs: list, names: list[str]) -> None:
    """UPDATE `names` (field names or attnames) of `objs` from one VALUES list."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    columns = [quote(field.column) for field in fields]
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    assignments = ", ".join(f"{column} = v.{column}" for column in columns[1:])
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names, not data
        f"FROM (VALUES {', '.join([row] * len(objs))}) AS v({', '.join(columns)}) "
        f"WHERE t.{columns[0]} = v.{columns[0]}"
    )
    params = [
        field.get_db_prep_save(getattr(obj, field.attname), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def copy_insert(model, objs: list, *, user, reason: str) -> None:
    """COPY `objs` into `model`'s table and its history table."""
    now = timezone.now()
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    choice_positions = [i for i, field in enumerate(fields) if field.choices]
    for obj, pk in zip(objs, pks_reserve(model, len(objs)), strict=True):
        obj.pk = pk
        for name in stamped:
            setattr(obj, name, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    rows = [row_values(obj, names, choice_positions) for obj in objs]
    copy_rows(model._meta.db_table, names, rows)
    history_copy(model, names, rows, now=now, user=user, reason=reason)


def row_values(obj, names: list[str], choice_positions: list[int]) -> tuple:
    """Read `obj`'s column values; choices enums become their plain values."""
    values = [getattr(obj, name) for name in names]
    for i in choice_positions:
        if isinstance(values[i], Enum):
            values[i] = values[i].value
    return tuple(values)


def history_copy(model, names: list[str], rows: list[tuple], *, now, user, reason) -> None:
    """COPY one "+" history row per record, as simple-history's bulk_history_create would."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    positions = [names.index(name) for name in tracked]
    extra = (now, reason, "+", getattr(user, "pk", None))
    columns = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    copy_rows(
        history._meta.db_table,
        columns,
        (tuple(row[i] for i in positions) + extra for row in rows),
    )


def keys_stored(model, keys: list[str]) -> list[str]:
    """Return which external ids in `keys` are stored (PostgreSQL: one array parameter)."""
    if connection.vendor != "postgresql":
        rows = model._default_manager.filter(external_id__in=keys)
        return list(rows.values_list("external_id", flat=True))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        # A 5,000-placeholder IN list costs more to build than to run; ANY takes one array.
        query = f"SELECT external_id FROM {table} WHERE external_id = ANY(%s)"  # noqa: S608
        cursor.execute(query, [keys])
        return [key for (key,) in cursor.fetchall()]


def pks_reserve(model, count: int) -> list[int]:
    """Take `count` ids from `model`'s primary-key sequence."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Stream `rows` into `table` with COPY; database errors surface as Django's."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
