"""Staff decisions on links: confirm, reject, or link a project to another home.

A confirmed link (or one staff picked) is never changed automatically again; a rejected
(project, home) pair is never proposed again (issue 15, "Links with evidence").
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homes.models import Home
from integrations.portals.linking.auto import conflicts_settle, projects_link_auto
from integrations.portals.linking.evidence import home_facts_of, link_differences
from integrations.portals.models.mirrors import LinkMethod, LinkRejection, LinkState, Project

SAVED_FIELDS = [
    "home", "link_method", "link_state", "link_differences", "link_disagreements",
    "link_confirmed_by", "link_confirmed_at", "updated_at",
]  # fmt: skip


def _confirmed(project: Project, *, home: Home, method: str, user) -> None:
    """Set `project`'s link to `home` as confirmed by `user`, with the evidence of the moment."""
    differences = link_differences(project, home_facts_of(home))
    project.home, project.link_method, project.link_state = home, method, LinkState.CONFIRMED
    project.link_differences, project.link_disagreements = differences, len(differences)
    project.link_confirmed_by, project.link_confirmed_at = user, timezone.now()
    project.save(update_fields=SAVED_FIELDS)


def _unlinked(project: Project) -> None:
    project.home, project.link_method, project.link_state = None, "", LinkState.UNLINKED
    project.link_differences, project.link_disagreements = [], 0
    project.link_confirmed_by, project.link_confirmed_at = None, None
    project.save(update_fields=SAVED_FIELDS)


@transaction.atomic
def project_link_confirm(*, project: Project, user) -> Project:
    """Confirm `project`'s current link: auto-linking leaves it alone from now on."""
    if project.home_id is None:
        raise ValidationError("This project is not linked to a home: link it to one first.")
    _confirmed(project, home=project.home, method=project.link_method, user=user)
    conflicts_settle([project.home_id])
    return project


@transaction.atomic
def project_link_reject(*, project: Project, user) -> Project:
    """Reject `project`'s link to its home for good; auto-linking may find another home."""
    home_id = project.home_id
    if home_id is None:
        raise ValidationError("This project is not linked to a home: there is no link to reject.")
    LinkRejection.objects.get_or_create(
        project=project, home_id=home_id, defaults={"rejected_by": user}
    )
    _unlinked(project)
    projects_link_auto([project])
    conflicts_settle([home_id])
    project.refresh_from_db()
    return project


@transaction.atomic
def project_link_manual(*, project: Project, home: Home | None, user=None) -> Project:
    """Link `project` to the home staff picked (confirmed); None hands it back to auto-linking."""
    old_home_id = project.home_id
    if home is None:
        _unlinked(project)
        projects_link_auto([project])
    else:
        # Picking a home staff once rejected for this project is a decision that overrides it.
        LinkRejection.objects.filter(project=project, home=home).delete()
        _confirmed(project, home=home, method=LinkMethod.MANUAL, user=user)
    conflicts_settle({old_home_id, project.home_id} - {None})
    project.refresh_from_db()
    return project


@transaction.atomic
def project_link_created_home(*, project: Project, home: Home, user) -> Project:
    """Link `project` to the home just created from it (confirmed: it is that job's home)."""
    _confirmed(project, home=home, method=LinkMethod.CREATED, user=user)
    conflicts_settle([home.pk])
    return project
