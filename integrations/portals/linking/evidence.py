"""Weigh how well a project and a home agree: address, city/state/ZIP, clients against owners.

A difference is a dict stored on the project (`link_differences`) and shown on the review page:
`{"field": "address", "label": "Address", "home": "102 Willow Ave", "project": "5981 Sycamore
Trl"}`. Clients match homeowners by e-mail first, then by name (issue 15, "Links with evidence").
"""

from dataclasses import dataclass, field

from homes.models import Home, Homeowner
from integrations.portals.linking.normalize import address_form, person_name_normalize


@dataclass(frozen=True)
class OwnerFacts:
    pk: int
    email: str
    name: str  # "first last", as typed


@dataclass(frozen=True)
class HomeFacts:
    """What the evidence needs of a home, loaded in bulk (`home_facts`)."""

    pk: int
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    owners: tuple[OwnerFacts, ...] = ()


@dataclass
class ClientsComparison:
    """The portal's clients sorted by how they match the home's owners."""

    by_email: list[dict] = field(default_factory=list)
    # (client, the owner with that name but another e-mail)
    by_name: list[tuple[dict, OwnerFacts]] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)

    @property
    def any_match(self) -> bool:
        return bool(self.by_email or self.by_name)


HOME_FIELDS = ("pk", "address_line1", "address_line2", "city", "state", "postal_code")


def home_facts(home_ids) -> dict[int, HomeFacts]:
    """Load the facts of the homes `home_ids` with their owners (two queries)."""
    ids = list(set(home_ids))
    if not ids:
        return {}
    owners: dict[int, list[OwnerFacts]] = {}
    rows = Homeowner.objects.filter(home_id__in=ids).order_by("pk")
    for pk, home_id, email, first, last in rows.values_list(
        "pk", "home_id", "email", "first_name", "last_name"
    ):
        name = " ".join(p for p in (first, last) if p)
        owners.setdefault(home_id, []).append(OwnerFacts(pk, email, name))
    return {
        row[0]: HomeFacts(*row, owners=tuple(owners.get(row[0], ())))
        for row in Home.objects.filter(pk__in=ids).values_list(*HOME_FIELDS)
    }


def home_facts_of(home: Home) -> HomeFacts:
    """Return one home's facts."""
    return home_facts([home.pk])[home.pk]


def clients_compare(clients: list[dict], owners: tuple[OwnerFacts, ...]) -> ClientsComparison:
    """Match each client to an owner by e-mail (any case), else by name."""
    emails = {o.email.strip().lower() for o in owners}
    names = {person_name_normalize(o.name): o for o in owners if o.name}
    result = ClientsComparison()
    for client in clients or []:
        email = str(client.get("email") or "").strip().lower()
        owner = names.get(person_name_normalize(str(client.get("name") or "")))
        if email and email in emails:
            result.by_email.append(client)
        elif owner is not None:
            result.by_name.append((client, owner))
        else:
            result.missing.append(client)
    return result


def one_line(*parts: str) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def link_differences(project, home: HomeFacts) -> list[dict]:
    """List what disagrees between `project` and `home`; empty when they agree."""
    ours = address_form(
        home.address_line1, home.address_line2, home.city, home.state, home.postal_code
    )
    theirs = address_form(
        project.address_line1, project.address_line2, project.city, project.state,
        project.postal_code,
    )  # fmt: skip
    differences = []

    def differ(name: str, label: str, home_value: str, project_value: str) -> None:
        differences.append(
            {"field": name, "label": label, "home": home_value, "project": project_value}
        )

    if (ours.street, ours.unit) != (theirs.street, theirs.unit):
        differ(
            "address", "Address",
            one_line(home.address_line1, home.address_line2),
            one_line(project.address_line1, project.address_line2),
        )  # fmt: skip
    if ours.city != theirs.city:
        differ("city", "City", home.city, project.city)
    if ours.state != theirs.state:
        differ("state", "State", home.state, project.state)
    if ours.zip5 != theirs.zip5:
        differ("postal_code", "ZIP", home.postal_code, project.postal_code)
    comparison = clients_compare(project.clients, home.owners)
    if project.clients and home.owners and not comparison.any_match:
        differ(
            "owners", "Clients / homeowners",
            "; ".join(o.name or o.email for o in home.owners),
            "; ".join(str(c.get("name") or c.get("email") or "?") for c in project.clients),
        )  # fmt: skip
    return differences
