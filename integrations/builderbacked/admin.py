"""Builder Backed's additions to the admin: "Pull regions now" on the Region list, and the Sync
status page. The sync badge, filter and per-record actions are the domain's
(builderops/core/admin.py): they only mark records due.

Region's admin is the domain's own (locations/admin.py), registered again here with the pull
button: the domain never imports this app.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from integrations.builderbacked.admin_reconcile import compare_page
from integrations.builderbacked.admin_sync import (
    labels_allowed,
    regions_pull_report,
    sync_status_page,
)
from locations import admin as locations_admin
from locations.models import Region


class RegionPullAdminMixin:
    """Add "Pull regions now" to the Region admin, and say plainly when none is active.

    Pulling calls Builder Backed and writes regions, so it needs the change permission of a
    publishable model, as on the Sync status page (a Viewer may look, not pull; issue 11).
    """

    change_list_template = "admin/builderbacked/region_change_list.html"

    def has_pull_permission(self, request) -> bool:
        return bool(labels_allowed(request.user, "change"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_pull": self.has_pull_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        opts = self.model._meta
        pull = self.admin_site.admin_view(self.pull_regions_view)
        name = f"{opts.app_label}_{opts.model_name}_pull"
        return [path("pull/", pull, name=name), *super().get_urls()]

    def pull_regions_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_pull_permission(request):
            raise PermissionDenied
        regions_pull_report(request, self.message_user)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


admin.site.register_page(sync_status_page())
admin.site.register_page(compare_page())

admin.site.unregister(Region)


@admin.register(Region)
class RegionAdmin(RegionPullAdminMixin, locations_admin.RegionAdmin):
    pass
