"""Admin for the hierarchy: Region (read-only) → Division → Master Community → Neighborhood.

Each changelist costs the same few queries at any size: parents come with `list_select_related`,
child counts are per-row subqueries on the page only, and the full count is not shown.
Activation is changed by the "Deactivate" / "Reactivate" actions (locations.services), which
check the children first, never by a checkbox on the form.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from builderops.core.admin import ReviewedRecordAdmin, refusal_reason, report_returned_to_draft
from builderops.core.admin_links import admin_changelist_url, children_panel, parent_chain
from builderops.csvio.admin import CsvImportAdminMixin
from locations.hierarchy import level_for, parent_path
from locations.models import Division, MasterCommunity, Neighborhood, Region
from locations.selectors import REGION_NOT_ACTIVATED, regions_none_active
from locations.services import location_deactivate, location_reactivate

NO_ACTIVE_REGION = (
    f"{REGION_NOT_ACTIVATED}: divisions can be added "
    "once Builder Backed staff activate one and it is pulled here."
)


def child_count(model, fk_name: str):
    """Count `model` rows pointing at the outer row, as a subquery evaluated per listed row."""
    rows = (
        model._default_manager.filter(**{fk_name: OuterRef("pk")})
        .order_by()
        .values(fk_name)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def active_only_when_choosing(request, queryset):
    """Offer only active records in an autocomplete box (a parent must be active)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "autocomplete":
        return queryset.filter(active=True)
    return queryset


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    """Regions are activated by Builder Backed staff and pulled: nobody edits them here.

    `integrations/builderbacked/admin.py` adds the "Pull regions now" button to this admin.
    """

    list_display = ("name", "remote_id", "builder_id", "active", "division_count", "last_pulled_at")
    list_filter = ("active",)
    search_fields = ("name",)
    fields = ("name", "remote_id", "builder_id", "active", "last_pulled_at", "divisions_panel")
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and regions_none_active():
            self.message_user(request, REGION_NOT_ACTIVATED, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_divisions=child_count(Division, "region"))

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return active_only_when_choosing(request, queryset), duplicates

    @admin.display(description="divisions", ordering="n_divisions")
    def division_count(self, obj):
        return obj.n_divisions

    @admin.display(description="divisions")
    def divisions_panel(self, obj):
        return children_panel(obj, "divisions")


class LocationAdmin(CsvImportAdminMixin, ReviewedRecordAdmin):
    """What every builder-owned level shares; its parent and children come from the hierarchy."""

    actions = [
        *ReviewedRecordAdmin.actions,
        "deactivate",
        "reactivate",
        *CsvImportAdminMixin.actions,
    ]
    list_display = (
        "external_id",
        "name",
        "chain",
        "active",
        "child_count",
        "review_state",
        "sync_badge",
    )
    search_fields = ("external_id", "name", "display_name", "abbreviated_name")
    search_help_text = "Search by external ID or name."

    def get_fieldsets(self, request, obj=None):
        main = (
            None,
            {
                "fields": (
                    "external_id",
                    "name",
                    "display_name",
                    "abbreviated_name",
                    self.model.parent_field,
                    "active",
                )
            },
        )
        hierarchy = ("Hierarchy", {"fields": ("chain", "children")})
        return [main, hierarchy, self.review_fieldset, self.sync_fieldset, self.record_fieldset]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "active", "chain", "children"]

    @property
    def level(self):
        """This admin's level of the hierarchy: its parent chain and children come from there."""
        return level_for(self.model)

    def get_list_select_related(self, request):
        return ("__".join(parent_path(self.level)),)  # the whole chain the "chain" column links

    def get_queryset(self, request):
        children = getattr(self.model, self.level.children).rel
        counted = child_count(children.related_model, children.field.name)
        return super().get_queryset(request).annotate(n_children=counted)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return active_only_when_choosing(request, queryset), duplicates

    @property
    def review_parent_field(self):
        return self.model.parent_field

    @admin.display(description="parent chain")
    def chain(self, obj):
        return parent_chain(obj, *parent_path(self.level))

    @admin.display(description="children", ordering="n_children")
    def child_count(self, obj):
        children = getattr(self.model, self.level.children).rel
        model = children.related_model
        url = admin_changelist_url(model, **{f"{children.field.name}__id__exact": obj.pk})
        noun = model._meta.verbose_name_plural
        return format_html(
            '<a href="{}" title="{} {}">{}</a>', url, obj.n_children, noun, obj.n_children
        )

    @admin.display(description="children")
    def children(self, obj):
        return children_panel(obj, self.level.children) if obj and obj.pk else "—"

    @admin.action(permissions=["change"], description="Deactivate selected %(verbose_name_plural)s")
    def deactivate(self, request, queryset):
        self.activation_apply(
            request, queryset.filter(active=True), location_deactivate, "Deactivated"
        )

    @admin.action(permissions=["change"], description="Reactivate selected %(verbose_name_plural)s")
    def reactivate(self, request, queryset):
        self.activation_apply(
            request, queryset.filter(active=False), location_reactivate, "Reactivated"
        )

    def activation_apply(self, request, queryset, service, verb: str) -> None:
        """Run `service` on each record; report how many changed and which were refused."""
        done, refused = 0, 0
        for obj in queryset.select_related(self.model.parent_field):
            was_approved = obj.is_approved
            try:
                service(obj=obj, user=request.user)
            except ValidationError as exc:
                self.message_user(request, refusal_reason(exc), messages.ERROR)
                refused += 1
                continue
            done += 1
            report_returned_to_draft(self, request, obj, was_approved)
        if done or not refused:
            self.message_user(request, f"{verb} {done} {self.noun(done)}.", messages.SUCCESS)


@admin.register(Division)
class DivisionAdmin(LocationAdmin):
    list_filter = ("review_state", "active", "sync_state", "region")
    autocomplete_fields = ("region",)

    def changelist_view(self, request, extra_context=None):
        self.warn_without_active_region(request)
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":
            self.warn_without_active_region(request)
        return super().add_view(request, form_url, extra_context)

    def warn_without_active_region(self, request) -> None:
        if regions_none_active():
            self.message_user(request, NO_ACTIVE_REGION, messages.WARNING)


@admin.register(MasterCommunity)
class MasterCommunityAdmin(LocationAdmin):
    list_filter = ("review_state", "active", "sync_state", "division__region", "division")
    autocomplete_fields = ("division",)


@admin.register(Neighborhood)
class NeighborhoodAdmin(LocationAdmin):
    list_filter = (
        "review_state",
        "active",
        "sync_state",
        "master_community__division",
        "master_community",
    )
    autocomplete_fields = ("master_community",)
