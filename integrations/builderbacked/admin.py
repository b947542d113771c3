"""Show Builder Backed sync state on every publishable model's admin (list column, filter, page),
offer "Publish now" and "Retry failed", and add the Sync status page to the admin index.

Every action calls a service in integrations/builderbacked/sync and reports with message_user.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.html import format_html

from integrations.builderbacked.admin_sync import regions_pull_report, sync_status_install
from integrations.builderbacked.sync.actions import records_publish_now, records_retry_failed
from integrations.builderbacked.sync.regions import NO_ACTIVE_REGION, regions_none_active
from integrations.builderbacked.sync_fields import SyncState

BADGE_COLOURS = {
    SyncState.NOT_PUBLISHED: "#6b7280",
    SyncState.PENDING: "#2563eb",
    SyncState.PUBLISHED: "#15803d",
    SyncState.FAILED: "#b91c1c",
    SyncState.RETRYING: "#b45309",
}
SYNC_READONLY_FIELDS = (
    "sync_badge",
    "sync_last_attempt_at",
    "sync_last_success_at",
    "sync_last_error",
    "remote_id",
)
ERROR_SHOWN = (SyncState.PENDING, SyncState.FAILED, SyncState.RETRYING)
DRAFTS_LISTED = 10


class SyncStateAdminMixin:
    """Add a sync badge column, a sync-state filter, a read-only sync panel and sync actions."""

    sync_fieldset = ("Builder Backed sync", {"fields": SYNC_READONLY_FIELDS})
    sync_actions = ("publish_now", "retry_failed")

    @admin.display(description="sync", ordering="sync_state")
    def sync_badge(self, obj):
        state = SyncState(obj.sync_state)
        badge = format_html(
            '<span class="sync-badge sync-{}" title="{}" style="color:#fff;background:{};'
            'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
            state.value,
            obj.sync_last_error or state.label,
            BADGE_COLOURS[state],
            state.label,
        )
        if state not in ERROR_SHOWN or not obj.sync_last_error:
            return badge
        return format_html(
            '{}<div class="sync-error" title="{}" style="font-size:11px;color:#6b7280">{}</div>',
            badge,
            obj.sync_last_error,
            truncatechars(obj.sync_last_error, 90),
        )

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if "sync_state" in filters else [*filters, "sync_state"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:  # actions disabled here
            return actions
        missing = [self.get_action(name) for name in self.sync_actions if name not in actions]
        allowed = self._filter_actions_by_permissions(request, [a for a in missing if a])
        actions.update({name: (func, name, desc) for func, name, desc in allowed})
        return actions

    @admin.action(
        permissions=["change"], description="Publish selected %(verbose_name_plural)s now"
    )
    def publish_now(self, request, queryset):
        queued, refused, drafts = records_publish_now(queryset, drafts_listed=DRAFTS_LISTED)
        meta = self.model._meta
        noun = meta.verbose_name if queued == 1 else meta.verbose_name_plural
        self.message_user(
            request, f"Queued {queued} {noun} for publishing to Builder Backed.", messages.SUCCESS
        )
        if refused:
            listed = ", ".join(f"“{obj}”" for obj in drafts)
            more = f" and {refused - len(drafts)} more" if refused > len(drafts) else ""
            self.message_user(
                request,
                f"Not queued — only approved records are published, approve these first: "
                f"{listed}{more}.",
                messages.WARNING,
            )

    @admin.action(permissions=["change"], description="Retry failed %(verbose_name_plural)s")
    def retry_failed(self, request, queryset):
        count = records_retry_failed(queryset)
        meta = self.model._meta
        noun = meta.verbose_name if count == 1 else meta.verbose_name_plural
        level = messages.SUCCESS if count else messages.INFO
        self.message_user(request, f"Queued {count} failed {noun} for another try.", level)


class RegionPullAdminMixin:
    """Add "Pull regions now" to the Region admin, and say plainly when none is active."""

    change_list_template = "admin/builderbacked/region_change_list.html"

    def get_urls(self):
        opts = self.model._meta
        pull = self.admin_site.admin_view(self.pull_regions_view)
        name = f"{opts.app_label}_{opts.model_name}_pull"
        return [path("pull/", pull, name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and regions_none_active():
            self.message_user(request, NO_ACTIVE_REGION, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def pull_regions_view(self, request):
        opts = self.model._meta
        if request.method == "POST" and self.has_view_permission(request):
            regions_pull_report(request, self.message_user)
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


sync_status_install(admin.site)
