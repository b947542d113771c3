"""Read the state of the links: counts per state, homes with no project, worst disagreements.

Shared by the "Portal links" admin page and `manage.py portal_links`.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from homes.models import Home
from integrations.portals.models.mirrors import LinkState, Project

WORST_SHOWN = 10


@dataclass
class LinksSummary:
    counts: dict[str, int] = field(default_factory=dict)  # {LinkState value: live projects}
    homes_without_project: int = 0
    worst: list[Project] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, str, int]]:
        """Return (state value, label, count) for every state, in the order staff act on them."""
        order = (LinkState.CONFLICT, LinkState.REVIEW, LinkState.UNLINKED, LinkState.LINKED,
                 LinkState.CONFIRMED)  # fmt: skip
        return [(s.value, s.label, self.counts.get(s.value, 0)) for s in order]


def live_projects(connection=None):
    projects = Project.objects.filter(deleted=False)
    return projects if connection is None else projects.filter(connection=connection)


def home_has_project() -> Exists:
    """Annotate a home with whether a live portal project is linked to it."""
    return Exists(Project.objects.filter(home=OuterRef("pk"), deleted=False))


def links_summary(*, connection=None, worst: int = WORST_SHOWN) -> LinksSummary:
    """Count live projects per link state (of `connection`), and list the worst disagreements."""
    rows = live_projects(connection).values("link_state").annotate(n=Count("pk")).order_by()
    counts = {row["link_state"]: row["n"] for row in rows}
    homes_without = Home.objects.filter(~home_has_project()).count()
    worst_rows = (
        live_projects(connection)
        .filter(link_state__in=[LinkState.REVIEW, LinkState.CONFLICT])
        .select_related("connection", "home")
        .order_by("-link_disagreements", "connection__name", "job_number", "pk")[:worst]
    )
    return LinksSummary(counts, homes_without, list(worst_rows))
