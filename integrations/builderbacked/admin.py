"""Builder Backed's additions to the admin: "Pull regions now" on the Region list, and the Sync
status page. The sync badge, filter and per-record actions are the domain's
(builderops/core/admin.py): they only mark records due.

Region's admin is the domain's own (locations/admin.py), registered again here with the pull
button: the domain never imports this app.
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from integrations.builderbacked.admin_sync import regions_pull_report, sync_status_page
from locations import admin as locations_admin
from locations.models import Region


class RegionPullAdminMixin:
    """Add "Pull regions now" to the Region admin, and say plainly when none is active."""

    change_list_template = "admin/builderbacked/region_change_list.html"

    def get_urls(self):
        opts = self.model._meta
        pull = self.admin_site.admin_view(self.pull_regions_view)
        name = f"{opts.app_label}_{opts.model_name}_pull"
        return [path("pull/", pull, name=name), *super().get_urls()]

    def pull_regions_view(self, request):
        opts = self.model._meta
        if request.method == "POST" and self.has_view_permission(request):
            regions_pull_report(request, self.message_user)
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


admin.site.register_page(sync_status_page())

admin.site.unregister(Region)


@admin.register(Region)
class RegionAdmin(RegionPullAdminMixin, locations_admin.RegionAdmin):
    pass
