"""Admin for the portal outbox: the **Portal outbox** list, each write's page, "New change order".

Editors draft (and submit); "Can send to portal" approves, which queues the send; failed writes
can be retried (same key, same body) and drafts discarded. Nothing here writes the ORM or calls
HTTP itself: every button calls one service in `integrations.portals.outbox.services`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from builderops.core.formatting import plural, yes_no
from integrations.portals.models.mirrors import Project
from integrations.portals.models.outbox import EDITABLE, PortalWrite, WriteKind, WriteState
from integrations.portals.outbox import services
from integrations.portals.outbox.bodies import change_order_body_totals
from integrations.portals.outbox.capabilities import portal_offers_write
from integrations.portals.outbox.forms import WRITE_FORMS, WriteForm, write_title

BADGES = {
    WriteState.SENT: "badge-ok",
    WriteState.FAILED: "badge-error",
    WriteState.RETRYING: "badge-warning",
    WriteState.AWAITING_APPROVAL: "badge-warning",
}
DONE = {  # each button (step) and what it did, for the message
    "submit": "submitted for approval",
    "approve": "approved and queued to be sent",
    "retry": "queued to be sent again",
    "discard": "discarded",
}


def step_apply(step: str, write: PortalWrite, user) -> bool:
    """Call the service behind one button; return whether the write changed."""
    if step == "approve":
        return services.portal_write_approve(write=write, user=user)
    service = {
        "submit": services.portal_write_submit,
        "retry": services.portal_write_retry,
        "discard": services.portal_write_discard,
    }[step]
    return service(write=write)


def state_badge_html(write: PortalWrite) -> str:
    """Show a write's state as a badge; a sent one with its portal number."""
    label = write.get_state_display()
    if write.state == WriteState.SENT and write.remote_number:
        label = f"{label} ({write.remote_number})"
    return format_html('<span class="badge {}">{}</span>', BADGES.get(write.state, ""), label)


@admin.register(PortalWrite)
class PortalWriteAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "project", "connection", "state_col", "attempts", "error_col",
                    "updated_at")  # fmt: skip
    list_filter = ("state", "kind", "connection")
    list_select_related = ("project", "connection")
    search_fields = ("title", "remote_id", "remote_number", "project__job_number")
    actions = ("approve_selected", "retry_selected", "discard_selected")
    change_form_template = "admin/portals/portalwrite_change_form.html"
    fields = ("kind", "title", "project", "connection", "state_col", "error", "error_field",
              "idempotency_key", "attempts", "next_attempt_at", "created_by", "approved_by",
              "approved_at", "sent_at", "remote_id", "remote_number", "mirror_link",
              "totals_mismatch_col")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="state", ordering="state")
    def state_col(self, obj):
        return state_badge_html(obj)

    @admin.display(description="error")
    def error_col(self, obj):
        return obj.error[:120]

    @admin.display(description="portal's totals differ from ours")
    def totals_mismatch_col(self, obj):
        return yes_no(obj.totals_mismatch, problem=True)

    @admin.display(description="mirrored record")
    def mirror_link(self, obj):
        mirror = obj.mirrored
        if mirror is None:
            return "—"
        opts = mirror._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[mirror.pk])
        return format_html('<a href="{}">{}</a>', url, mirror)

    def has_add_permission(self, request):
        return False  # drafts start from a project's page ("New change order")

    def has_delete_permission(self, request, obj=None):
        return False  # "Discard" keeps the write and its history

    def has_send_permission(self, request):
        return request.user.has_perm(services.SEND_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/<int:project_id>/<str:kind>/", view(self.write_form_view),
                 name="integrations_portalwrite_new"),
            path("<int:write_id>/edit/", view(self.write_form_view),
                 name="integrations_portalwrite_edit"),
            path("<int:write_id>/step/<str:step>/", view(self.step_view),
                 name="integrations_portalwrite_step"),
            *super().get_urls(),
        ]  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        write = self.get_object(request, object_id)
        extra = {"show_save": False, "show_save_and_continue": False,
                 "show_save_and_add_another": False, "show_delete_link": False}  # fmt: skip
        if write is not None:
            editable = write.kind in WRITE_FORMS and write.state in EDITABLE
            can_edit = editable and self.has_change_permission(request, write)
            extra |= {"write": write, "summary": write_summary(write), "can_edit": can_edit,
                      "steps": self.steps_allowed(request, write)}  # fmt: skip
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def steps_allowed(self, request, write: PortalWrite) -> list[tuple[str, str]]:
        """Return the buttons this user may press on this write: (step, label)."""
        can_change = self.has_change_permission(request, write)
        can_send = self.has_send_permission(request)
        offered = [
            ("submit", "Submit for approval", can_change and write.state == WriteState.DRAFT),
            ("approve", "Approve and send", can_send and write.state in EDITABLE),
            ("retry", "Retry", can_send and write.state == WriteState.FAILED),
            ("discard", "Discard", can_change and write.state in services.DISCARDABLE),
        ]
        return [(step, label) for step, label, allowed in offered if allowed]

    def step_view(self, request, write_id: int, step: str):
        """Apply one button (POST only) and go back to the write's page."""
        write = get_object_or_404(PortalWrite, pk=write_id)
        if request.method != "POST" or step not in dict(self.steps_allowed(request, write)):
            raise PermissionDenied
        if step_apply(step, write, request.user):
            self.message_user(request, f"{write} was {DONE[step]}.", messages.SUCCESS)
        else:
            self.message_user(
                request, f"{write} had already moved on: nothing done.", messages.WARNING
            )
        return redirect(reverse("admin:integrations_portalwrite_change", args=[write.pk]))

    def write_form_view(self, request, project_id=None, kind=None, write_id=None):
        """Draft a write (or edit a returned draft), preview its totals, save it."""
        write = get_object_or_404(PortalWrite, pk=write_id) if write_id else None
        project = write.project if write else get_object_or_404(Project, pk=project_id)
        kind = write.kind if write else kind
        spec = self.write_form_check(request, project, kind, write)
        if request.method == "POST":
            form, formset = spec.bound_forms(request.POST)
        else:
            form, formset = spec.bound_forms(spec.data(write.body) if write else None)
        valid = form.is_bound and form.is_valid() & formset.is_valid()
        body = spec.body(form, formset) if valid else None
        if write is not None and request.method != "POST" and write.error:
            spec.error_place(form, formset, write.error_field, write.error)
        if valid and ("_save" in request.POST or "_submit" in request.POST):
            saved = self.write_save(request, project, write, kind, body, form)
            if saved is not None:
                return redirect(reverse("admin:integrations_portalwrite_change", args=[saved.pk]))
        heading = f"Edit {write}" if write else spec.label
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "project": project,
            "write": write, "form": form, "formset": formset, "spec": spec,
            "totals": spec.totals(body) if body and spec.totals else None,
            "title": f"{heading} — {project}",
        }  # fmt: skip
        return TemplateResponse(request, "admin/portals/write_form.html", context)

    def write_form_check(self, request, project: Project, kind: str, write) -> WriteForm:
        """Return the kind's form, or refuse: no permission, or a write the portal lacks."""
        spec = WRITE_FORMS.get(kind)
        allowed = self.has_change_permission(request, write) if write else (
            request.user.has_perm("integrations.add_portalwrite"))  # fmt: skip
        if spec is None or not allowed or not portal_offers_write(project.connection.portal, kind):
            raise PermissionDenied
        return spec

    def write_save(self, request, project, write, kind, body, form):
        """Save the draft (and submit it when asked); report what happened."""
        title = write_title(kind, body)
        try:
            if write is None:
                write = services.portal_write_draft_create(
                    project=project, kind=kind, body=body, title=title, user=request.user
                )
            else:
                write = services.portal_write_draft_update(write=write, body=body, title=title)
        except ValidationError as exc:
            form.add_error(None, exc)
            return None
        if "_submit" in request.POST:
            services.portal_write_submit(write=write)
            self.message_user(request, f"{write} was saved and submitted for approval.")
        else:
            self.message_user(request, f"{write} was saved as a draft.")
        return write

    @admin.action(permissions=["send"], description="Approve and send selected writes")
    def approve_selected(self, request, queryset):
        self.bulk_step(request, queryset, "approve")

    @admin.action(permissions=["send"], description="Retry selected failed writes")
    def retry_selected(self, request, queryset):
        self.bulk_step(request, queryset, "retry")

    @admin.action(permissions=["change"], description="Discard selected writes")
    def discard_selected(self, request, queryset):
        self.bulk_step(request, queryset, "discard")

    def bulk_step(self, request, queryset, step: str) -> None:
        writes = list(queryset)
        changed = sum(1 for write in writes if step_apply(step, write, request.user))
        skipped = len(writes) - changed
        verb = "was" if changed == 1 else "were"
        message = f"{plural(changed, 'write')} {verb} {DONE[step]}."
        if skipped:
            message += f" {plural(skipped, 'write')} could not be: not in a state that allows it."
        self.message_user(request, message, messages.WARNING if skipped else messages.SUCCESS)


def write_summary(write: PortalWrite) -> dict | None:
    """Return a change order's lines and totals for its page (None for other kinds)."""
    if write.kind != WriteKind.CHANGE_ORDER:
        return None
    body = write.body
    return {
        "lines": body.get("lineItems") or [],
        "totals": change_order_body_totals(body),
        "tax_rate": body.get("taxRate"),
    }
