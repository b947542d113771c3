"""Register the integrations app's admins, defined next to the code they show, and the portals'
part of the dashboard (integrations/portals/dashboard.py)."""

from django.contrib import admin

from integrations.builderbacked import admin as builderbacked_admin
from integrations.portals.admin import connections, homes, links_page, mirrors, outbox
from integrations.portals.dashboard import PORTALS_SECTION

admin.site.register_dashboard(PORTALS_SECTION)

__all__ = ["builderbacked_admin", "connections", "homes", "links_page", "mirrors", "outbox"]
