"""Admin for project ↔ home links: the review page, "Create draft homes", homeowner drift.

Mixed into the project admin (integrations/portals/admin/mirrors.py). Each view parses input,
calls one service (integrations/portals/linking, homes_from_jobs, drift) and reports.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from builderops.core.formatting import plural
from builderops.core.review import user_can_approve
from homes.models import Home
from integrations.portals.drift import project_clients_apply, project_clients_drift
from integrations.portals.homes_from_jobs import (
    homes_from_jobs_run_start,
    job_draft,
    neighborhood_suggest,
    projects_homes_create,
)
from integrations.portals.linking import (
    project_link_confirm,
    project_link_manual,
    project_link_reject,
)
from integrations.portals.linking.compare import link_comparison
from integrations.portals.models.mirrors import HomesFromJobsRun, LinkState, Project
from locations.models import Neighborhood

# More jobs than this are made into homes by a worker, with a progress page (like a big CSV).
WORKER_THRESHOLD = 50
# One word each, so the column stays narrow at 1,366 px; the full label is the tooltip.
SHORT_LABELS = {LinkState.LINKED: "Linked", LinkState.CONFIRMED: "Confirmed"}


class AnotherHomeForm(forms.Form):
    home = forms.ModelChoiceField(queryset=Home.objects.all(), label="Link to another home")

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = Project._meta.get_field("home")
        self.fields["home"].widget = AutocompleteSelect(field, admin_site)
        self.fields["home"].widget.choices = self.fields["home"].choices


class NeighborhoodForm(forms.Form):
    neighborhood = forms.ModelChoiceField(
        queryset=Neighborhood.objects.filter(active=True),
        help_text="Every home created here goes into this neighborhood.",
        error_messages={"required": "Pick the neighborhood the new homes belong to."},
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = Home._meta.get_field("neighborhood")
        self.fields["neighborhood"].widget = AutocompleteSelect(field, admin_site)
        self.fields["neighborhood"].widget.choices = self.fields["neighborhood"].choices


def email_fixes(post) -> dict[tuple[int, int], str]:
    """Read the e-mails staff typed for clients: inputs named `email-<project pk>-<client #>`."""
    fixes = {}
    for name, value in post.items():
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "email" and value.strip():
            try:
                fixes[(int(parts[1]), int(parts[2]))] = value.strip()
            except ValueError:
                continue
    return fixes


class ProjectLinksAdminMixin:
    """The link column, the review and clients pages, and "Create draft homes"."""

    actions = ["create_draft_homes"]

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        review = self.admin_site.admin_view(self.link_review_view)
        clients = self.admin_site.admin_view(self.clients_view)
        run = self.admin_site.admin_view(self.homes_run_view)
        return [
            path("homes-from-jobs/<int:run_id>/", run, name=f"{prefix}_homes_run"),
            path("<path:object_id>/link/", review, name=f"{prefix}_link"),
            path("<path:object_id>/clients/", clients, name=f"{prefix}_clients"),
            *super().get_urls(),
        ]

    @admin.display(description="link", ordering="link_state")
    def link_badge(self, obj):
        url = reverse("admin:integrations_project_link", args=[obj.pk])
        title = SHORT_LABELS.get(obj.link_state, obj.get_link_state_display())
        detail = obj.get_link_state_display()
        if obj.link_disagreements and obj.link_state != LinkState.UNLINKED:
            detail = f"{detail}: {plural(obj.link_disagreements, 'difference')}"
        return format_html(
            '<a class="link-state {}" href="{}" title="{}" style="white-space:nowrap">{}</a>',
            obj.link_state, url, detail, title,
        )  # fmt: skip

    # -- review page --------------------------------------------------------------------------

    def link_review_view(self, request, object_id):
        project = get_object_or_404(
            Project.objects.select_related("connection", "home", "link_confirmed_by"),
            pk=object_id,
        )
        if not self.has_view_permission(request, project):
            raise PermissionDenied
        form = AnotherHomeForm(admin_site=self.admin_site)
        if request.method == "POST":
            if not self.has_change_permission(request, project):
                raise PermissionDenied
            response, form = self.link_decide(request, project)
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Link of {project.job_number or project.remote_id}",
            "project": project,
            "comparison": link_comparison(project),
            "form": form,
            "media": self.media + form.media,
            "can_change": self.has_change_permission(request, project),
        }
        return TemplateResponse(request, "admin/portals/project_link_review.html", context)

    def link_decide(self, request, project):
        """Apply Confirm / Reject / Link to another home; return (redirect or None, form)."""
        here = HttpResponseRedirect(request.path)
        form = AnotherHomeForm(request.POST, admin_site=self.admin_site)
        try:
            if "confirm" in request.POST:
                project_link_confirm(project=project, user=request.user)
                text = f"Confirmed: {project} is home {project.home.external_id}; pulls will "
                self.message_user(request, text + "not change this link.", messages.SUCCESS)
                return here, form
            if "reject" in request.POST:
                rejected = project.home
                project = project_link_reject(project=project, user=request.user)
                self.message_user(
                    request, self.rejected_message(project, rejected), messages.SUCCESS
                )
                return here, form
            if "relink" in request.POST and form.is_valid():
                home = form.cleaned_data["home"]
                project_link_manual(project=project, home=home, user=request.user)
                self.message_user(request, f"Linked {project} to home {home.external_id} "
                                  "(confirmed).", messages.SUCCESS)  # fmt: skip
                return here, form
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return here, form
        return None, form

    @staticmethod
    def rejected_message(project, rejected) -> str:
        text = f"Rejected: {project} will never be linked to home {rejected.external_id} again."
        if project.home_id:
            return f"{text} It now links to home {project.home.external_id}; review that link."
        return f"{text} It is now unlinked."

    # -- clients (homeowner drift) ------------------------------------------------------------

    def clients_view(self, request, object_id):
        project = get_object_or_404(Project.objects.select_related("home"), pk=object_id)
        if project.home is None or not request.user.has_perm("homes.view_home"):
            raise PermissionDenied
        can_change = request.user.has_perm("homes.change_home")
        home_url = reverse("admin:homes_home_change", args=[project.home_id])
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            return self.clients_apply(request, project, home_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Clients of {project.job_number or project.remote_id} not among homeowners",
            "project": project,
            "drift": project_clients_drift(project),
            "home_url": home_url,
            "can_change": can_change,
            "can_approve": user_can_approve(request.user, Home),
        }
        return TemplateResponse(request, "admin/portals/project_clients.html", context)

    def clients_apply(self, request, project, home_url):
        was_approved = project.home.is_approved
        try:
            drift = project_clients_apply(project=project, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)
        added = sum(1 for c in drift.applicable if c.owner_pk is None)
        changed = len(drift.applicable) - added
        done = [plural(added, "homeowner") + " added"] if added else []
        done += [plural(changed, "homeowner e-mail") + " changed"] if changed else []
        text = f"Home {project.home.external_id}: {' and '.join(done)}."
        project.home.refresh_from_db()
        if was_approved and not project.home.is_approved:
            text += " The home is back in draft until an approver approves the change."
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(home_url)

    # -- create draft homes -------------------------------------------------------------------

    @admin.action(description="Create draft homes from selected unlinked jobs")
    def create_draft_homes(self, request, queryset):
        if not request.user.has_perm("homes.add_home"):
            self.message_user(request, "You may not add homes.", messages.ERROR)
            return None
        projects = list(queryset.select_related("connection", "home").order_by("job_number", "pk"))
        linked = [p for p in projects if p.home_id is not None or p.deleted]
        unlinked = [p for p in projects if p not in linked]
        if not unlinked:
            self.message_user(request, "None of the selected jobs is unlinked: homes are only "
                              "created from jobs with no home.", messages.WARNING)  # fmt: skip
            return None
        form = NeighborhoodForm(
            request.POST if "apply" in request.POST else None,
            admin_site=self.admin_site,
            initial={"neighborhood": neighborhood_suggest(unlinked)},
        )
        if "apply" in request.POST and form.is_valid():
            return self.homes_create_report(request, unlinked, linked, form)
        return self.homes_create_page(request, unlinked, linked, form)

    def homes_create_page(self, request, unlinked, linked, form):
        fixes = email_fixes(request.POST)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Create draft homes from {plural(len(unlinked), 'job')}",
            "drafts": [job_draft(p, fixes) for p in unlinked],
            "skipped": linked,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "action": "create_draft_homes",
        }
        return TemplateResponse(request, "admin/portals/create_draft_homes.html", context)

    def homes_create_report(self, request, unlinked, linked, form):
        if len(unlinked) > WORKER_THRESHOLD:
            run = homes_from_jobs_run_start(
                projects=unlinked,
                neighborhood=form.cleaned_data["neighborhood"],
                user=request.user,
                email_fixes=email_fixes(request.POST),
            )
            url = reverse("admin:integrations_project_homes_run", args=[run.pk])
            return HttpResponseRedirect(url)
        result = projects_homes_create(
            projects=unlinked,
            neighborhood=form.cleaned_data["neighborhood"],
            user=request.user,
            email_fixes=email_fixes(request.POST),
        )
        if result.created:
            jobs = ", ".join(h.external_id for _, h in result.created)
            self.message_user(request, f"Created {plural(len(result.created), 'draft home')} "
                              f"linked to their jobs: {jobs}.", messages.SUCCESS)  # fmt: skip
        for project, reason in result.failed:
            self.message_user(request, f"No home made from {project}: {reason}", messages.ERROR)
        if linked:
            skipped = f"Skipped {plural(len(linked), 'job')} already linked to a home"
            self.message_user(request, f"{skipped} (or deleted in the portal).", messages.WARNING)
        return None

    def homes_run_view(self, request, run_id):
        """Show a worker's "Create draft homes" run: progress while it runs, then its outcome."""
        run = get_object_or_404(HomesFromJobsRun, pk=run_id)
        if run.user_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        if request.GET.get("format") == "json":
            done = run.status == HomesFromJobsRun.Status.DONE
            return JsonResponse({"percent": run.percent, "done": run.done, "total": run.total,
                                 "next": request.path if done else None})  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Create draft homes from {plural(run.total, 'job')}",
            "run": run,
            "finished": run.status == HomesFromJobsRun.Status.DONE,
            "status_url": f"{request.path}?format=json",
        }
        return TemplateResponse(request, "admin/portals/homes_from_jobs_run.html", context)
