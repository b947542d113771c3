"""The integrations' part of the dashboard (builderops/core/dashboard.py).

Lines: publishing paused (Builder Backed refused our credentials), connections failing or
stale, selections overdue or over allowance, change orders awaiting the client past their
deadline, projects not linked to a home or with a link to review. Charts: change-order value per
community (approved vs pending) and pull activity over the last 7 days. Each count is the size
of the filtered list its link opens; every figure comes from one aggregate query, so the section
costs the same few queries at any data size.
"""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from builderops.core.admin_links import admin_changelist_url
from builderops.core.charts import Chart, Series
from builderops.core.dashboard import (
    ERROR_COLOUR,
    OK_COLOUR,
    AttentionLine,
    DashboardPart,
    DashboardSection,
    day_starts,
    noun,
    reviewed_models,
    user_can_view,
)
from homes.models import Home
from integrations.breaker.services import breakers_open
from integrations.portals.linking.summary import home_has_project
from integrations.portals.models.connection import PortalConnection, PullRun, PullStatus
from integrations.portals.models.mirrors import LinkState, Project, Selection
from integrations.portals.models.orders import ApprovalStatus, ChangeOrder

STALE_AFTER_INTERVALS = 3  # a connection with no good pull for 3 of its intervals is stale
COMMUNITIES_CHARTED = 10
PENDING_COLOUR = "#f59e0b"


# --- connections ---------------------------------------------------------------------------
def connection_is_stale(connection: PortalConnection, now) -> bool:
    """Say whether an enabled connection has gone without a good pull for too long."""
    since = connection.last_success_at or connection.created_at
    return since < now - timedelta(minutes=connection.pull_interval_minutes * STALE_AFTER_INTERVALS)


def connections_troubled(rows) -> dict[str, list[int]]:
    """Sort enabled connections into failing (last pull erred) and stale (no recent success)."""
    now = timezone.now()
    failing, stale = [], []
    for connection in rows.filter(enabled=True).only(
        "pk", "last_error", "last_success_at", "created_at", "pull_interval_minutes"
    ):
        if connection.last_error:
            failing.append(connection.pk)
        elif connection_is_stale(connection, now):
            stale.append(connection.pk)
    return {"failing": failing, "stale": stale}


def connection_lines() -> list[AttentionLine]:
    troubled = connections_troubled(PortalConnection.objects.order_by())
    url = admin_changelist_url
    failing, stale = len(troubled["failing"]), len(troubled["stale"])
    return [
        AttentionLine(
            f"{noun(PortalConnection, failing)} failing",
            failing,
            url(PortalConnection, health="failing"),
            level="error",
        ),
        AttentionLine(
            f"{noun(PortalConnection, stale)} with no successful pull for "
            f"{STALE_AFTER_INTERVALS} intervals",
            stale,
            url(PortalConnection, health="stale"),
        ),
    ]


# --- paused integrations (integrations/breaker: a remote refused our credentials) -----------
def paused_lines(user) -> list[AttentionLine]:
    """Say whether publishing is paused because Builder Backed refused our credentials (issue 10).

    A portal whose login is refused shows as a failing connection (its pulls fail), so its
    count stays that of the list it links to; the e-mail alert names it (integrations/alerts.py).
    """
    if not any(user_can_view(user, model) for model in reviewed_models()):
        return []
    paused = [r for r in breakers_open() if r.activity == "publishing"]  # open breakers are few
    return [
        AttentionLine(
            "publishing paused: Builder Backed refused our credentials",
            len(paused),
            reverse("admin:builderbacked_sync"),  # the Sync status page says why and what to check
            "; ".join(r.hint for r in paused if r.hint),
            level="error",
        )
    ]


# --- construction records ------------------------------------------------------------------
def selection_lines(today) -> list[AttentionLine]:
    n = Selection.objects.filter(deleted=False).aggregate(
        overdue=Count("pk", filter=Q(status="pending", due_date__lt=today)),
        over=Count("pk", filter=Q(allowance_remaining__lt=0)),
    )
    url = admin_changelist_url
    return [
        AttentionLine(
            f"{noun(Selection, n['overdue'])} overdue",
            n["overdue"],
            url(Selection, attention="overdue", deleted__exact=0),
        ),
        AttentionLine(
            f"{noun(Selection, n['over'])} over allowance",
            n["over"],
            url(Selection, attention="over", deleted__exact=0),
        ),
    ]


def change_order_lines(today) -> list[AttentionLine]:
    late = ChangeOrder.objects.filter(
        deleted=False, approval_status=ApprovalStatus.PENDING, deadline__lt=today
    ).count()
    link = admin_changelist_url(
        ChangeOrder,
        approval_status__exact=ApprovalStatus.PENDING,
        deadline__lt=today.isoformat(),
        deleted__exact=0,
    )
    return [
        AttentionLine(
            f"{noun(ChangeOrder, late)} awaiting the client past the deadline", late, link
        )
    ]


def project_lines() -> list[AttentionLine]:
    n = Project.objects.filter(deleted=False).aggregate(
        unlinked=Count("pk", filter=Q(home__isnull=True)),
        review=Count("pk", filter=Q(link_state=LinkState.REVIEW)),
        conflict=Count("pk", filter=Q(link_state=LinkState.CONFLICT)),
    )
    url = admin_changelist_url
    return [
        AttentionLine(
            f"{noun(Project, n['unlinked'])} not linked to a home",
            n["unlinked"],
            url(Project, home__isnull="True", deleted__exact=0),
        ),
        AttentionLine(
            f"{noun(Project, n['review'])} with a link to review",
            n["review"],
            url(Project, link_state__exact=LinkState.REVIEW, deleted__exact=0),
        ),
        AttentionLine(
            f"{noun(Project, n['conflict'])} in conflict (one home, several projects)",
            n["conflict"],
            url(Project, link_state__exact=LinkState.CONFLICT, deleted__exact=0),
            level="error",
        ),
    ]


def homes_without_project_lines() -> list[AttentionLine]:
    """Homes no live portal project is linked to (the Home list's "portal project" filter).

    Only while a portal connection is enabled: a builder who runs no jobs in a portal has
    nothing to link, and their homes need no one's attention for it.
    """
    if not PortalConnection.objects.filter(enabled=True).exists():
        return []
    count = Home.objects.filter(~home_has_project()).count()
    return [
        AttentionLine(
            f"{noun(Home, count)} with no portal project",
            count,
            admin_changelist_url(Home, portal_project="no"),
        )
    ]


# --- charts --------------------------------------------------------------------------------
def change_order_value_chart() -> Chart:
    """Sum live change orders per master community of their home, approved vs pending."""
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(0, output_field=money)
    community = "project__home__neighborhood__master_community__name"
    rows = list(
        ChangeOrder.objects.filter(
            deleted=False,
            project__home__isnull=False,
            approval_status__in=[ApprovalStatus.APPROVED, ApprovalStatus.PENDING],
        )
        .values(community)
        .annotate(
            approved=Coalesce(
                Sum("total", filter=Q(approval_status=ApprovalStatus.APPROVED)), zero
            ),
            pending=Coalesce(Sum("total", filter=Q(approval_status=ApprovalStatus.PENDING)), zero),
        )
        .order_by("-approved", community)[:COMMUNITIES_CHARTED]
    )
    return Chart(
        key="change-order-value",
        title="Change-order value per community",
        categories=tuple(row[community] for row in rows),
        series=(
            Series("approved", OK_COLOUR, tuple(row["approved"] for row in rows)),
            Series("pending", PENDING_COLOUR, tuple(row["pending"] for row in rows)),
        ),
        value_format="money",
        empty_text="No change orders on projects linked to homes yet.",
        note=f"Reported totals; the {COMMUNITIES_CHARTED} communities with most approved value.",
    )


def pull_activity_chart() -> Chart:
    starts = day_starts()
    days = range(len(starts) - 1)
    figures = PullRun.objects.order_by().aggregate(
        **{
            f"{kind}_{d}": Count(
                "pk",
                filter=Q(started_at__gte=starts[d], started_at__lt=starts[d + 1])
                & (
                    Q(status=PullStatus.SUCCEEDED)
                    if kind == "ok"
                    else Q(status__in=[PullStatus.PARTIAL, PullStatus.FAILED])
                ),
            )
            for d in days
            for kind in ("ok", "bad")
        }
    )
    return Chart(
        key="pull-activity",
        title="Portal pulls, last 7 days",
        categories=tuple(f"{starts[d]:%a %-d}" for d in days),
        series=(
            Series("succeeded", OK_COLOUR, tuple(figures[f"ok_{d}"] for d in days)),
            Series("with errors or failed", ERROR_COLOUR, tuple(figures[f"bad_{d}"] for d in days)),
        ),
        links=tuple(
            admin_changelist_url(
                PullRun,
                started_at__day=starts[d].day,
                started_at__month=starts[d].month,
                started_at__year=starts[d].year,
            )
            for d in days
        ),
        vertical=True,
        empty_text="No portal pulls in the last 7 days.",
    )


def portals_dashboard(user) -> DashboardPart:
    """Build the portals' part of the dashboard for what `user` may view."""
    today = timezone.localdate()
    part = DashboardPart(lines=paused_lines(user))
    if user_can_view(user, PortalConnection):
        part.lines += connection_lines()
    if user_can_view(user, Selection):
        part.lines += selection_lines(today)
    if user_can_view(user, ChangeOrder):
        part.lines += change_order_lines(today)
        part.charts.append(change_order_value_chart())
    if user_can_view(user, Project):
        part.lines += project_lines()
        if user_can_view(user, Home):
            part.lines += homes_without_project_lines()
    if user_can_view(user, PullRun):
        part.charts.append(pull_activity_chart())
    return part


PORTALS_SECTION = DashboardSection("portals", 30, portals_dashboard)


class ConnectionHealthFilter(admin.SimpleListFilter):
    """The Portal connection list's "health" filter: the dashboard's failing and stale lines."""

    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("failing", "Failing (last pull erred)"),
            ("stale", f"Stale (no good pull for {STALE_AFTER_INTERVALS} intervals)"),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("failing", "stale"):
            return queryset
        return queryset.filter(pk__in=connections_troubled(queryset)[self.value()])
