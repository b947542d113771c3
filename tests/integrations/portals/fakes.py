"""An in-memory portal behind a client-shaped object, for pull tests that need no server.

It follows shared/contracts/portals.md where the pull depends on it: `updatedSince` is inclusive,
a list with it includes tombstones, one without leaves deleted records out, and a change to a child
bumps its project (unless `bumps=False`). Every list call counts as one request.
"""

import itertools
from datetime import UTC, datetime, timedelta

from integrations import errors

CHILD_KINDS = ("selections", "change_orders", "purchase_orders", "schedule_tasks")
START = datetime(2026, 1, 1, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakePortal:
    """Hold projects and children; hand out strictly increasing `updatedAt` stamps."""

    def __init__(self, *, bumps: bool = True, kinds=CHILD_KINDS):
        self.bumps = bumps
        self.kinds = kinds
        self.clock = START
        self.records = {"projects": {}, **{kind: {} for kind in kinds}}
        self.parent = {}  # child id -> project id
        self.request_count = 0
        self.failing = {}  # (project id, kind) -> exception to raise
        self.calls = []
        self._ids = itertools.count(1)

    def now(self) -> str:
        self.clock += timedelta(seconds=1)
        return stamp(self.clock)

    def touch(self, kind: str, record_id: str) -> None:
        moment = self.now()
        self.records[kind][record_id]["updatedAt"] = moment
        if kind != "projects" and self.bumps:
            self.records["projects"][self.parent[record_id]]["updatedAt"] = moment

    def add_project(self, **fields) -> str:
        n = len(self.records["projects"]) + 1
        project_id = fields.pop("id", f"P{n}")
        record = {
            "id": project_id, "name": f"Project {n}", "jobNumber": f"FAKE-{n:04d}",
            "status": "open",
            "address": {"line1": f"{n} Main St", "line2": None, "city": "Mason", "state": "OH",
                        "postalCode": "45040"},
            "clients": [{"name": "Ann Lee", "email": "ann@example.com", "phone": "555"}],
            "startDate": "2026-02-01", "projectedCompletionDate": "2026-09-01",
            "contractPrice": "412500.00", **fields,
        }  # fmt: skip
        self.records["projects"][project_id] = record
        self.touch("projects", project_id)
        return project_id

    def add_child(self, kind: str, project_id: str, **fields) -> str:
        child_id = fields.pop("id", f"{kind[:2].upper()}{next(self._ids)}")
        record = {"id": child_id, "projectId": project_id, **CHILD_DEFAULTS[kind](), **fields}
        self.records[kind][child_id] = record
        self.parent[child_id] = project_id
        self.touch(kind, child_id)
        return child_id

    def edit(self, kind: str, record_id: str, **fields) -> None:
        self.records[kind][record_id].update(fields)
        self.touch(kind, record_id)

    def delete(self, kind: str, record_id: str) -> None:
        self.records[kind][record_id]["deleted"] = True
        self.touch(kind, record_id)

    def listing(self, records, updated_since):
        self.request_count += 1
        found = []
        for record in records:
            if updated_since is None:
                if not record.get("deleted"):
                    found.append(dict(record))
            elif datetime.fromisoformat(record["updatedAt"]) >= updated_since:
                found.append(
                    {"id": record["id"], "deleted": True, "updatedAt": record["updatedAt"]}
                    if record.get("deleted") else dict(record)
                )  # fmt: skip
        return iter(found)


class FakeClient:
    """Look like a PortalClient (the methods the pull calls) over a FakePortal."""

    METHODS = {
        "list_selections": "selections",
        "list_change_orders": "change_orders",
        "list_purchase_orders": "purchase_orders",
        "list_schedule_tasks": "schedule_tasks",
    }

    def __init__(self, portal: FakePortal):
        self.portal = portal

    @property
    def request_count(self) -> int:
        return self.portal.request_count

    def supports(self, operation: str) -> bool:
        return operation == "list_projects" or self.METHODS.get(operation) in self.portal.kinds

    def close(self) -> None:
        pass

    def list_projects(self, updated_since=None):
        self.portal.calls.append(("projects", None, updated_since))
        return self.portal.listing(self.portal.records["projects"].values(), updated_since)

    def __getattr__(self, name):
        kind = self.METHODS.get(name)
        if kind is None:
            raise AttributeError(name)

        def list_children(project_id, updated_since=None):
            self.portal.calls.append((kind, project_id, updated_since))
            failure = self.portal.failing.get((project_id, kind))
            if failure is not None:
                self.portal.request_count += 1
                raise failure
            if self.portal.records["projects"].get(project_id, {}).get("deleted"):
                self.portal.request_count += 1
                raise errors.NotFound("Unknown project", status=404, code="not_found")
            children = [
                r for r in self.portal.records[kind].values() if r["projectId"] == project_id
            ]
            return self.portal.listing(children, updated_since)

        return list_children


def selection_defaults() -> dict:
    return {
        "category": "Flooring", "title": "Kitchen floor", "dueDate": "2026-03-01",
        "status": "pending", "allowance": "2500.00",
        "options": [{"id": "o1", "name": "Oak", "price": "2000.00", "vendor": "FloorCo"},
                    {"id": "o2", "name": "Walnut", "price": "3100.00"}],
        "chosenOptionId": None, "approvedAt": None,
    }  # fmt: skip


def change_order_defaults() -> dict:
    return {
        "number": "CO-001", "title": "Extra outlet", "description": "Two outlets",
        "approvalStatus": "pending", "signatureRequired": True, "approvedAt": None,
        "approvedBy": None, "deadline": "2026-04-01", "taxRate": "0.0725",
        "lineItems": [{"description": "Outlet", "costCode": "16-100", "quantity": "2",
                       "unitCost": "150.00", "markupPercent": "10", "taxable": True}],
        "subtotal": "300.00", "markupTotal": "30.00", "taxTotal": "23.93", "total": "353.93",
    }  # fmt: skip


def purchase_order_defaults() -> dict:
    return {
        "number": "PO-001", "vendor": {"name": "Sparky Electric", "email": "jobs@sparky.example"},
        "status": "issued", "scopeOfWork": "Rough-in",
        "lineItems": [{"description": "Labor", "costCode": "16-100", "quantity": "10",
                       "unitCost": "85.50"}],
        "total": "855.00",
    }  # fmt: skip


def schedule_task_defaults() -> dict:
    return {
        "title": "Framing", "startDate": "2026-02-10", "endDate": "2026-02-20",
        "progressPercent": 40, "predecessorIds": [], "assignees": ["Crew A"],
    }  # fmt: skip


CHILD_DEFAULTS = {
    "selections": selection_defaults,
    "change_orders": change_order_defaults,
    "purchase_orders": purchase_order_defaults,
    "schedule_tasks": schedule_task_defaults,
}
