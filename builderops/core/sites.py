"""The admin site: Django's, plus pages that belong to no model (e.g. Builder Backed's Sync status)
and the operations dashboard on the index.

Apps register such pages with `admin.site.register_page(...)` and their dashboard lines and
charts with `admin.site.register_dashboard(...)` from their own `admin.py`, so this module knows
none of them. Each page gets its URLs (behind `admin_view`) and, for users its `allowed`
callable admits, an entry on the index and in the sidebar.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import path, reverse

from builderops.core.charts import chart_svg
from builderops.core.dashboard import PUBLISHING_SECTION, DashboardSection, dashboard_build


@dataclass(frozen=True)
class AdminPage:
    """A page outside any model: its index entry and its views as (route, view, url name)."""

    app_label: str
    app_name: str
    name: str
    url_name: str
    views: tuple[tuple[str, Callable, str], ...]
    allowed: Callable = field(default=lambda user: user.is_active and user.is_staff)


class BuilderOpsAdminSite(admin.AdminSite):
    site_header = "BuilderOps"
    site_title = "BuilderOps"
    index_title = "Operations"
    site_url = "/admin/"  # "View site" leads to the dashboard: the admin is the whole product
    # The page-wide sidebar costs 300 px of a 1,366 px screen; the dashboard and breadcrumbs
    # already lead everywhere (STYLE.md habit 15: pages fit 1,366 px).
    enable_nav_sidebar = False

    def __init__(self, name="admin"):
        super().__init__(name)
        self._pages: list[AdminPage] = []
        self._dashboard: list[DashboardSection] = [PUBLISHING_SECTION]

    def register_page(self, page: AdminPage) -> None:
        """Serve `page` under this site (registering the same url name twice keeps one)."""
        self._pages = [p for p in self._pages if p.url_name != page.url_name] + [page]

    def register_dashboard(self, section: DashboardSection) -> None:
        """Add `section`'s lines and charts to the dashboard (same key twice keeps one)."""
        self._dashboard = [s for s in self._dashboard if s.key != section.key] + [section]

    def dashboard(self, user):
        """Build the dashboard `user` may see (also what the daily digest sends)."""
        return dashboard_build(self._dashboard, user)

    def index(self, request, extra_context=None):
        dashboard = self.dashboard(request.user)
        context = {
            "dashboard": dashboard,
            "charts": [(chart, chart_svg(chart)) for chart in dashboard.charts],
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_urls(self):
        mine = [
            path(route, self.admin_view(view), name=url_name)
            for page in self._pages
            for route, view, url_name in page.views
        ]
        return [*mine, *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is None:
            app_list += [self.page_entry(p) for p in self._pages if p.allowed(request.user)]
        return app_list

    def page_entry(self, page: AdminPage) -> dict:
        url = reverse(f"{self.name}:{page.url_name}")
        model = {
            "name": page.name,
            "object_name": page.name.title().replace(" ", ""),
            "admin_url": url,
            "add_url": None,
            "view_only": True,
            "perms": {"view": True},
        }
        return {
            "name": page.app_name,
            "app_label": page.app_label,
            "app_url": url,
            "has_module_perms": True,
            "models": [model],
        }
