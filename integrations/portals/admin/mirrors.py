"""Admin for the mirrored portal records and pull runs — read-only, except a project's home.

Every changelist selects its relations up front (`list_select_related`, counts as subqueries), so
it costs the same few queries at 10 rows or 100k.
"""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from builderops.core.admin_columns import (
    flag_column,
    formatted_fields,
    json_column,
    money_column,
)
from builderops.core.admin_sync import related_widget_make_safe
from homes.models import Home
from integrations.portals.admin.links import ProjectLinksAdminMixin
from integrations.portals.linking import project_link_manual
from integrations.portals.models.connection import PullRun
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import (
    ChangeOrder,
    ChangeOrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show pulled records, each value by its kind (money, rates, JSON, flags); only a pull
    writes them."""

    problem_flags = ("deleted", "totals_mismatch")  # booleans whose "yes" needs attention
    hidden_fields = ("line_items_hash", "children_mark")

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Built once: the page's fields and read-only fields must be the very same callables.
        self.page_fields = formatted_fields(
            model, problems=self.problem_flags, exclude=self.hidden_fields
        )

    def get_fields(self, request, obj=None):
        return self.page_fields

    def get_readonly_fields(self, request, obj=None):
        return self.page_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def live_count(model) -> Coalesce:
    """Annotate a project with how many live records of `model` it has (a subquery)."""
    rows = (
        model.objects.filter(project=OuterRef("pk"), deleted=False)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def home_uses_autocomplete() -> bool:
    """Say whether the Home admin can serve an autocomplete (registered, with search fields)."""
    home_admin = admin.site._registry.get(Home)
    return bool(home_admin and home_admin.search_fields)


@admin.register(Project)
class ProjectAdmin(ProjectLinksAdminMixin, admin.ModelAdmin):
    list_display = (
        "job_number",
        "name",
        "connection",
        "status",
        "home",
        "link_badge",
        "selections_n",
        "change_orders_n",
        flag_column(Project, "deleted"),
    )
    list_filter = ("link_state", "connection", "status", "link_method", "deleted")
    list_select_related = ("connection", "home")
    search_fields = ("job_number", "name", "remote_id", "address_line1", "city")
    # + its selections, change orders, purchase orders, schedule and clients as tables
    change_form_template = "admin/portals/project_change_form.html"
    fields = (
        "home",
        "link_state",
        "link_method",
        "connection",
        "remote_id",
        "name",
        "job_number",
        "status",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
        json_column(Project, "clients"),
        "start_date",
        "projected_completion_date",
        money_column(Project, "contract_price"),
        "remote_updated_at",
        flag_column(Project, "deleted"),
        "deleted_at",
    )
    readonly_fields = fields[1:]
    autocomplete_fields = ("home",) if home_uses_autocomplete() else ()
    raw_id_fields = () if home_uses_autocomplete() else ("home",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        related_widget_make_safe(formfield)  # no delete/change icons beside a published home
        return formfield

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(selections_n=live_count(Selection), change_orders_n=live_count(ChangeOrder))
        )

    @admin.display(description="selections", ordering="selections_n")
    def selections_n(self, obj):
        return obj.selections_n

    @admin.display(description="change orders", ordering="change_orders_n")
    def change_orders_n(self, obj):
        return obj.change_orders_n

    def save_model(self, request, obj, form, change):
        if "home" in form.changed_data:
            project_link_manual(project=obj, home=form.cleaned_data["home"], user=request.user)


class AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("pending", "Pending"), ("overdue", "Overdue"), ("over", "Over allowance")]

    def queryset(self, request, queryset):
        today = timezone.now().date()
        if self.value() == "pending":
            return queryset.filter(status="pending")
        if self.value() == "overdue":
            return queryset.filter(status="pending", due_date__lt=today)
        if self.value() == "over":
            return queryset.filter(allowance_remaining__lt=0)
        return queryset


@admin.register(Selection)
class SelectionAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "category",
        "project",
        "status",
        "due_date",
        money_column(Selection, "allowance"),
        "chosen_option_name",
        money_column(Selection, "allowance_remaining"),
        flag_column(Selection, "deleted"),
    )
    list_filter = (AttentionFilter, "status", "deleted", "project__connection")
    list_select_related = ("project",)
    search_fields = ("title", "category", "project__job_number", "remote_id")
    date_hierarchy = "due_date"


class ChangeOrderLineInline(admin.TabularInline):
    model = ChangeOrderLine
    fields = (
        "position",
        "description",
        "cost_code",
        "quantity",
        money_column(ChangeOrderLine, "unit_cost"),
        "markup_percent",
        flag_column(ChangeOrderLine, "taxable", problem=False),
        money_column(ChangeOrderLine, "amount"),
        money_column(ChangeOrderLine, "markup"),
        money_column(ChangeOrderLine, "tax"),
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChangeOrder)
class ChangeOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "project",
        "approval_status",
        "deadline",
        # Subtotal, markup and tax are on the order's page: the list keeps the totals in view.
        money_column(ChangeOrder, "total"),
        money_column(ChangeOrder, "computed_total"),
        flag_column(ChangeOrder, "totals_mismatch"),
        flag_column(ChangeOrder, "deleted"),
    )
    list_filter = ("approval_status", "totals_mismatch", "deleted", "project__connection")
    list_select_related = ("project",)
    search_fields = ("number", "title", "project__job_number", "remote_id")
    inlines = [ChangeOrderLineInline]


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    fields = (
        "position",
        "description",
        "cost_code",
        "quantity",
        money_column(PurchaseOrderLine, "unit_cost"),
        money_column(PurchaseOrderLine, "amount"),
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "vendor_name",
        "project",
        "status",
        money_column(PurchaseOrder, "total"),
        flag_column(PurchaseOrder, "deleted"),
    )
    list_filter = ("status", "deleted", "project__connection")
    list_select_related = ("project",)
    search_fields = ("number", "vendor_name", "vendor_email", "project__job_number")
    inlines = [PurchaseOrderLineInline]


@admin.register(ScheduleTask)
class ScheduleTaskAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "project",
        "start_date",
        "end_date",
        "progress_percent",
        flag_column(ScheduleTask, "deleted"),
    )
    list_filter = ("deleted", "project__connection")
    list_select_related = ("project",)
    search_fields = ("title", "project__job_number", "remote_id")
    date_hierarchy = "start_date"


@admin.register(PullRun)
class PullRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "connection",
        "kind",
        "status",
        "duration",
        "new_count",
        "updated_count",
        "deleted_count",
        "unchanged_count",
        "requests_made",
        "error_count",
    )
    list_filter = ("connection", "kind", "status")
    list_select_related = ("connection",)
    date_hierarchy = "started_at"

    @admin.display(description="seconds")
    def duration(self, obj):
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f}"

    @admin.display(description="errors")
    def error_count(self, obj):
        return len(obj.errors)
