"""The homes' part of the dashboard (builderops/core/dashboard.py): scheduled closings per month."""

from datetime import date
from itertools import pairwise

from django.db.models import Count, Q
from django.utils import timezone

from builderops.core.admin_links import admin_changelist_url
from builderops.core.charts import Chart, Series
from builderops.core.dashboard import DashboardPart, DashboardSection, user_can_view
from homes.models import Home

MONTHS = 12
CLOSING_COLOUR = "#2563eb"


def month_starts(first: date, count: int = MONTHS) -> list[date]:
    """Return the first days of `count` months from `first`'s month, plus the month after."""
    year, month = first.year, first.month
    starts = []
    for _ in range(count + 1):
        starts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def closings_chart() -> Chart:
    """Count homes by scheduled closing month over the next 12 months (one query)."""
    starts = month_starts(timezone.localdate())
    spans = list(pairwise(starts))
    in_range = Home.objects.filter(
        scheduled_closing_date__gte=starts[0], scheduled_closing_date__lt=starts[-1]
    )
    counts = in_range.order_by().aggregate(
        **{
            f"m{i}": Count(
                "pk", filter=Q(scheduled_closing_date__gte=a, scheduled_closing_date__lt=b)
            )
            for i, (a, b) in enumerate(spans)
        }
    )
    return Chart(
        key="closings",
        title="Homes by scheduled closing month",
        categories=tuple(f"{a:%b %y}" for a, _ in spans),
        series=(
            Series("homes", CLOSING_COLOUR, tuple(counts[f"m{i}"] for i in range(len(spans)))),
        ),
        links=tuple(
            admin_changelist_url(
                Home,
                scheduled_closing_date__gte=a.isoformat(),
                scheduled_closing_date__lt=b.isoformat(),
            )
            for a, b in spans
        ),
        vertical=True,
        empty_text="No home has a scheduled closing date in the next 12 months.",
    )


def homes_dashboard(user) -> DashboardPart:
    if not user_can_view(user, Home):
        return DashboardPart()
    return DashboardPart(charts=[closings_chart()])


HOMES_SECTION = DashboardSection("homes", 20, homes_dashboard)
