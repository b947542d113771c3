"""Keep one tenant's records in memory, indexed for the list endpoints, and stamp every write.

**Decided here: a change to a child record bumps its project.** Any write to a selection, change
order, purchase order or schedule task — an edit, an approval or decline, a creation, a deletion —
also sets its project's `updatedAt` to the same instant. An incremental client can therefore find
every changed project with one `GET /projects?updatedSince=…` and pull only those projects'
children. `Store.touch` is the one place this happens; every write goes through it. (Clients also
support portals that do not do this, by a setting; this sandbox always does.)

Records stay in creation order (`seq`), per resource and, for children, per project, so a page is a
bisect plus a short scan. A deleted record stays as a tombstone: lists leave it out unless the
request has `updatedSince` (shared/contracts/portals.md, "Fine points").
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from integrations.sandbox.portals.clock import Clock, format_timestamp
from integrations.sandbox.portals.spec import PROJECTS, PortalSpec

_SEQ = attrgetter("seq")


@dataclass(slots=True, eq=False)
class Record:
    kind: str
    id: str
    seq: int
    project_id: str | None
    fields: dict  # the API shape without id, projectId and updatedAt
    updated_at: datetime
    stamp: str  # updated_at as the API prints it
    deleted: bool = False


@dataclass(frozen=True)
class PageQuery:
    limit: int
    after: int = 0  # the seq of the last record of the previous page
    since: datetime | None = None
    statuses: frozenset[str] | None = None


class Store:
    """Hold records by kind and id, children by project, in creation order."""

    def __init__(self, spec: PortalSpec, clock: Clock):
        self.spec = spec
        self.clock = clock
        self.by_id: dict[str, dict[str, Record]] = {kind: {} for kind in spec.kinds}
        self.projects: list[Record] = []
        self.children = {kind: defaultdict(list) for kind in spec.child_kinds}
        self.project_numbers: dict[str, int] = {}
        self.next_index: dict[tuple[str, str], int] = defaultdict(lambda: 1)
        self._seq = 0

    def add(
        self,
        kind: str,
        record_id: str,
        fields: dict,
        *,
        project_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> Record:
        """Store a new record; seeded ones bring their `updatedAt`, new ones are stamped now."""
        if record_id in self.by_id[kind]:
            raise ValueError(f"duplicate {kind} id {record_id}")
        self._seq += 1
        moment = updated_at or self.clock.now()
        record = Record(kind, record_id, self._seq, project_id, fields, moment, "")
        record.stamp = format_timestamp(moment)
        self.by_id[kind][record_id] = record
        if kind == PROJECTS:
            self.projects.append(record)
        else:
            self.children[kind][project_id].append(record)
        if updated_at is None:
            self.touch(record)
        return record

    def touch(self, record: Record) -> datetime:
        """Stamp `record` with the clock's next instant, and its project with the same instant."""
        moment = self.clock.now()
        stamp = format_timestamp(moment)
        record.updated_at, record.stamp = moment, stamp
        if record.project_id is not None:
            project = self.by_id[PROJECTS][record.project_id]
            project.updated_at, project.stamp = moment, stamp
        return moment

    def update(self, record: Record, changes: dict) -> Record:
        """Change some fields of a live record and stamp it."""
        record.fields.update(changes)
        self.touch(record)
        return record

    def delete(self, record: Record) -> Record:
        """Turn a record into a tombstone, stamped now."""
        record.deleted = True
        self.touch(record)
        return record

    def get(self, kind: str, record_id: str) -> Record | None:
        """Return the live record of `kind` with `record_id`, or None."""
        record = self.by_id[kind].get(record_id)
        return None if record is None or record.deleted else record

    def records(self, kind: str, project_id: str | None = None) -> list[Record]:
        """Return every record of `kind` (of one project, for children), tombstones included."""
        return self.projects if kind == PROJECTS else self.children[kind].get(project_id, [])

    def live(self, kind: str, project_id: str | None = None) -> list[Record]:
        """Return the live records of `kind` (of one project, for children)."""
        return [r for r in self.records(kind, project_id) if not r.deleted]

    def claim_index(self, project_id: str, kind: str) -> int:
        """Return the next unused record index of `kind` in a project (ids derive from it)."""
        index = self.next_index[(project_id, kind)]
        self.next_index[(project_id, kind)] = index + 1
        return index

    def page(self, records: list[Record], query: PageQuery) -> tuple[list[Record], int | None]:
        """Return up to `limit` matching records after `query.after`, and the seq to go on from."""
        found: list[Record] = []
        for position in range(bisect_right(records, query.after, key=_SEQ), len(records)):
            record = records[position]
            if not _matches(record, query):
                continue
            if len(found) == query.limit:
                return found, found[-1].seq
            found.append(record)
        return found, None


def _matches(record: Record, query: PageQuery) -> bool:
    if query.since is None:
        if record.deleted:
            return False
    elif record.updated_at < query.since:
        return False
    return query.statuses is None or record.fields.get("status") in query.statuses
