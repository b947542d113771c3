"""Put a project and its home side by side for the review page, differences marked (live, so a
confirmed link shows how the two sides stand today)."""

from dataclasses import dataclass, field

from integrations.portals.linking.evidence import home_facts_of, link_differences, one_line
from integrations.portals.models.mirrors import Project


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    home: str
    project: str
    differs: bool


@dataclass
class LinkComparison:
    rows: list[ComparisonRow] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)
    others: list[Project] = field(default_factory=list)  # other live projects on the same home


def clients_text(clients: list[dict]) -> str:
    return "; ".join(
        f"{c.get('name') or '?'} <{c.get('email') or 'no e-mail'}>" for c in clients or []
    )


def link_comparison(project: Project) -> LinkComparison:
    """Compare `project` with its home field by field (empty when unlinked)."""
    home = project.home
    if home is None:
        return LinkComparison()
    facts = home_facts_of(home)
    differences = link_differences(project, facts)
    differing = {d["field"] for d in differences}
    if home.job_id.strip() and project.job_number.strip() != home.job_id.strip():
        differing.add("job")
    owners = "; ".join(f"{o.name or '?'} <{o.email}>" for o in facts.owners)

    def row(label, name, home_value, project_value) -> ComparisonRow:
        return ComparisonRow(label, home_value or "—", project_value or "—", name in differing)

    rows = [
        row("Job", "job", home.job_id, project.job_number),
        row("Address", "address", one_line(home.address_line1, home.address_line2),
            one_line(project.address_line1, project.address_line2)),
        row("City", "city", home.city, project.city),
        row("State", "state", home.state, project.state),
        row("ZIP", "postal_code", home.postal_code, project.postal_code),
        row("Homeowners / clients", "owners", owners, clients_text(project.clients)),
    ]  # fmt: skip
    others = list(
        Project.objects.filter(home=home, deleted=False)
        .exclude(pk=project.pk)
        .select_related("connection")
        .order_by("connection__name", "pk")
    )
    return LinkComparison(rows, differences, others)
