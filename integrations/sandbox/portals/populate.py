"""Fill a store with the seeded tenant, and add seeded-looking records later (`/_sandbox/mutate`).

Seeding is deterministic: the same `SeedOptions` give the same records, ids, times and all.
"""

from dataclasses import replace

from integrations.sandbox.portals import seed_children
from integrations.sandbox.portals.seed import ProjectContext, SeedOptions, project_context
from integrations.sandbox.portals.spec import (
    CHANGE_ORDERS,
    PROJECTS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
)
from integrations.sandbox.portals.store import Record, Store


def store_populate(store: Store, options: SeedOptions) -> None:
    """Seed `options.projects` projects with their children, then set the clock past them all."""
    for n in range(options.first_project, options.first_project + options.projects):
        project = project_add(store, n, options.data_seed, seeded=True)
        _children_seed(store, project, options)
    newest = max((r.updated_at for r in store.projects), default=None)
    if newest is not None:
        store.clock.advance_past(newest)


def project_add(store: Store, n: int, data_seed: int, *, seeded: bool) -> Record:
    """Add project `n` as the seed generates it; a non-seeded one is stamped now."""
    context = project_context(store.spec, n, data_seed)
    store.project_numbers[context.id] = n
    return store.add(
        PROJECTS,
        context.id,
        context.fields,
        updated_at=context.updated_at if seeded else None,
    )


def _children_seed(store: Store, project: Record, options: SeedOptions) -> None:
    context = project_context(store.spec, store.project_numbers[project.id], options.data_seed)
    counts = {
        SELECTIONS: options.selections,
        CHANGE_ORDERS: options.change_orders,
        PURCHASE_ORDERS: options.purchase_orders,
        SCHEDULE_TASKS: options.tasks,
    }
    for kind in store.spec.child_kinds:
        for _ in range(counts[kind]):
            child_add(store, context, kind, options.line_items, seeded=True)


def context_now(store: Store, project: Record, data_seed: int) -> ProjectContext:
    """Return the generation context of a stored project as it is now."""
    n = store.project_numbers[project.id]
    context = project_context(store.spec, n, data_seed)
    return replace(context, fields=project.fields, updated_at=store.clock.last)


def child_add(
    store: Store, context: ProjectContext, kind: str, line_items: int, *, seeded: bool
) -> Record:
    """Add the project's next record of `kind`; a non-seeded one starts undecided and is new now."""
    index = store.claim_index(context.id, kind)
    fields, updated_at = _generate(store, context, kind, index, line_items)
    if not seeded:
        fields.update(_fresh_state(kind, fields))
    record_id = store.spec.child_id(kind, context.n, index)
    return store.add(
        kind, record_id, fields, project_id=context.id, updated_at=updated_at if seeded else None
    )


def _generate(store: Store, context, kind: str, index: int, line_items: int):
    if kind == SELECTIONS:
        return seed_children.selection(context, index)
    if kind == CHANGE_ORDERS:
        return seed_children.change_order(context, index, line_items)
    if kind == PURCHASE_ORDERS:
        return seed_children.purchase_order(context, index)
    live = store.live(SCHEDULE_TASKS, context.id)
    ends = {r.id: r.fields["endDate"] for r in live}
    predecessors = seed_children.schedule_task_predecessors(context, index, ends)
    if not predecessors and live:  # follow the last live task when the previous ones are gone
        predecessors = [(live[-1].id, live[-1].fields["endDate"])]
    return seed_children.schedule_task(context, index, predecessors)


def _fresh_state(kind: str, fields: dict) -> dict:
    """Return the changes that make a generated record a brand-new, undecided one."""
    if kind == SELECTIONS:
        return {"status": "pending", "chosenOptionId": None, "approvedAt": None}
    if kind == CHANGE_ORDERS:
        return {"approvalStatus": "pending", "approvedAt": None, "approvedBy": None}
    if kind == PURCHASE_ORDERS:
        return {"status": "draft"}
    return {"progressPercent": 0}
