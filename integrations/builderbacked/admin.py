"""Show Builder Backed sync state on every publishable model's admin (list column, filter, page)."""

from django.contrib import admin
from django.utils.html import format_html

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


class SyncStateAdminMixin:
    """Add a sync badge column, a sync-state filter and a read-only sync panel."""

    sync_fieldset = ("Builder Backed sync", {"fields": SYNC_READONLY_FIELDS})

    @admin.display(description="sync", ordering="sync_state")
    def sync_badge(self, obj):
        state = SyncState(obj.sync_state)
        title = obj.sync_last_error if state == SyncState.FAILED else state.label
        return format_html(
            '<span class="sync-badge sync-{}" title="{}" style="color:#fff;background:{};'
            'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
            state.value, title, BADGE_COLOURS[state], state.label,
        )
