"""Change one record the way people in the portal would, for `/_sandbox/mutate`.

Approving sets `approvedAt` to the approval's own stamp (contract, "Fine points": set whenever
approved) and, on change orders, `approvedBy` to the project's first client; declining clears both.
An edit moves a date, advances a purchase order or a task's progress — or, when nothing is left to
advance, only restamps the record, which a client sees as an update all the same.
"""

from datetime import date, timedelta

from integrations.sandbox.portals.spec import (
    CHANGE_ORDERS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
)
from integrations.sandbox.portals.store import Record, Store

NEXT_PO_STATUS = {"draft": "issued", "issued": "accepted", "accepted": "closed"}


def candidates(store: Store, project: Record, action: str, *, exclude: set) -> list[Record]:
    """Return the project's live children `action` could apply to, in creation order."""
    found = []
    for kind in store.spec.child_kinds:
        for record in store.live(kind, project.id):
            if record.id not in exclude and (action in ("edit", "delete") or _pending(record)):
                found.append(record)
    return found


def _pending(record: Record) -> bool:
    if record.kind == SELECTIONS:
        return record.fields["status"] == "pending"
    return record.kind == CHANGE_ORDERS and record.fields["approvalStatus"] == "pending"


def apply(store: Store, project: Record, action: str, record: Record) -> list[Record]:
    """Do `action` to `record`; return other records changed as a consequence."""
    if action == "delete":
        store.delete(record)
        return _unlink_task(store, record) if record.kind == SCHEDULE_TASKS else []
    if action == "edit":
        store.update(record, _edit(record))
    else:
        store.update(record, _decision(project, record, approve=action == "approve"))
        if action == "approve":
            record.fields["approvedAt"] = record.stamp
    return []


def _decision(project: Record, record: Record, *, approve: bool) -> dict:
    if record.kind == SELECTIONS:
        if not approve:
            return {"status": "declined", "approvedAt": None}
        chosen = record.fields["chosenOptionId"] or record.fields["options"][0]["id"]
        return {"status": "approved", "chosenOptionId": chosen}
    if not approve:
        return {"approvalStatus": "declined", "approvedAt": None, "approvedBy": None}
    return {"approvalStatus": "approved", "approvedBy": project.fields["clients"][0]["name"]}


def _edit(record: Record) -> dict:
    fields = record.fields
    if record.kind == SELECTIONS:
        return {"dueDate": _later(fields["dueDate"])}
    if record.kind == CHANGE_ORDERS:
        return {"deadline": _later(fields["deadline"])}
    if record.kind == PURCHASE_ORDERS:
        return {"status": NEXT_PO_STATUS.get(fields["status"], fields["status"])}
    return {"progressPercent": min(100, fields["progressPercent"] + 10)}


def _later(day: str | None) -> str:
    """Return a date a week after `day` (or after the seeded "today" when there is none)."""
    start = date.fromisoformat(day) if day else date(2026, 11, 1)
    return (start + timedelta(days=7)).isoformat()


def _unlink_task(store: Store, task: Record) -> list[Record]:
    """Remove a deleted task from its successors' predecessors; return those successors."""
    followers = [
        other
        for other in store.live(SCHEDULE_TASKS, task.project_id)
        if task.id in other.fields["predecessorIds"]
    ]
    for other in followers:
        remaining = [p for p in other.fields["predecessorIds"] if p != task.id]
        store.update(other, {"predecessorIds": remaining})
    return followers
