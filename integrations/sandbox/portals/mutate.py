"""Move the tenant's time forward: edit, approve, decline, delete and create records.

`POST /_sandbox/mutate` picks projects and records deterministically (from the data seed and the
number of mutations since the last reset) and changes them through the store, so every change is
stamped later than anything before it and bumps its project (`store.py`). The answer lists exactly
what changed, so a test can check that an incremental pull finds those records and nothing else.

Request, every key optional:
  {"projects": n | "fraction": f,           projects to touch (default 1; fraction of live ones,
                                             rounded up)
   "edit": n, "approve": n, "decline": n,   per touched project; when none of the five is given,
   "delete": n, "create": n,                each defaults to 1
   "newProjects": n, "deleteProjects": n}   whole projects (default 0)
A record gets at most one action per mutation. Approve and decline pick pending change orders and
selections; edit and delete pick any live child; deleting a task also removes it from its
successors' `predecessorIds` (those successors are listed as edited). A deleted project's children
are left as they were, unreachable (their lists answer 404).

Answer: {"mutation": k, "since": first stamp | null, "until": last stamp | null,
         "approved"|"declined"|"edited"|"deleted"|"created": {resource: [ids]},
         "changed": {resource: [ids]}}
with a key per resource the portal serves ("projects", "selections", "changeOrders",
"purchaseOrders", "scheduleTasks"). `changed` holds, sorted, every id whose `updatedAt` is now at
or after `since` — exactly what `GET …?updatedSince=<since>` returns, projects included.
"""

import math

from integrations.sandbox.portals import edits
from integrations.sandbox.portals.clock import format_timestamp
from integrations.sandbox.portals.errors import invalid
from integrations.sandbox.portals.populate import child_add, context_now, project_add
from integrations.sandbox.portals.seed import seeded_rng
from integrations.sandbox.portals.spec import PROJECTS
from integrations.sandbox.portals.tenant import Tenant

ACTIONS = ("approve", "decline", "edit", "delete", "create")
PAST = {
    "approve": "approved",
    "decline": "declined",
    "edit": "edited",
    "delete": "deleted",
    "create": "created",
}


class Summary:
    """Collect the ids each action touched, by resource."""

    def __init__(self, kinds: tuple[str, ...]):
        self.kinds = kinds
        self.ids = {past: {kind: [] for kind in kinds} for past in PAST.values()}
        self.acted: set[str] = set()

    def add(self, action: str, kind: str, record_id: str) -> None:
        """Note that `action` was done to a record (once per record)."""
        if record_id not in self.acted:
            self.acted.add(record_id)
            self.ids[PAST[action]][kind].append(record_id)

    def render(self, tenant: Tenant, since) -> dict:
        """Return the answer: ids per action and per resource, and the time span they share."""
        store = tenant.store
        changed = {kind: [] for kind in self.kinds}
        for kind in self.kinds:
            records = store.projects if kind == PROJECTS else store.by_id[kind].values()
            changed[kind] = sorted(r.id for r in records if since and r.updated_at >= since)
        return {
            "mutation": tenant.mutations,
            "since": _stamp(since),
            "until": _stamp(since and tenant.clock.last),
            **self.ids,
            "changed": changed,
        }


def tenant_mutate(tenant: Tenant, request: dict) -> dict:
    """Apply one mutation request and return its summary."""
    counts = _counts(request)
    store, summary = tenant.store, Summary(tenant.spec.kinds)
    live = [p for p in store.projects if not p.deleted]
    wanted = min(len(live), _project_count(request, len(live)))
    whole = {name: _count(request, name, 0) for name in ("newProjects", "deleteProjects")}
    tenant.mutations += 1
    rng = seeded_rng(tenant.options.data_seed, tenant.spec.name, "mutate", tenant.mutations)
    touched = sorted(rng.sample(live, wanted), key=lambda p: p.seq)
    since = None
    for project in touched:
        for action in ACTIONS:
            for _ in range(counts[action]):
                moment = _act(tenant, rng, project, action, summary)
                since = since or moment
    first = _whole_projects(tenant, rng, whole, summary, touched)
    return summary.render(tenant, since or first)


def _act(tenant: Tenant, rng, project, action: str, summary: Summary):
    """Do one action in one project; return the time it was stamped, None if nothing to do."""
    store = tenant.store
    if action == "create":
        kind = rng.choice(tenant.spec.child_kinds)
        context = context_now(store, project, tenant.options.data_seed)
        record = child_add(store, context, kind, tenant.options.line_items, seeded=False)
        summary.add("create", kind, record.id)
        return record.updated_at
    candidates = edits.candidates(store, project, action, exclude=summary.acted)
    if not candidates:
        return None
    record = rng.choice(candidates)
    summary.add(action, record.kind, record.id)
    for follower in edits.apply(store, project, action, record):
        summary.add("edit", follower.kind, follower.id)
    return record.updated_at


def _whole_projects(tenant: Tenant, rng, whole: dict, summary: Summary, touched) -> object:
    """Create and delete whole projects; return the first stamp, if any."""
    store, first = tenant.store, None
    for _ in range(whole["newProjects"]):
        n = max(store.project_numbers.values(), default=0) + 1
        project = project_add(store, n, tenant.options.data_seed, seeded=False)
        first = first or project.updated_at
        summary.add("create", PROJECTS, project.id)
        context = context_now(store, project, tenant.options.data_seed)
        for kind in tenant.spec.child_kinds:
            record = child_add(store, context, kind, tenant.options.line_items, seeded=False)
            summary.add("create", kind, record.id)
    spared = {p.id for p in touched} | summary.acted
    victims = [p for p in store.projects if not p.deleted and p.id not in spared]
    for project in rng.sample(victims, min(len(victims), whole["deleteProjects"])):
        store.delete(project)
        first = first or project.updated_at
        summary.add("delete", PROJECTS, project.id)
    return first


def _counts(request: dict) -> dict[str, int]:
    if not isinstance(request, dict):
        raise invalid("body", "The body must be a JSON object.")
    given = any(action in request for action in ACTIONS)
    return {action: _count(request, action, 0 if given else 1) for action in ACTIONS}


def _count(request: dict, name: str, default: int) -> int:
    value = request.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise invalid(name, f"{name} must be a whole number from 0 to 10000.")
    return value


def _project_count(request: dict, live: int) -> int:
    if "fraction" not in request:
        return _count(request, "projects", 1)
    fraction = request["fraction"]
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, int | float)
        or not 0 <= fraction <= 1
    ):
        raise invalid("fraction", "fraction must be a number from 0 to 1.")
    return math.ceil(fraction * live)


def _stamp(moment) -> str | None:
    return format_timestamp(moment) if moment else None
