"""Create records from POST bodies and apply task PATCHes, computing what the portal owns.

The portal assigns ids, numbers ("CO-004", "PO-003", per project), totals (`totals.py`) and times;
a change order POSTed as approved gets `approvedAt` = its creation time ("Fine points": set
whenever approved), and `approvedBy` only while approved.
"""

from integrations.sandbox.portals import bodies
from integrations.sandbox.portals.schedule import task_patch_check
from integrations.sandbox.portals.spec import (
    CHANGE_ORDERS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
)
from integrations.sandbox.portals.store import Record, Store
from integrations.sandbox.portals.totals import change_order_totals, purchase_order_total


def selection_create(store: Store, project: Record, body: dict) -> Record:
    """Create a pending selection; its options get ids."""
    fields = bodies.selection_body(body)
    record_id, _ = _claim(store, project, SELECTIONS)
    fields["options"] = [
        {"id": store.spec.option_id(record_id, k), **option}
        for k, option in enumerate(fields["options"], start=1)
    ]
    return store.add(SELECTIONS, record_id, fields, project_id=project.id)


def change_order_create(store: Store, project: Record, body: dict) -> Record:
    """Create a change order with the portal's number and totals."""
    given = bodies.change_order_body(body)
    record_id, index = _claim(store, project, CHANGE_ORDERS)
    approved = given["approvalStatus"] == "approved"
    fields = {
        "number": f"CO-{index:03d}",
        **given,
        "approvedAt": None,
        "approvedBy": given["approvedBy"] if approved else None,
        **change_order_totals(given["lineItems"], given["taxRate"]),
    }
    record = store.add(CHANGE_ORDERS, record_id, fields, project_id=project.id)
    if approved:
        record.fields["approvedAt"] = record.stamp
    return record


def purchase_order_create(store: Store, project: Record, body: dict) -> Record:
    """Issue a purchase order with the portal's number and total."""
    given = bodies.purchase_order_body(body)
    record_id, index = _claim(store, project, PURCHASE_ORDERS)
    fields = {
        "number": f"PO-{index:03d}",
        **given,
        "total": purchase_order_total(given["lineItems"]),
    }
    return store.add(PURCHASE_ORDERS, record_id, fields, project_id=project.id)


def task_update(store: Store, task: Record, body: dict) -> Record:
    """Apply a PATCH to a schedule task after checking it against the whole schedule."""
    changes = bodies.task_patch_body(body, task.id)
    if not changes:
        return task
    tasks = {r.id: r.fields for r in store.live(SCHEDULE_TASKS, task.project_id)}
    task_patch_check(task.id, task.fields, changes, tasks)
    return store.update(task, changes)


def _claim(store: Store, project: Record, kind: str) -> tuple[str, int]:
    """Claim the project's next index of `kind` (after validation, so refusals burn none)."""
    index = store.claim_index(project.id, kind)
    return store.spec.child_id(kind, store.project_numbers[project.id], index), index


CREATORS = {
    SELECTIONS: selection_create,
    CHANGE_ORDERS: change_order_create,
    PURCHASE_ORDERS: purchase_order_create,
}
