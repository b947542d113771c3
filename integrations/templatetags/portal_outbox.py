"""Template tags for the portal outbox on a project's page: its write buttons and its writes."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from integrations.portals.admin.outbox import state_badge_html
from integrations.portals.outbox.capabilities import portal_offers_write
from integrations.portals.outbox.forms import WRITE_FORMS

register = template.Library()


@register.simple_tag
def project_write_buttons(project, user) -> str:
    """Return an object-tools item per write the user may draft and the portal offers."""
    if project.deleted or not user.has_perm("integrations.add_portalwrite"):
        return ""
    # A kind the portal doesn't offer never gets a button (the contract's "—").
    links = [
        (reverse("admin:integrations_portalwrite_new", args=[project.pk, kind]), spec.label)
        for kind, spec in WRITE_FORMS.items()
        if portal_offers_write(project.connection.portal, kind)
    ]
    return format_html_join("", '<li><a href="{}" class="addlink">{}</a></li>', links)


@register.inclusion_tag("admin/portals/project_writes.html")
def project_writes(project) -> dict:
    """List the project's portal writes, newest first, each with its state."""
    writes = project.portal_writes.select_related("change_order").order_by("-created_at")[:50]
    rows = [
        {
            "write": write,
            "url": reverse("admin:integrations_portalwrite_change", args=[write.pk]),
            "badge": state_badge_html(write),
        }
        for write in writes
    ]
    return {"rows": rows}
