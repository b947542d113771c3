"""The portal models: connections, pull runs, and the mirrored records (one set, both portals)."""

from integrations.portals.models.connection import (
    Portal,
    PortalConnection,
    PullKind,
    PullRun,
    PullStatus,
)
from integrations.portals.models.mirrors import (
    LinkMethod,
    Project,
    ProjectStatus,
    ScheduleTask,
    Selection,
    SelectionStatus,
)
from integrations.portals.models.orders import (
    ApprovalStatus,
    ChangeOrder,
    ChangeOrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)

__all__ = [
    "ApprovalStatus",
    "ChangeOrder",
    "ChangeOrderLine",
    "LinkMethod",
    "Portal",
    "PortalConnection",
    "Project",
    "ProjectStatus",
    "PullKind",
    "PullRun",
    "PullStatus",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderStatus",
    "ScheduleTask",
    "Selection",
    "SelectionStatus",
]
