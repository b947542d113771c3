"""Write normalized rows into a mirror in bulk: new, updated, deleted or unchanged.

A row's fields are compared with the stored record; only records that differ are written (one
`bulk_create`, one `bulk_update` per call), so repeating a pull — or the overlap of an inclusive
`updatedSince` — writes nothing. Tombstones mark records deleted; a record that comes back live
is undeleted. Line items are replaced when their fingerprint (`line_items_hash`) changes.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from integrations.portals.models.connection import PortalConnection
from integrations.portals.pull.normalize import Row
from integrations.portals.pull.resources import Resource

CHUNK = 500
NEVER_UPDATED = frozenset({"id", "connection", "remote_id", "created_at"})


@dataclass
class UpsertResult:
    outcomes: Counter = field(default_factory=Counter)
    changed: list = field(default_factory=list)  # live records created or updated


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """Yield successive slices of `items` (keeps IN lists under database parameter limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_by_remote_id(resource: Resource, connection: PortalConnection, ids: list[str]):
    """Load the stored records with these remote ids, by remote id."""
    found = {}
    for part in chunks(ids):
        for obj in resource.model.objects.filter(connection=connection, remote_id__in=part):
            found[obj.remote_id] = obj
    return found


@dataclass
class _Writes:
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    fields: set = field(default_factory=set)
    line_owners: list = field(default_factory=list)


def mirror_upsert(
    resource: Resource,
    *,
    connection: PortalConnection,
    rows: Iterable[Row],
    extra: dict[str, dict] | None = None,
    now: datetime,
) -> UpsertResult:
    """Apply rows (last one wins per id); `extra[remote_id]` adds fields such as `project_id`."""
    latest = {row.remote_id: row for row in rows}
    stored = existing_by_remote_id(resource, connection, list(latest))
    result, writes = UpsertResult(), _Writes()
    for remote_id, row in latest.items():
        fields = {**row.fields, **(extra or {}).get(remote_id, {})}
        outcome = _apply(resource, connection, stored.get(remote_id), row, fields, now, writes)
        result.outcomes[outcome] += 1
    resource.model.objects.bulk_create(writes.creates, batch_size=CHUNK)
    if writes.updates:
        names = sorted((writes.fields | {"updated_at"}) - NEVER_UPDATED)
        resource.model.objects.bulk_update(writes.updates, names, batch_size=CHUNK)
    lines_replace(resource, writes.line_owners)
    result.changed = [obj for obj in writes.creates + writes.updates if not obj.deleted]
    return result


def _apply(resource, connection, obj, row: Row, fields: dict, now, writes: _Writes) -> str:
    """Apply one row to its stored record (or a new one), queue the write; return the outcome."""
    if row.deleted:
        outcome = _tombstone_apply(obj, row, now)
        if outcome == "deleted":
            writes.updates.append(obj)
            writes.fields |= {"deleted", "deleted_at", "remote_updated_at"}
        return outcome
    obj, outcome, diff = _row_apply(resource, connection, obj, row.remote_id, fields, now)
    if outcome == "new":
        writes.creates.append(obj)
    elif outcome == "updated":
        writes.updates.append(obj)
        writes.fields |= diff
    if row.lines is not None and (outcome == "new" or "line_items_hash" in diff):
        writes.line_owners.append((obj, row.lines))
    return outcome


def _tombstone_apply(obj, row: Row, now: datetime) -> str:
    """Mark a stored record deleted; a tombstone for a record never seen changes nothing."""
    if obj is None or obj.deleted:
        return "unchanged"
    obj.deleted, obj.deleted_at, obj.updated_at = True, now, now
    obj.remote_updated_at = row.updated_at or obj.remote_updated_at
    return "deleted"


def _row_apply(resource, connection, obj, remote_id: str, fields: dict, now: datetime):
    """Build or update a record from fields; return (record, outcome, changed field names)."""
    if obj is None:
        return resource.model(connection=connection, remote_id=remote_id, **fields), "new", set()
    diff = {name for name, value in fields.items() if getattr(obj, name) != value}
    if obj.deleted:
        fields = {**fields, "deleted": False, "deleted_at": None}
        diff |= {"deleted", "deleted_at"}
    if not diff:
        return obj, "unchanged", diff
    for name in diff:
        setattr(obj, name, fields[name])
    obj.updated_at = now
    return obj, "updated", diff


def lines_replace(resource: Resource, owners: list[tuple[object, list[dict]]]) -> None:
    """Replace the line items of each (record, lines) pair."""
    if not owners or resource.line_model is None:
        return
    parent_id = f"{resource.line_parent}_id"
    for part in chunks([obj.pk for obj, _ in owners]):
        resource.line_model.objects.filter(**{f"{parent_id}__in": part}).delete()
    new_lines = [
        resource.line_model(**{parent_id: obj.pk}, **line)
        for obj, lines in owners
        for line in lines
    ]
    resource.line_model.objects.bulk_create(new_lines, batch_size=CHUNK)


def missing_mark_deleted(resource: Resource, queryset, seen: set[str], now: datetime) -> int:
    """Mark live records of `queryset` whose remote id is not in `seen` deleted; return how many.

    Used after a full listing (without `updatedSince`), which leaves deleted records out
    (shared/contracts/portals.md, "Fine points") — absence is the only sign of a deletion.
    """
    live = queryset.filter(deleted=False).values_list("pk", "remote_id")
    missing = [pk for pk, remote_id in live if remote_id not in seen]
    for part in chunks(missing):
        resource.model.objects.filter(pk__in=part).update(
            deleted=True, deleted_at=now, updated_at=now
        )
    return len(missing)
