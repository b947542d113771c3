"""The operations dashboard: what needs attention (each line links to its filtered list), charts.

The admin index shows it (`BuilderOpsAdminSite.index`) and the daily digest e-mails its lines
(builderops/core/alerts.py). Each app contributes a `DashboardSection` with
`admin.site.register_dashboard(...)` from its own admin.py, so this module knows no app above
core: the domain's part here (drafts, publish failures, sync state) finds the reviewed,
publishable models through the app registry; homes adds closing months, integrations its portal
lines. A section's `build(user)` runs a fixed number of queries whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import pairwise

from django.apps import apps
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.timesince import timesince

from builderops.core.admin_links import admin_changelist_url
from builderops.core.admin_sync import BADGE_COLOURS  # chart and sync badge: one palette
from builderops.core.charts import Chart, Series
from builderops.core.publishing import PublishableModel, SyncState
from builderops.core.review import ReviewableModel, ReviewState

ACTIVITY_DAYS = 7
OK_COLOUR, ERROR_COLOUR = "#15803d", "#b91c1c"


@dataclass(frozen=True)
class AttentionLine:
    """One thing that needs someone: "3 homes failed to publish", linked to that list."""

    text: str
    count: int
    url: str
    detail: str = ""  # e.g. "oldest 2 hours ago"
    level: str = "warning"  # "warning" or "error"


@dataclass
class DashboardPart:
    lines: list[AttentionLine] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardSection:
    """One app's contribution; `build(user)` returns only what `user` may view."""

    key: str
    order: int
    build: Callable[..., DashboardPart]


@dataclass
class Dashboard:
    lines: list[AttentionLine]
    charts: list[Chart]

    @property
    def needs_attention(self) -> bool:
        return any(line.count for line in self.lines)


def dashboard_build(sections, user) -> Dashboard:
    """Gather every section's lines (non-zero only) and charts, in section order."""
    lines, charts = [], []
    for section in sorted(sections, key=lambda s: s.order):
        part = section.build(user)
        lines += [line for line in part.lines if line.count]
        charts += part.charts
    lines.sort(key=lambda line: line.level != "error")  # failures first, else section order
    return Dashboard(lines, charts)


def noun(model, count: int) -> str:
    """Name `model` in the singular or plural, as `count` needs."""
    opts = model._meta
    return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)


def user_can_view(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def day_starts(days: int = ACTIVITY_DAYS) -> list[datetime]:
    """Return the starts of the last `days` local days, oldest first, plus tomorrow's start."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(today - timedelta(days=back), time.min, tzinfo=zone)
        for back in range(days - 1, -2, -1)
    ]


# --- the domain's section: review and publishing ---------------------------------------------
def reviewed_models() -> list:
    """List the reviewed, publishable models (divisions … homes), in app order."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, PublishableModel) and issubclass(model, ReviewableModel)
    ]


def publishing_figures(model, starts: list[datetime]) -> dict:
    """Count `model`'s drafts, sync states and daily publish outcomes in one query."""
    published = Q(remote_id__isnull=False) | Q(sync_last_success_at__isnull=False)
    draft = Q(review_state=ReviewState.DRAFT)
    due_or_failed = Q(sync_state__in=[SyncState.FAILED, SyncState.RETRYING])
    figures = {
        "new_drafts": Count("pk", filter=draft & ~published),
        "edited_drafts": Count("pk", filter=draft & published),
        "oldest_failed": Min("sync_due_since", filter=Q(sync_state=SyncState.FAILED)),
        "oldest_retrying": Min("sync_due_since", filter=Q(sync_state=SyncState.RETRYING)),
        **{f"state_{s}": Count("pk", filter=Q(sync_state=s)) for s in SyncState.values},
    }
    for day, (start, end) in enumerate(pairwise(starts)):
        span = {"__gte": start, "__lt": end}
        figures[f"sent_{day}"] = Count(
            "pk", filter=Q(**{f"sync_last_success_at{k}": v for k, v in span.items()})
        )
        figures[f"failed_{day}"] = Count(
            "pk",
            filter=due_or_failed & Q(**{f"sync_last_attempt_at{k}": v for k, v in span.items()}),
        )
    return model._base_manager.order_by().aggregate(**figures)


def publishing_lines(model, figures: dict) -> list[AttentionLine]:
    """Say what of `model` waits for an approver or failed to publish."""
    url = admin_changelist_url
    n = figures
    return [
        AttentionLine(
            f"new {noun(model, n['new_drafts'])} awaiting approval",
            n["new_drafts"],
            url(model, review_state__exact=ReviewState.DRAFT, published="no"),
        ),
        AttentionLine(
            f"{noun(model, n['edited_drafts'])} edited since publishing, awaiting approval",
            n["edited_drafts"],
            url(model, review_state__exact=ReviewState.DRAFT, published="yes"),
        ),
        AttentionLine(
            f"{noun(model, n['state_failed'])} failed to publish",
            n["state_failed"],
            url(model, sync_state__exact=SyncState.FAILED),
            oldest_text(n["oldest_failed"]),
            level="error",
        ),
        AttentionLine(
            f"{noun(model, n['state_retrying'])} retrying a publish",
            n["state_retrying"],
            url(model, sync_state__exact=SyncState.RETRYING),
            oldest_text(n["oldest_retrying"]),
        ),
    ]


def oldest_text(since: datetime | None) -> str:
    """Say how long the oldest record has waited: "oldest due for 5 hours"."""
    if since is None:
        return ""
    if timezone.now() - since < timedelta(minutes=1):
        return "oldest due for under a minute"
    return f"oldest due for {timesince(since, depth=1)}"


def sync_state_chart(models, figures: list[dict]) -> Chart:
    return Chart(
        key="sync-state",
        title="Builder Backed sync state per model",
        categories=tuple(str(m._meta.verbose_name_plural).capitalize() for m in models),
        series=tuple(
            Series(label, BADGE_COLOURS[value], tuple(f[f"state_{value}"] for f in figures))
            for value, label in SyncState.choices
        ),
        links=tuple(admin_changelist_url(m) for m in models),
        empty_text="No records yet.",
    )


def publish_activity_chart(figures: list[dict], starts: list[datetime]) -> Chart:
    days = range(len(starts) - 1)
    return Chart(
        key="publish-activity",
        title=f"Publishing, last {ACTIVITY_DAYS} days",
        categories=tuple(f"{starts[d]:%a %-d}" for d in days),
        series=(
            Series(
                "published", OK_COLOUR, tuple(sum(f[f"sent_{d}"] for f in figures) for d in days)
            ),
            Series(
                "failed or retrying",
                ERROR_COLOUR,
                tuple(sum(f[f"failed_{d}"] for f in figures) for d in days),
            ),
        ),
        vertical=True,
        empty_text=f"Nothing was published in the last {ACTIVITY_DAYS} days.",
        # Records keep only their latest attempt: a record published twice counts once.
        note="Each record counted on the day of its latest attempt.",
    )


def publishing_dashboard(user) -> DashboardPart:
    """Build the domain's part: drafts, failures, sync state and publish activity."""
    models = [m for m in reviewed_models() if user_can_view(user, m)]
    if not models:
        return DashboardPart()
    starts = day_starts()
    figures = [publishing_figures(model, starts) for model in models]
    lines = [line for m, f in zip(models, figures, strict=True) for line in publishing_lines(m, f)]
    return DashboardPart(
        lines=lines,
        charts=[sync_state_chart(models, figures), publish_activity_chart(figures, starts)],
    )


PUBLISHING_SECTION = DashboardSection("publishing", 10, publishing_dashboard)
