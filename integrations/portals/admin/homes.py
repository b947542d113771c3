"""The portals' additions to the Home admin: a "Portal job" column and a "portal project" filter.

Home's admin is the domain's own (homes/admin.py), registered again here with these additions:
the domain never imports this app (as integrations/builderbacked/admin.py does for Region).
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html

from homes import admin as homes_admin
from homes.models import Home
from integrations.portals.linking.summary import home_has_project
from integrations.portals.models.mirrors import LinkState, Project


class HomeProjectFilter(admin.SimpleListFilter):
    title = "portal project"
    parameter_name = "portal_project"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Has a project"),
            ("no", "No project"),
            ("conflict", "Conflict (several projects)"),
            ("review", "Link to review"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("yes", "no"):
            return queryset.filter(home_has_project() if value == "yes" else ~home_has_project())
        if value in (LinkState.CONFLICT, LinkState.REVIEW):
            linked = Project.objects.filter(home=OuterRef("pk"), deleted=False, link_state=value)
            return queryset.filter(Exists(linked))
        return queryset


def first_project(field: str) -> Subquery:
    """Annotate a home with one field of its first live project (one subquery, no extra query)."""
    projects = Project.objects.filter(home=OuterRef("pk"), deleted=False).order_by("pk")
    return Subquery(projects.values(field)[:1])


class HomeProjectAdminMixin:
    """Add the portal job column and filter to the Home changelist."""

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        at = shown.index("review_state") if "review_state" in shown else len(shown)
        return [*shown[:at], "portal_job", *shown[at:]]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), HomeProjectFilter]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                portal_project_id=first_project("pk"),
                portal_job_number=first_project("job_number"),
                portal_link_state=first_project("link_state"),
            )
        )

    @admin.display(description="portal job", ordering="portal_job_number")
    def portal_job(self, obj):
        if not getattr(obj, "portal_project_id", None):
            return "—"
        url = reverse("admin:integrations_project_link", args=[obj.portal_project_id])
        label = LinkState(obj.portal_link_state).label
        return format_html(
            '<a href="{}" title="{}">{}</a> <small>{}</small>',
            url, label, obj.portal_job_number or "(no number)", label.lower(),
        )  # fmt: skip


admin.site.unregister(Home)


@admin.register(Home)
class HomeAdmin(HomeProjectAdminMixin, homes_admin.HomeAdmin):
    pass
