"""Builder Backed sync state in the admin of every publishable record (a ReviewedRecordAdmin mixin).

- A sync badge column and filters (sync state; known to Builder Backed or not).
- "Publish now" sends what changed since its last publish and says how many were queued and how
  many were unchanged; approvers also get "Force republish" (resend even if unchanged, e.g.
  after a drift report) as an action and as a button on the record's page; "Retry failed".
- The record's page states its review and sync state together, so banner and badge agree.
- Foreign keys to published records show no change- or delete-related icons: a published
  neighborhood is never one stray click from deletion on a home's page.

Every control only marks records due (builderops/core/publishing.py); integrations publishes.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.html import format_html

from builderops.core.publishing import (
    PublishableModel,
    SyncState,
    records_force_republish,
    records_publish_now,
    records_retry_failed,
)

BADGE_COLOURS = {
    SyncState.NOT_PUBLISHED: "#6b7280",
    SyncState.PENDING: "#2563eb",
    SyncState.PUBLISHED: "#15803d",
    SyncState.FAILED: "#b91c1c",
    SyncState.RETRYING: "#b45309",
}
ERROR_SHOWN = (SyncState.PENDING, SyncState.FAILED, SyncState.RETRYING)
DRAFTS_LISTED = 10


class PublishedFilter(admin.SimpleListFilter):
    """Tell new records from edits of published ones (the dashboard's two kinds of draft)."""

    title = "known to Builder Backed"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "Yes (published before)"), ("no", "No (never published)")]

    def queryset(self, request, queryset):
        published = Q(remote_id__isnull=False) | Q(sync_last_success_at__isnull=False)
        if self.value() == "yes":
            return queryset.filter(published)
        if self.value() == "no":
            return queryset.exclude(published)
        return queryset


def sync_badge_html(obj) -> str:
    state = SyncState(obj.sync_state)
    return format_html(
        '<span class="sync-badge sync-{}" title="{}" style="color:#fff;background:{};'
        'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
        state.value,
        obj.sync_last_error or state.label,
        BADGE_COLOURS[state],
        state.label,
    )


def related_widget_make_safe(formfield) -> None:
    """Drop the change- and delete-related icons of a foreign key to a publishable record."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper) and issubclass(
        widget.rel.model, PublishableModel
    ):
        widget.can_change_related = False
        widget.can_delete_related = False


class SyncAdminMixin:
    """Show and steer a publishable record's Builder Backed sync (see the module docstring)."""

    # --- list ----------------------------------------------------------------------------------
    @admin.display(description="sync", ordering="sync_state")
    def sync_badge(self, obj):
        badge = sync_badge_html(obj)
        if obj.sync_state not in ERROR_SHOWN or not obj.sync_last_error:
            return badge
        return format_html(
            '{}<div class="sync-error" title="{}" style="font-size:11px;color:#6b7280">{}</div>',
            badge,
            obj.sync_last_error,
            truncatechars(obj.sync_last_error, 90),
        )

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        filters = filters if "sync_state" in filters else [*filters, "sync_state"]
        return [*filters, PublishedFilter]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        related_widget_make_safe(formfield)
        return formfield

    # --- actions -------------------------------------------------------------------------------
    @admin.action(
        permissions=["change"], description="Publish selected %(verbose_name_plural)s now"
    )
    def publish_now(self, request, queryset):
        result = records_publish_now(queryset, drafts_listed=DRAFTS_LISTED)
        self.report_publish_now(request, result)

    def report_publish_now(self, request, result) -> None:
        """Say how many were queued, how many were unchanged, and which drafts were refused."""
        noun = self.noun(result.queued)
        queued = f"Queued {result.queued} {noun} for publishing to Builder Backed."
        if result.unchanged:
            unchanged = (
                f" {result.unchanged} {self.noun(result.unchanged)} "
                f"{'was' if result.unchanged == 1 else 'were'} not sent: Builder Backed already "
                f"has {'it' if result.unchanged == 1 else 'them'} unchanged"
            )
            unchanged += (
                " (use “Force republish” to send anyway)."
                if self.has_approve_permission(request)
                else " (an approver can force a republish)."
            )
            queued += unchanged
        level = messages.SUCCESS if result.queued else messages.INFO
        self.message_user(request, queued, level)
        if result.drafts:
            listed = ", ".join(f"“{obj}”" for obj in result.drafts_listed)
            more = result.drafts - len(result.drafts_listed)
            self.message_user(
                request,
                "Not queued — only approved records are published, approve these first: "
                f"{listed}{f' and {more} more' if more > 0 else ''}.",
                messages.WARNING,
            )

    @admin.action(
        permissions=["approve"],
        description="Force republish selected %(verbose_name_plural)s (even if unchanged)",
    )
    def force_republish(self, request, queryset):
        count = records_force_republish(queryset)
        self.message_user(
            request,
            f"Queued {count} {self.noun(count)} to be sent to Builder Backed again, "
            "even if unchanged.",
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(permissions=["change"], description="Retry failed %(verbose_name_plural)s")
    def retry_failed(self, request, queryset):
        count = records_retry_failed(queryset)
        level = messages.SUCCESS if count else messages.INFO
        self.message_user(
            request, f"Queued {count} failed {self.noun(count)} for another try.", level
        )

    # --- the record's page: Retry / Force republish buttons ------------------------------------
    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.sync_record_view)
        name = f"{opts.app_label}_{opts.model_name}_sync"
        return [path("<path:object_id>/sync/", view, name=name), *super().get_urls()]

    def sync_record_view(self, request, object_id):
        """Retry (change permission) or force a republish (approve permission) of one record."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        rows = self.model._base_manager.filter(pk=obj.pk)
        if "_force_republish" in request.POST:
            if not self.has_approve_permission(request, obj):
                raise PermissionDenied
            self.force_republish(request, rows)
        else:
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            self.retry_failed(request, rows)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["sync"] = self.sync_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def sync_panel(self, request, obj) -> dict:
        """Say what Builder Backed has of `obj`, and which buttons this user may press."""
        opts = self.model._meta
        return {
            "badge": sync_badge_html(obj),
            "state": obj.sync_state,
            "published": obj.is_published,
            "last_error": obj.sync_last_error if obj.sync_state in ERROR_SHOWN else "",
            "last_success_at": obj.sync_last_success_at,
            "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_sync", args=[obj.pk]),
            "can_retry": obj.is_approved
            and obj.sync_state == SyncState.FAILED
            and self.has_change_permission(request, obj),
            "can_force": obj.is_approved
            and obj.is_published
            and self.has_approve_permission(request, obj),
        }
