"""Name each pulled resource once: its mirror model, client method and field mapper."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import (
    ChangeOrder,
    ChangeOrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from integrations.portals.pull import normalize


@dataclass(frozen=True)
class Resource:
    name: str
    model: type[models.Model]
    list_method: str  # the PortalClient method that lists it
    mapper: Callable[[dict], tuple[dict, list[dict] | None]]
    line_model: type[models.Model] | None = None
    line_parent: str = ""  # the line model's ForeignKey to the record

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


PROJECTS = Resource("projects", Project, "list_projects", normalize.project_fields)
SELECTIONS = Resource("selections", Selection, "list_selections", normalize.selection_fields)
CHANGE_ORDERS = Resource(
    "change_orders", ChangeOrder, "list_change_orders", normalize.change_order_fields,
    ChangeOrderLine, "change_order",
)  # fmt: skip
PURCHASE_ORDERS = Resource(
    "purchase_orders", PurchaseOrder, "list_purchase_orders", normalize.purchase_order_fields,
    PurchaseOrderLine, "purchase_order",
)  # fmt: skip
SCHEDULE_TASKS = Resource(
    "schedule_tasks", ScheduleTask, "list_schedule_tasks", normalize.schedule_task_fields
)
CHILD_RESOURCES = (SELECTIONS, CHANGE_ORDERS, PURCHASE_ORDERS, SCHEDULE_TASKS)
RESOURCES = {r.name: r for r in (PROJECTS, *CHILD_RESOURCES)}


def child_resources_offered(client) -> tuple[Resource, ...]:
    """Return the child resources this portal's client can list (CoConstruct has no schedule)."""
    return tuple(r for r in CHILD_RESOURCES if client.supports(r.list_method))
