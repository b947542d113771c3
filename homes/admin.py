"""Admin for homes (with their homeowners inline) and for homeowners on their own.

Homeowner changes go through homes.services: each one is a change to its home, so the home's
review rules apply (an editor's change to an approved home's owners waits for approval).
Search is built for 100,000 homes: see homes/search.py.
"""

from collections import defaultdict
from itertools import pairwise

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models.functions import Lower
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from builderops.core.admin import ReviewedRecordAdmin, report_returned_to_draft
from builderops.core.admin_links import admin_change_url, admin_link, parent_chain
from builderops.csvio.admin import CsvImportAdminMixin
from homes.dashboard import HOMES_SECTION
from homes.models import Home, Homeowner
from homes.search import (
    HOME_SEARCH_FIELDS,
    OWNER_SEARCH_FIELDS,
    homeowners_search,
    homes_search,
)
from homes.services import home_save, homeowner_remove
from homes.states import USPS_STATES
from locations.hierarchy import level_for, parent_path

HISTORY_SHOWN = 200
# A home's location, nearest first, up to its division: the region would widen the changelist's
# column past 1,366 px and adds nothing staff act on.
LOCATION_CHAIN = parent_path(level_for(Home), up_to="division")
STATE_CHOICES = [("", "---------")] + [
    (code, f"{code} — {name}") for code, name in USPS_STATES.items()
]
DUPLICATE_EMAIL = "{email} is already a homeowner of this home (emails are compared ignoring case)."


def homeowner_history(home_id, limit: int = HISTORY_SHOWN) -> list[dict]:
    """List the latest changes to `home_id`'s homeowners, newest first, with field diffs."""
    records = list(
        Homeowner.history.filter(home_id=home_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    by_owner: dict[int, list] = {}
    for record in reversed(records):
        by_owner.setdefault(record.id, []).append(record)
    changes = {}
    for versions in by_owner.values():
        for older, newer in pairwise(versions):
            delta = newer.diff_against(older)
            helper = HistoricalRecordContextHelper(Homeowner, newer)
            changes[newer.history_id] = helper.context_for_delta_changes(delta)
    return [{"record": r, "changes": changes.get(r.history_id, [])} for r in records]


class HomeownerFormSet(BaseInlineFormSet):
    def clean(self):
        """Refuse the same email twice on one home, ignoring case."""
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not getattr(form, "cleaned_data", None):
                continue
            email = (form.cleaned_data.get("email") or "").strip()
            if email.lower() in seen:
                form.add_error("email", DUPLICATE_EMAIL.format(email=email))
            seen.add(email.lower())


class HomeownerInline(admin.TabularInline):
    model = Homeowner
    formset = HomeownerFormSet
    fields = ("email", "prefix", "first_name", "middle_name", "last_name", "suffix", "published_at")
    readonly_fields = ("published_at",)
    extra = 1


@admin.register(Home)
class HomeAdmin(CsvImportAdminMixin, ReviewedRecordAdmin):
    actions = [*ReviewedRecordAdmin.actions, *CsvImportAdminMixin.actions]
    list_display = (
        "external_id",
        "address_line1",
        "city",
        "state",
        "postal_code",
        "home_type",
        "closing_date",
        "location_code",
        "review_state",
        "sync_badge",
    )
    list_select_related = ("__".join(LOCATION_CHAIN),)
    list_filter = (
        "review_state",
        "sync_state",
        "home_type",
        "closing_date",
        "market_home",
        "neighborhood__master_community__division",
        "neighborhood__master_community",
        "neighborhood",
    )
    # Shown for the search box's help; get_search_results does the searching.
    search_fields = HOME_SEARCH_FIELDS + tuple(f"homeowners__{f}" for f in OWNER_SEARCH_FIELDS)
    search_help_text = (
        "Search by external ID, address, city, ZIP, job ID, or a homeowner's email or name."
    )
    autocomplete_fields = ("neighborhood",)
    inlines = (HomeownerInline,)
    review_parent_field = "neighborhood"
    object_history_template = "admin/homes/home/object_history.html"
    change_form_template = "admin/homes/home/change_form.html"  # + construction portal summary

    def get_fieldsets(self, request, obj=None):
        home = (
            None,
            {
                "fields": (
                    "external_id",
                    "neighborhood",
                    "location",
                    "address_line1",
                    "address_line2",
                    ("city", "state", "postal_code"),
                    "home_type",
                    "market_home",
                )
            },
        )
        job = (
            "Job",
            {
                "fields": (
                    "job_id",
                    "product_collection",
                    "home_model",
                    "closing_date",
                    "scheduled_closing_date",
                )
            },
        )
        return [home, job, self.review_fieldset, self.sync_fieldset, self.record_fieldset]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "location"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "state":  # a list, so a state's name or a typo can't be entered
            return forms.ChoiceField(
                choices=STATE_CHOICES, label="State", help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return homes_search(queryset, search_term), False

    @admin.display(description="location")
    def location(self, obj):
        if obj is None or not obj.neighborhood_id:
            return "—"
        return parent_chain(obj, *LOCATION_CHAIN)

    @admin.display(description="location", ordering="neighborhood__external_id")
    def location_code(self, obj):
        """Show the neighborhood's code on one line, the whole chain on hover (fits 1,366 px)."""
        if not obj.neighborhood_id:
            return "—"
        chain, current = [], obj
        for field in LOCATION_CHAIN:
            current = getattr(current, field, None)
            if current is None:
                break
            chain.append(str(current))
        return format_html(
            '<a class="location-chain" href="{}" title="{}">{}</a>',
            admin_change_url(obj.neighborhood),
            " \u203a ".join(chain),
            obj.neighborhood.external_id,
        )

    def save_model(self, request, obj, form, change):
        """Save nothing yet: save_related saves the home once, with its homeowners' changes."""

    def save_related(self, request, form, formsets, change):
        owners = next((f for f in formsets if f.model is Homeowner), None)
        self.save_home_with_owners(request, form, owners, change)
        others = [formset for formset in formsets if formset is not owners]
        super().save_related(request, form, others, change)  # then "Save and approve"

    def save_home_with_owners(self, request, form, owners, change: bool) -> None:
        """Save the home and its homeowner changes in one service call: one history row, one
        publish — removing an owner while editing the home must not save the home twice."""
        saved, removed = [], []
        if owners is not None:
            owners.save(commit=False)
            saved = [*owners.new_objects, *(owner for owner, _ in owners.changed_objects)]
            removed = owners.deleted_objects
        if change and not (form.has_changed() or saved or removed):
            return  # nothing to save: an unchanged approved home stays approved
        home = form.instance
        was_approved = change and home.is_approved
        home_save(home=home, user=request.user, owners_saved=saved, owners_removed=removed)
        report_returned_to_draft(self, request, home, was_approved)

    def history_view(self, request, object_id, extra_context=None):
        context = {"homeowner_changes": homeowner_history(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)


class HomeownerForm(forms.ModelForm):
    class Meta:
        model = Homeowner
        fields = ("home", "email", "prefix", "first_name", "middle_name", "last_name", "suffix")

    def clean(self):
        """Refuse an email another homeowner of the same home already has, ignoring case."""
        cleaned = super().clean()
        home = cleaned.get("home") or getattr(self.instance, "home", None)
        email = (cleaned.get("email") or "").strip()
        if home is not None and email:
            others = Homeowner.objects.filter(home=home).exclude(pk=self.instance.pk)
            if others.annotate(e=Lower("email")).filter(e=email.lower()).exists():
                self.add_error("email", DUPLICATE_EMAIL.format(email=email))
        return cleaned


@admin.register(Homeowner)
class HomeownerAdmin(SimpleHistoryAdmin):
    form = HomeownerForm
    list_display = ("email", "first_name", "last_name", "home_link", "published_at")
    list_select_related = ("home",)
    search_fields = OWNER_SEARCH_FIELDS  # shown as help; get_search_results searches
    search_help_text = "Search by email or name."
    autocomplete_fields = ("home",)
    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # A homeowner belongs to one home: to move one, remove it here and add it there.
        return ("home", "published_at") if obj is not None else ("published_at",)

    def get_search_results(self, request, queryset, search_term):
        return homeowners_search(queryset, search_term), False

    @admin.display(description="home", ordering="home__external_id")
    def home_link(self, obj):
        return admin_link(obj.home)

    def save_model(self, request, obj, form, change):
        home = obj.home
        was_approved = home.is_approved
        home_save(home=home, user=request.user, owners_saved=[obj])
        report_returned_to_draft(self, request, home, was_approved)

    def delete_model(self, request, obj):
        homeowner_remove(owner=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        by_home = defaultdict(list)
        for owner in queryset.select_related("home"):
            by_home[owner.home_id].append(owner)
        with transaction.atomic():  # all or nothing; each home saved once
            for owners in by_home.values():
                home_save(home=owners[0].home, user=request.user, owners_removed=owners)


admin.site.register_dashboard(HOMES_SECTION)  # scheduled closings per month (homes/dashboard.py)
