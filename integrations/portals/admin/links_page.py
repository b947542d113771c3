"""The "Portal links" page: live projects per link state and homes with no project, each count a
link into the filtered list staff work through (issue 15, "Queues")."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from builderops.core.sites import AdminPage
from integrations.portals.linking.summary import links_summary

URL_NAME = "portals_links"


def links_page_view(request):
    """Show the link queues (GET only)."""
    if not request.user.has_perm("integrations.view_project"):
        raise PermissionDenied
    summary = links_summary()
    projects_url = reverse("admin:integrations_project_changelist")
    homes_url = reverse("admin:homes_home_changelist")
    rows = [
        (label, count, f"{projects_url}?deleted__exact=0&link_state__exact={value}")
        for value, label, count in summary.rows()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Portal links",
        "summary": summary,
        "rows": rows,
        "homes_without_url": f"{homes_url}?portal_project=no",
    }
    return TemplateResponse(request, "admin/portals/links.html", context)


def links_page() -> AdminPage:
    """Describe the Portal links page for `BuilderOpsAdminSite.register_page`."""
    return AdminPage(
        app_label="portals",
        app_name="Construction portals",
        name="Portal links",
        url_name=URL_NAME,
        views=(("portals/links/", links_page_view, URL_NAME),),
        allowed=lambda user: user.has_perm("integrations.view_project"),
    )


admin.site.register_page(links_page())
