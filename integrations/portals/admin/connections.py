"""Admin for portal connections: health, write-only secrets, "Pull now" / "Full re-pull", runs.

Passwords and MFA secrets are write-only: the form never renders them back, and a blank field
keeps the stored one. The webhook secret is shown masked; users who may change the connection can
reveal it on a page of its own.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from builderops.core.admin_columns import json_column
from builderops.core.formatting import plural
from integrations.portals.dashboard import ConnectionHealthFilter
from integrations.portals.hosts import portal_base_url_validate
from integrations.portals.models.connection import PortalConnection, PullRun
from integrations.portals.services import (
    portal_connection_pull_request,
    portal_connection_webhook_secret_rotate,
)

PULL_PERMISSION = "integrations.pull_portalconnection"


HIGH_WATER_MARKS = json_column(PortalConnection, "high_water_marks")  # a table, not a blob


class PortalConnectionForm(forms.ModelForm):
    base_url = forms.URLField(
        label="Base URL", max_length=500, assume_scheme="https",
        help_text="The tenant's API base URL, e.g. https://api.example.com/buildertrend",
    )  # fmt: skip
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text="Write-only. Leave blank to keep the stored password.",
    )
    mfa_secret = forms.CharField(
        label="MFA secret",
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Write-only base32 TOTP secret, if the tenant demands MFA. Blank keeps it.",
    )
    clear_mfa_secret = forms.BooleanField(label="Turn MFA off", required=False)

    class Meta:
        model = PortalConnection
        fields = [
            "name", "portal", "base_url", "username", "enabled", "pull_interval_minutes",
            "home_type_default",
        ]  # fmt: skip

    def clean_base_url(self):
        url = self.cleaned_data["base_url"]
        portal_base_url_validate(url)
        return url

    def clean(self):
        cleaned = super().clean()
        if not self.instance.has_password and not cleaned.get("password"):
            self.add_error("password", "Enter the portal password.")
        elif self.host_or_user_changed():
            self.require_secrets_again(cleaned)
        return cleaned

    def host_or_user_changed(self) -> bool:
        """Say whether an existing connection's base URL or username is being changed."""
        return bool(self.instance.pk) and bool({"base_url", "username"} & set(self.changed_data))

    def require_secrets_again(self, cleaned: dict) -> None:
        """Demand the password (and a kept MFA secret) again: stored ones stay with their host."""
        changed = " and ".join(
            label for name, label in (("base_url", "base URL"), ("username", "username"))
            if name in self.changed_data
        )  # fmt: skip
        if not cleaned.get("password"):
            self.add_error(
                "password",
                f"You changed the {changed}: enter the password again. The stored password is "
                "only ever sent to the host and username it was entered for.",
            )
        keeps_mfa = self.instance.has_mfa_secret and not cleaned.get("clear_mfa_secret")
        if keeps_mfa and not cleaned.get("mfa_secret"):
            self.add_error(
                "mfa_secret",
                f"You changed the {changed}: enter the MFA secret again, or tick “Turn MFA off”.",
            )

    def save(self, commit=True):
        connection = super().save(commit=False)
        if self.cleaned_data.get("password"):
            connection.set_password(self.cleaned_data["password"])
        if self.cleaned_data.get("clear_mfa_secret"):
            connection.set_mfa_secret("")
        elif self.cleaned_data.get("mfa_secret"):
            connection.set_mfa_secret(self.cleaned_data["mfa_secret"].strip())
        if commit:
            connection.save()
        return connection


def last_run(field: str) -> Subquery:
    """Annotate a connection with one field of its latest PullRun (one query for the list)."""
    runs = PullRun.objects.filter(connection=OuterRef("pk")).order_by("-started_at", "-id")
    return Subquery(runs.values(field)[:1])


@admin.register(PortalConnection)
class PortalConnectionAdmin(admin.ModelAdmin):
    form = PortalConnectionForm
    change_form_template = "admin/portals/connection_change_form.html"
    list_display = ("name", "portal", "enabled", "last_success_at", "last_run", "short_error")
    list_filter = ("portal", "enabled", ConnectionHealthFilter)  # the dashboard links to it
    search_fields = ("name", "base_url", "username")
    actions = ["pull_now", "full_repull", "rotate_webhook_secret"]
    readonly_fields = (
        "secrets_stored",
        "webhook_url",
        "webhook_secret_masked",
        "last_pull_started_at",
        "last_success_at",
        "last_error",
        "last_run_summary",
        HIGH_WATER_MARKS,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "portal",
                    "base_url",
                    "username",
                    "enabled",
                    "pull_interval_minutes",
                    "home_type_default",
                )
            },
        ),
        (
            "Secrets (write-only)",
            {"fields": ("secrets_stored", "password", "mfa_secret", "clear_mfa_secret")},
        ),
        ("Webhooks", {"fields": ("webhook_url", "webhook_secret_masked")}),
        (
            "Health",
            {
                "fields": (
                    "last_pull_started_at",
                    "last_success_at",
                    "last_error",
                    "last_run_summary",
                    HIGH_WATER_MARKS,
                )
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # View-only: no write-only inputs to show.
        return [fs for fs in self.fieldsets if fs[0] != "Secrets (write-only)"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(last_run_status=last_run("status"), last_run_at=last_run("started_at"))
        )

    def has_pull_permission(self, request) -> bool:
        return request.user.has_perm(PULL_PERMISSION)

    @admin.display(description="last run", ordering="last_run_at")
    def last_run(self, obj):
        if not obj.last_run_status:
            return "never"
        return f"{obj.last_run_status} at {obj.last_run_at:%Y-%m-%d %H:%M} UTC"

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.display(description="stored")
    def secrets_stored(self, obj):
        password = "password stored" if obj.has_password else "no password"
        mfa = "MFA secret stored" if obj.has_mfa_secret else "no MFA secret"
        return f"{password}; {mfa}"

    @admin.display(description="webhook URL")
    def webhook_url(self, obj):
        if not obj.pk:
            return "—"
        return format_html("<code>{}</code>", reverse("portals:webhook", args=[obj.webhook_id]))

    @admin.display(description="webhook secret")
    def webhook_secret_masked(self, obj):
        if not obj.pk:
            return "generated when saved"
        url = reverse("admin:integrations_portalconnection_webhook_secret", args=[obj.pk])
        return format_html("<code>••••••••••••</code> <a href='{}'>reveal</a>", url)

    @admin.display(description="last pull run")
    def last_run_summary(self, obj):
        run = obj.pull_runs.first() if obj.pk else None
        if run is None:
            return "never pulled"
        url = reverse("admin:integrations_pullrun_change", args=[run.pk])
        return format_html(
            "<a href='{}'>{} {}</a>: {} new, {} updated, {} deleted, {} unchanged; {}; {}",
            url,
            run.get_kind_display(),
            run.get_status_display(),
            run.new_count,
            run.updated_count,
            run.deleted_count,
            run.unchanged_count,
            plural(run.requests_made, "request"),
            plural(len(run.errors), "error"),
        )

    @admin.action(permissions=["pull"], description="Pull now (incremental)")
    def pull_now(self, request, queryset):
        for connection in queryset:
            portal_connection_pull_request(connection=connection)
        self.message_user(
            request, f"Queued an incremental pull of {plural(queryset.count(), 'connection')}."
        )

    @admin.action(permissions=["pull"], description="Full re-pull")
    def full_repull(self, request, queryset):
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/portals/full_repull_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "connections": queryset,
                    "opts": self.opts,
                    "action": "full_repull",
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for connection in queryset:
            portal_connection_pull_request(connection=connection, full=True)
        self.message_user(
            request, f"Queued a full re-pull of {plural(queryset.count(), 'connection')}."
        )
        return None

    @admin.action(permissions=["change"], description="Rotate webhook secret")
    def rotate_webhook_secret(self, request, queryset):
        """Confirm, then give each connection a new webhook secret and show it this once."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "action": "rotate_webhook_secret",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "title": "Rotate webhook secret",
        }
        template = "admin/portals/webhook_secret_rotate.html"
        if request.POST.get("post") != "yes":
            return TemplateResponse(request, template, {**context, "connections": queryset})
        rotated = [
            (connection, portal_connection_webhook_secret_rotate(connection=connection))
            for connection in queryset
        ]
        for connection, _ in rotated:
            self.log_change(request, connection, "Rotated the webhook secret.")
        # Shown once: admin views are never cached (admin_view's never_cache: "no-store").
        return TemplateResponse(request, template, {**context, "rotated": rotated})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pull/", view(self.pull_view), name="integrations_portalconnection_pull"),
            path(
                "<int:pk>/webhook-secret/",
                view(self.webhook_secret_view),
                name="integrations_portalconnection_webhook_secret",
            ),
            *super().get_urls(),
        ]

    def pull_view(self, request, pk):
        """Queue a pull from the change page's buttons (POST; `full=1` for a full re-pull)."""
        if request.method != "POST" or not self.has_pull_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(PortalConnection, pk=pk)
        full = request.POST.get("full") == "1"
        portal_connection_pull_request(connection=connection, full=full)
        kind = "a full re-pull" if full else "an incremental pull"
        self.message_user(request, f"Queued {kind} of {connection}.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:integrations_portalconnection_change", args=[pk])
        )

    def webhook_secret_view(self, request, pk):
        """Show the webhook secret to someone who may change the connection."""
        connection = get_object_or_404(PortalConnection, pk=pk)
        if not self.has_change_permission(request, connection):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/portals/webhook_secret.html",
            {
                **self.admin_site.each_context(request),
                "connection": connection,
                "opts": self.opts,
                "secret": connection.webhook_secret(),
                "title": f"Webhook secret of {connection}",
            },
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_pull"] = self.has_pull_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)
