"""The admin every reviewed, publishable record shares: approval, guarded deletes, audit history.

`ReviewedRecordAdmin` is the base of the Division, Master Community, Neighborhood and Home
admins; put mixins (sync, CSV upload) before it in the bases. Every write goes through the
services (builderops/core/records.py), so the review rules of builderops/core/review.py hold
here too:

- An edit by someone without the approve permission returns an approved record to draft; the
  admin says so. An approver's edit keeps it approved.
- "Approve selected" shows a confirmation page listing what will be approved and what can't
  (and why); "Save and approve" does the same for one record from its page.
- "Return selected to draft" withdraws an approval: a review decision, so it needs the approve
  permission too.
- Only superusers delete a record Builder Backed already knows (it would stay there).
- History can be read, never reverted: a revert would restore old sync fields and skip review.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from builderops.core.admin_links import admin_link
from builderops.core.admin_sync import SyncAdminMixin
from builderops.core.records import (
    hierarchy_depth,
    record_approve,
    record_save,
    records_approve_bulk,
    records_return_to_draft_bulk,
)
from builderops.core.review import review_check_can_approve, user_can_approve
from builderops.core.versions import (
    RecordsChanged,
    record_check_unchanged,
    record_version,
    versions_decode,
    versions_encode,
)

RETURNED_TO_DRAFT = (
    "“{obj}” was approved, so your change is saved as a draft: it waits for an approver, and "
    "Builder Backed keeps the last approved version until then."
)
SYNC_READONLY_FIELDS = (
    "sync_badge",
    "sync_last_attempt_at",
    "sync_last_success_at",
    "sync_last_error",
    "remote_id",
)
REFUSALS_LISTED = 10
CONFIRMATION_LISTED = 100  # per list on the confirmation page; the counts cover them all
# The form fields carrying what the approver saw (builderops/core/versions.py).
SHOWN_VERSIONS_FIELD = "shown_versions"
REVIEWED_VERSION_FIELD = "_reviewed_version"
CHANGED_BEFORE_APPROVAL = (
    "Nothing was saved or approved: {what} after you opened this page. This is the record as "
    "it is now: review it, then save or approve again."
)


def refusal_reason(exc: Exception) -> str:
    """Say in one line why a record can't be approved."""
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def report_returned_to_draft(modeladmin, request, obj, was_approved: bool) -> None:
    """Tell an editor their change to an approved record now waits for approval."""
    if was_approved and not obj.is_approved:
        modeladmin.message_user(request, RETURNED_TO_DRAFT.format(obj=obj), messages.WARNING)


def approval_preview(objs, user) -> tuple[list, list[tuple[object, str]], list]:
    """Sort `objs` into (approvable, [(refused, why)], already approved) without writing."""
    ready, refused, already = [], [], []
    for obj in sorted(objs, key=hierarchy_depth):
        if obj.is_approved:
            already.append(obj)
            continue
        try:
            review_check_can_approve(obj=obj, user=user)
        except (ValidationError, PermissionDenied) as exc:
            refused.append((obj, refusal_reason(exc)))
        else:
            ready.append(obj)
    return ready, refused, already


def confirmation_lists(*, ready, refused, already, counts) -> dict:
    """Give each list of the confirmation page with its full count and how many aren't shown."""
    context = {}
    for name, shown, count in zip(
        ("ready", "refused", "already"), (ready, refused, already), counts, strict=True
    ):
        context |= {name: shown, f"{name}_count": count, f"{name}_more": count - len(shown)}
    return context


class ReviewedRecordAdmin(SyncAdminMixin, SimpleHistoryAdmin):
    """Approve, return to draft, save through the services, guard deletes, show history, and
    show Builder Backed sync state (badge column, filter, panel; Publish now, Retry failed)."""

    actions = [
        "approve_selected",
        "return_to_draft",
        "publish_now",
        "force_republish",
        "retry_failed",
    ]
    review_parent_field = ""  # the ForeignKey review_parent() follows; loaded with the actions
    review_fieldset = ("Review", {"fields": ("review_state", "approved_by", "approved_at")})
    record_fieldset = ("Record", {"fields": ("created_at", "updated_at"), "classes": ["collapse"]})
    sync_fieldset = ("Builder Backed sync", {"fields": SYNC_READONLY_FIELDS})
    change_form_template = "admin/builderops/reviewed_change_form.html"
    approve_confirmation_template = "admin/builderops/approve_selected_confirmation.html"
    show_full_result_count = False
    list_per_page = 50
    history_list_display = ["review_state"]

    # --- permissions ---------------------------------------------------------------------------
    def has_approve_permission(self, request, obj=None) -> bool:
        return user_can_approve(request.user, self.model)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or request.user.is_superuser or not obj.is_published

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_readonly_fields(self, request, obj=None):
        fields = [
            *super().get_readonly_fields(request, obj),
            *self.review_fieldset[1]["fields"],
            *self.record_fieldset[1]["fields"],
            *self.sync_fieldset[1]["fields"],
        ]
        if obj is not None and obj.is_published:
            fields.append("external_id")  # Builder Backed knows the record by it
        return fields

    # --- writes, all through the services ------------------------------------------------------
    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing to save: an unchanged approved record stays approved
        was_approved = change and obj.is_approved
        record_save(obj=obj, user=request.user)
        report_returned_to_draft(self, request, obj, was_approved)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "_approve" in request.POST:
            self.approve_one(request, form.instance)

    def delete_model(self, request, obj):
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        obj._history_user = request.user
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if not all(self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def approve_one(self, request, obj) -> None:
        """Approve `obj` after saving it from its page; say why not if it can't be."""
        obj.refresh_from_db()
        if obj.is_approved:
            return
        try:
            record_approve(obj=obj, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            message = f"“{obj}” is saved as a draft, not approved: {refusal_reason(exc)}"
            self.message_user(request, message, messages.ERROR)
        else:
            message = f"“{obj}” is approved: it will be published to Builder Backed."
            self.message_user(request, message, messages.SUCCESS)

    # --- actions -------------------------------------------------------------------------------
    @admin.action(permissions=["approve"], description="Approve selected %(verbose_name_plural)s")
    def approve_selected(self, request, queryset):
        # Without the versions the confirmation page sends, nothing was confirmed: show it.
        if request.POST.get("post") != "yes" or SHOWN_VERSIONS_FIELD not in request.POST:
            return self.approve_confirmation(request, list(self.review_queryset(queryset)))
        shown = versions_decode(request.POST[SHOWN_VERSIONS_FIELD])
        try:
            approved, refused = records_approve_bulk(
                objs=queryset, user=request.user, shown_versions=shown
            )
        except RecordsChanged as exc:  # nothing was approved: show the records as they are now
            objs = list(self.review_queryset(queryset))
            return self.approve_confirmation(
                request, objs, changed=exc.changed, changed_count=exc.count
            )
        self.report_approved(request, approved, refused)
        return None

    @admin.action(
        permissions=["approve"], description="Return selected %(verbose_name_plural)s to draft"
    )
    def return_to_draft(self, request, queryset):
        returned = records_return_to_draft_bulk(objs=queryset, user=request.user)
        noun = self.noun(returned)
        self.message_user(request, f"Returned {returned} {noun} to draft.", messages.SUCCESS)

    def review_queryset(self, queryset):
        """Load what the review rules read with each record: its parent."""
        if self.review_parent_field:
            return queryset.select_related(self.review_parent_field)
        return queryset

    def approve_confirmation(self, request, objs, changed=(), changed_count=0):
        """Show what "Approve selected" will approve, and what it can't and why; after a refused
        confirmation, first which records `changed` since the page was shown (how many in all:
        `changed_count`)."""
        ready, refused, already = approval_preview(objs, request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Approve {self.opts.verbose_name_plural}",
            "opts": self.opts,
            **confirmation_lists(
                ready=[admin_link(obj) for obj in ready[:CONFIRMATION_LISTED]],
                refused=[(admin_link(obj), why) for obj, why in refused[:CONFIRMATION_LISTED]],
                already=[admin_link(obj) for obj in already[:CONFIRMATION_LISTED]],
                counts=(len(ready), len(refused), len(already)),
            ),
            # Posted back as they came, so "select all N" confirms the same N records.
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            # What this page shows is what "Yes" approves (issue 11): every record's version.
            "shown_versions_field": SHOWN_VERSIONS_FIELD,
            "shown_versions": versions_encode(objs),
            "changed": [
                (admin_link(record.obj), record.change_text())
                for record in changed[:CONFIRMATION_LISTED]
            ],
            "changed_count": changed_count,
            "changed_more": max(changed_count - min(len(changed), CONFIRMATION_LISTED), 0),
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.approve_confirmation_template, context)

    def report_approved(self, request, approved: int, refused) -> None:
        """Say how many were approved, and which were refused and why."""
        if approved:
            message = f"Approved {approved} {self.noun(approved)}: they will be published."
            self.message_user(request, message, messages.SUCCESS)
        for _obj, why in refused[:REFUSALS_LISTED]:  # each reason names its record
            self.message_user(request, f"Not approved: {why}", messages.ERROR)
        if len(refused) > REFUSALS_LISTED:
            more = len(refused) - REFUSALS_LISTED
            self.message_user(request, f"…and {more} more not approved.", messages.ERROR)
        if not approved and not refused:
            self.message_user(request, "Nothing to approve: all were approved already.")

    def noun(self, count: int) -> str:
        opts = self.opts
        return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)

    # --- the change page ----------------------------------------------------------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        # One transaction: the version check's row lock holds until the save commits.
        with transaction.atomic(using=router.db_for_write(self.model)):
            refused = self.reviewed_version_check(request, object_id)
            if refused is not None:
                return refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def reviewed_version_check(self, request, object_id):
        """Refuse a save that would approve a record changed since its page was opened.

        "Save and approve", and an approver's save of an approved record (it stays approved,
        under their name), approve what the page showed; if someone saved the record meanwhile,
        nothing is saved and the page is shown again as the record is now (issue 11).
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_approve_permission(request, obj):
            return None
        if "_approve" not in request.POST and not obj.is_approved:
            return None
        try:
            record_check_unchanged(obj=obj, shown=request.POST.get(REVIEWED_VERSION_FIELD, ""))
        except RecordsChanged as exc:
            what = exc.changed[0].describe()
            self.message_user(request, CHANGED_BEFORE_APPROVAL.format(what=what), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_save = (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        )
        context["show_save_and_approve"] = (
            can_save and self.has_approve_permission(request) and not (obj and obj.is_approved)
        )
        context["reviewed_version_field"] = REVIEWED_VERSION_FIELD
        context["reviewed_version"] = record_version(obj) if obj is not None else ""
        context["edit_returns_to_draft"] = bool(
            obj and obj.is_approved and can_save and not self.has_approve_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
