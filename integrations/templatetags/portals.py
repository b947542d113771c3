"""Template tags for portal data on other pages.

{% load portals %}{% home_construction home %}      the home page: every linked project
{% load portals %}{% project_construction project %}  the project page: its children
{% load portals %}{% project_link_note project %}     a project's link state and client drift
"""

from django import template

from integrations.portals.drift import project_clients_drift
from integrations.portals.selectors import (
    home_construction_summary,
    project_construction_summary,
)

register = template.Library()


def client_rows(clients: list, emails: set[str]) -> list[dict]:
    """Mark each portal client whose e-mail is not one of the home's homeowners."""
    rows = []
    for client in clients or []:
        email = str(client.get("email") or "").strip()
        rows.append({**client, "email": email, "is_homeowner": email.lower() in emails})
    return rows


@register.inclusion_tag("admin/portals/home_construction.html")
def home_construction(home):
    """Render the home's construction side: projects with all their children, clients."""
    owners = list(home.homeowners.all())
    emails = {owner.email.strip().lower() for owner in owners}
    construction = home_construction_summary(home)
    for item in construction.projects:
        item.clients = client_rows(item.project.clients, emails)
        client_emails = {client["email"].lower() for client in item.clients}
        item.owners_not_clients = [
            o for o in owners if o.email.strip().lower() not in client_emails
        ]
    return {"construction": construction, "homeowners": owners, "on_home_page": True}


@register.inclusion_tag("admin/portals/project_children.html")
def project_construction(project):
    """Render one project's children and its clients as tables (the project page)."""
    item = project_construction_summary(project)
    if item is not None:
        owners = list(project.home.homeowners.all()) if project.home_id else []
        item.clients = client_rows(project.clients, {o.email.strip().lower() for o in owners})
    return {"item": item, "on_home_page": False}


@register.inclusion_tag("admin/portals/project_link_note.html")
def project_link_note(project):
    """Render a linked project's link state and its clients missing from the homeowners."""
    return {"project": project, "drift": project_clients_drift(project)}
