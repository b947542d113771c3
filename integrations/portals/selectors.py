"""Read portal mirrors for other screens: one home's (or one project's) whole construction job.

The home page and the project page show, per live project: every selection (overdue and
over-allowance flagged), change orders with their totals by approval state, purchase orders,
the schedule as a timeline, and the portal's clients. One query per kind of record, whatever
the number of projects or children (5 queries).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from integrations.portals.models.mirrors import Project, ScheduleTask, Selection, SelectionStatus
from integrations.portals.models.orders import ApprovalStatus, ChangeOrder, PurchaseOrder

OPEN_CHANGE_ORDER_STATUSES = (ApprovalStatus.DRAFT, ApprovalStatus.PENDING)


@dataclass
class SelectionRow:
    selection: Selection
    overdue: bool
    over_allowance: bool


@dataclass
class TimelineBar:
    """One schedule task placed on its project's time span (percentages of the track)."""

    task: ScheduleTask
    left: float
    width: float
    overdue: bool


@dataclass
class Timeline:
    start: date | None = None
    end: date | None = None
    today_at: float | None = None  # where today falls on the track, when inside it
    bars: list[TimelineBar] = field(default_factory=list)
    undated: list[ScheduleTask] = field(default_factory=list)


@dataclass
class ProjectSummary:
    project: Project
    selections: list[SelectionRow]
    change_orders: list[ChangeOrder]
    purchase_orders: list[PurchaseOrder]
    timeline: Timeline
    approved_total: Decimal = Decimal("0.00")
    open_total: Decimal = Decimal("0.00")
    mismatches: int = 0

    @property
    def open_selections(self) -> list[Selection]:
        return [row.selection for row in self.selections if row.selection.status == "pending"]

    @property
    def overdue_selections(self) -> int:
        return sum(row.overdue for row in self.selections)

    @property
    def over_allowance_selections(self) -> int:
        return sum(row.over_allowance for row in self.selections)

    @property
    def task_count(self) -> int:
        return len(self.timeline.bars) + len(self.timeline.undated)

    @property
    def overdue_tasks(self) -> int:
        return sum(bar.overdue for bar in self.timeline.bars)

    @property
    def purchase_orders_total(self) -> Decimal:
        return sum((o.total or Decimal("0.00") for o in self.purchase_orders), Decimal("0.00"))


@dataclass
class HomeConstruction:
    projects: list[ProjectSummary] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.projects)


def live(model, *order):
    return model.objects.filter(deleted=False).order_by(*order, "pk")


def projects_with_children(projects):
    """Load `projects` with their live children, one query per kind."""
    return (
        projects.filter(deleted=False)
        .select_related("connection")
        .prefetch_related(
            Prefetch("selections", queryset=live(Selection, "due_date"), to_attr="live_selections"),
            Prefetch(
                "change_orders", queryset=live(ChangeOrder, "number"), to_attr="live_change_orders"
            ),
            Prefetch(
                "purchase_orders",
                queryset=live(PurchaseOrder, "number"),
                to_attr="live_purchase_orders",
            ),
            Prefetch(
                "schedule_tasks",
                queryset=live(ScheduleTask, "start_date", "end_date"),
                to_attr="live_schedule_tasks",
            ),
        )
        .order_by("connection__name", "remote_id")
    )


def home_construction_summary(home) -> HomeConstruction:
    """Return every live project linked to `home`, each with all its children (5 queries)."""
    projects = projects_with_children(Project.objects.filter(home=home))
    return HomeConstruction([project_summary(p) for p in projects])


def project_construction_summary(project: Project) -> ProjectSummary | None:
    """Return one project with all its children (5 queries); None when it is deleted."""
    loaded = list(projects_with_children(Project.objects.filter(pk=project.pk)))
    return project_summary(loaded[0]) if loaded else None


def project_summary(project: Project, today: date | None = None) -> ProjectSummary:
    """Flag a project's selections and tasks, and sum its change orders by approval state."""
    today = today or timezone.localdate()
    summary = ProjectSummary(
        project,
        [selection_row(s, today) for s in project.live_selections],
        project.live_change_orders,
        project.live_purchase_orders,
        schedule_timeline(project.live_schedule_tasks, today),
    )
    for order in summary.change_orders:
        amount = order.total or Decimal("0.00")
        if order.approval_status == ApprovalStatus.APPROVED:
            summary.approved_total += amount
        elif order.approval_status in OPEN_CHANGE_ORDER_STATUSES:
            summary.open_total += amount
        summary.mismatches += order.totals_mismatch
    return summary


def selection_row(selection: Selection, today: date) -> SelectionRow:
    """Flag a pending selection past its due date, and any chosen over its allowance."""
    overdue = (
        selection.status == SelectionStatus.PENDING
        and selection.due_date is not None
        and selection.due_date < today
    )
    over = selection.allowance_remaining is not None and selection.allowance_remaining < 0
    return SelectionRow(selection, overdue, over)


def schedule_timeline(tasks: list[ScheduleTask], today: date) -> Timeline:
    """Place each dated task on the span from the first start to the last end."""
    dated = [t for t in tasks if t.start_date and t.end_date]
    timeline = Timeline(undated=[t for t in tasks if not (t.start_date and t.end_date)])
    if not dated:
        return timeline
    timeline.start = min(t.start_date for t in dated)
    timeline.end = max(t.end_date for t in dated)
    days = max((timeline.end - timeline.start).days + 1, 1)
    if timeline.start <= today <= timeline.end:
        timeline.today_at = round(100 * (today - timeline.start).days / days, 2)
    for task in dated:
        left = 100 * (task.start_date - timeline.start).days / days
        width = 100 * ((task.end_date - task.start_date).days + 1) / days
        overdue = task.end_date < today and task.progress_percent < 100
        timeline.bars.append(TimelineBar(task, round(left, 2), round(max(width, 0.5), 2), overdue))
    return timeline
