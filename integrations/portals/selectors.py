"""Read portal mirrors for other screens — the Home page's construction summary."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from integrations.portals.models import ApprovalStatus, ChangeOrder, Project, Selection

OPEN_CHANGE_ORDER_STATUSES = (ApprovalStatus.DRAFT, ApprovalStatus.PENDING)


@dataclass
class ProjectSummary:
    project: Project
    open_selections: list[Selection]
    change_orders: list[ChangeOrder]
    approved_total: Decimal = Decimal("0.00")
    open_total: Decimal = Decimal("0.00")
    mismatches: int = 0


@dataclass
class HomeConstruction:
    projects: list[ProjectSummary] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.projects)


def home_construction_summary(home) -> HomeConstruction:
    """Return the home's linked live projects with open selections and change orders (3 queries)."""
    selections = Selection.objects.filter(deleted=False, status="pending").order_by(
        "due_date", "pk"
    )
    change_orders = ChangeOrder.objects.filter(deleted=False).order_by("number", "pk")
    projects = (
        Project.objects.filter(home=home, deleted=False)
        .select_related("connection")
        .prefetch_related(
            Prefetch("selections", queryset=selections, to_attr="open_selections"),
            Prefetch("change_orders", queryset=change_orders, to_attr="live_change_orders"),
        )
        .order_by("connection__name", "remote_id")
    )
    return HomeConstruction([project_summary(p) for p in projects])


def project_summary(project: Project) -> ProjectSummary:
    """Sum a project's change orders by approval state (reported totals)."""
    summary = ProjectSummary(project, project.open_selections, project.live_change_orders)
    for order in summary.change_orders:
        amount = order.total or Decimal("0.00")
        if order.approval_status == ApprovalStatus.APPROVED:
            summary.approved_total += amount
        elif order.approval_status in OPEN_CHANGE_ORDER_STATUSES:
            summary.open_total += amount
        summary.mismatches += order.totals_mismatch
    return summary
