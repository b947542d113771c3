"""Homeowner drift: a linked job's clients that are not among its home's homeowners.

A client is among the homeowners only when one has its e-mail (any case). A client whose name
matches a homeowner with another e-mail changed e-mail in the portal; any other is new. Shown on
the home's page; applied only when staff ask ("Add as homeowners"), as a change to the home under
the usual review rules — never automatically (issue 15, "Homeowner drift").
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from homes.models import Homeowner
from homes.services import home_save
from integrations.portals.homes_from_jobs import email_problem
from integrations.portals.linking.evidence import clients_compare, home_facts_of
from integrations.portals.linking.normalize import name_split
from integrations.portals.models.mirrors import Project


@dataclass
class ClientChange:
    client: dict
    owner_pk: int | None = None  # the homeowner whose e-mail changed; None for a new client
    owner_email: str = ""
    problem: str = ""  # why it can't be applied (e.g. no e-mail)

    @property
    def name(self) -> str:
        return str(self.client.get("name") or "")

    @property
    def email(self) -> str:
        return str(self.client.get("email") or "").strip()


@dataclass
class ClientsDrift:
    project: Project
    changes: list[ClientChange] = field(default_factory=list)

    @property
    def applicable(self) -> list[ClientChange]:
        return [c for c in self.changes if not c.problem]

    def __bool__(self) -> bool:
        return bool(self.changes)


def project_clients_drift(project: Project) -> ClientsDrift:
    """Return the clients of `project` not among its home's homeowners (none when unlinked)."""
    drift = ClientsDrift(project)
    if project.home_id is None or project.deleted:
        return drift
    comparison = clients_compare(project.clients, home_facts_of(project.home).owners)
    for client, owner in comparison.by_name:
        email = str(client.get("email") or "").strip()
        drift.changes.append(ClientChange(client, owner.pk, owner.email, email_problem(email)))
    for client in comparison.missing:
        email = str(client.get("email") or "").strip()
        drift.changes.append(ClientChange(client, problem=email_problem(email)))
    return drift


def project_clients_apply(*, project: Project, user) -> ClientsDrift:
    """Add the job's new clients as homeowners and take their changed e-mails, as one change to
    the home under the review rules (an editor's change waits for approval). Return what was
    applied; raise ValidationError when nothing can be."""
    drift = project_clients_drift(project)
    if not drift.applicable:
        raise ValidationError("There is no client with a usable e-mail to add.")
    owners = []
    for change in drift.applicable:
        if change.owner_pk is None:
            first, last = name_split(change.name)
            owners.append(Homeowner(email=change.email, first_name=first, last_name=last))
        else:
            owner = Homeowner.objects.get(pk=change.owner_pk)
            owner.email = change.email
            owners.append(owner)
    home_save(home=project.home, user=user, owners_saved=owners)
    return drift
