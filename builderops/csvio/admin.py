"""CsvImportAdminMixin: Upload CSV, preview, apply, progress and export on a ModelAdmin.

Add it first among a ModelAdmin's bases; the kind (builderops/csvio/kinds.py) is the model's
unless `csv_import_kind` names another:

    class HomeAdmin(CsvImportAdminMixin, ReviewedRecordAdmin):
        actions = [*ReviewedRecordAdmin.actions, *CsvImportAdminMixin.actions]

Pages come through `get_urls()` wrapped in `admin_site.admin_view` (STYLE.md habit 4); each view
parses the request, calls one service (builderops/csvio/jobs.py) and renders or redirects.
Importing needs the model's add and change permissions; exporting needs view.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from builderops.core.request_limits import request_body_limit
from builderops.core.review import user_can_approve
from builderops.csvio.export import csv_export_lines, csv_template_text
from builderops.csvio.forms import ApplyForm, UploadForm
from builderops.csvio.jobs import (
    import_job_apply_start,
    import_job_approve_change,
    import_job_create,
    import_job_preview_start,
)
from builderops.csvio.kinds import kind_for_model, spec_get
from builderops.csvio.models import ImportJob
from builderops.csvio.progress import progress_get
from builderops.csvio.summary import outcome_summary, rejected_summary


class CsvImportAdminMixin:
    actions = ["csv_export_selected"]  # list it in the admin's own `actions` (Django's idiom)
    csv_import_kind = ""  # a kind of builderops.csvio.kinds; by default the model's kind
    csv_change_list_template = "admin/csvio/change_list.html"

    @property
    def csv_kind(self) -> str:
        return self.csv_import_kind or kind_for_model(self.model)

    # --- wiring --------------------------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path(
                "import/",
                # Refused by Content-Length before the body is read (core/request_limits.py).
                request_body_limit(lambda: settings.CSV_MAX_UPLOAD_BYTES)(
                    wrap(self.csv_upload_view)
                ),
                name=self.csv_url_name("upload"),
            ),
            path(
                "import/template.csv",
                wrap(self.csv_template_view),
                name=self.csv_url_name("template"),
            ),
            path(
                "import/<int:job_id>/",
                wrap(self.csv_preview_view),
                name=self.csv_url_name("preview"),
            ),
            path(
                "import/<int:job_id>/apply/",
                wrap(require_POST(self.csv_apply_view)),
                name=self.csv_url_name("apply"),
            ),
            path(
                "import/<int:job_id>/progress/",
                wrap(self.csv_progress_view),
                name=self.csv_url_name("progress"),
            ),
            path(
                "import/<int:job_id>/status/",
                wrap(self.csv_status_view),
                name=self.csv_url_name("status"),
            ),
            path(
                "import/<int:job_id>/errors.csv",
                wrap(self.csv_errors_view),
                name=self.csv_url_name("errors"),
            ),
        ]
        return urls + super().get_urls()

    def csv_url_name(self, page: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_csv_{page}"

    def csv_url(self, page: str, job=None) -> str:
        args = [job.pk] if job is not None else []
        return reverse(f"{self.admin_site.name}:{self.csv_url_name(page)}", args=args)

    def csv_import_allowed(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def csv_check(self, request) -> None:
        if not self.csv_import_allowed(request):
            raise PermissionDenied

    def csv_job(self, request, job_id: int) -> ImportJob:
        """Return the caller's own job of this kind (superusers see every job)."""
        self.csv_check(request)
        job = get_object_or_404(ImportJob, pk=job_id, kind=self.csv_kind)
        if job.user_id != request.user.pk and not request.user.is_superuser:
            raise Http404
        return job

    def csv_context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "kind": self.csv_kind,
            "template_url": self.csv_url("template"),
            "upload_url": self.csv_url("upload"),
            "can_approve": user_can_approve(request.user, self.model),
            **extra,
        }

    # --- changelist: the Upload CSV button, and the export action ------------------------------
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and self.csv_import_allowed(request):
            parent = select_template(
                [response.template_name]
                if isinstance(response.template_name, str)
                else response.template_name
            )
            response.template_name = self.csv_change_list_template
            response.context_data["csvio_parent_template"] = parent.template
            response.context_data["csvio_upload_url"] = self.csv_url("upload")
        return response

    @admin.action(permissions=["view"], description="Export selected to CSV")
    def csv_export_selected(self, request, queryset):
        lines = csv_export_lines(spec=spec_get(self.csv_kind), queryset=queryset)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        name = f"{self.csv_kind}-{timezone.now():%Y%m%d-%H%M}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # --- pages ---------------------------------------------------------------------------------
    def csv_upload_view(self, request):
        self.csv_check(request)
        can_approve = user_can_approve(request.user, self.model)
        form = UploadForm(request.POST or None, request.FILES or None, can_approve=can_approve)
        if request.method == "POST" and form.is_valid():
            try:
                job = import_job_create(
                    kind=self.csv_kind,
                    upload=form.cleaned_data["file"],
                    user=request.user,
                    approve=form.cleaned_data.get("approve", False),
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                job = import_job_preview_start(job=job)
                return redirect(self.csv_next_url(job))
        title = f"Upload {self.model._meta.verbose_name_plural}"
        context = self.csv_context(request, title, form=form)
        return TemplateResponse(request, "admin/csvio/upload.html", context)

    def csv_template_view(self, request):
        self.csv_check(request)
        text = csv_template_text(spec=spec_get(self.csv_kind))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        name = f"{self.csv_kind}-template.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def csv_preview_view(self, request, job_id: int):
        job = self.csv_job(request, job_id)
        if job.is_running:
            return redirect(self.csv_url("progress", job))
        title = f"Preview: {job.original_name}"
        context = self.csv_context(
            request,
            title,
            job=job,
            apply_url=self.csv_url("apply", job),
            changelist_url=self.csv_changelist_url(),
            errors_url=self.csv_url("errors", job) if job.errors_file else "",
            form=ApplyForm(initial={"approve": job.approve}),
            samples=[
                (state, job.samples.get(state, [])) for state in ("new", "updated", "unchanged")
            ],
            hidden_errors=max(job.error_count - len(job.errors), 0),
            retention_days=settings.BUILDEROPS_UPLOAD_RETENTION_DAYS,
            hidden_notices=max(job.notice_count - len(job.notices), 0),
            summary=self.csv_summary(job),
            ignored=[c["header"] for c in job.columns if c.get("status") == "ignored"],
        )
        return TemplateResponse(request, "admin/csvio/preview.html", context)

    def csv_summary(self, job: ImportJob) -> str:
        """Say what Apply will do, did, or why nothing can be saved (builderops/csvio/summary)."""
        if job.error_count:
            return rejected_summary(counts=job.counts, error_count=job.error_count)
        done = job.status == ImportJob.Status.APPLIED
        return outcome_summary(counts=job.counts, model=self.model, approve=job.approve, done=done)

    def csv_apply_view(self, request, job_id: int):
        job = self.csv_job(request, job_id)
        form = ApplyForm(request.POST)
        approve = form.is_valid() and form.cleaned_data["approve"]
        if approve != job.approve:
            return self.csv_approve_change(request, job, approve)
        try:
            job = import_job_apply_start(job=job, approve=approve, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return redirect(self.csv_url("preview", job))
        if job.status == ImportJob.Status.APPLIED:
            self.csv_report_applied(request, job)
            return redirect(self.csv_changelist_url())
        return redirect(self.csv_next_url(job))

    def csv_approve_change(self, request, job: ImportJob, approve: bool):
        """Preview again when "approve on import" changed: Apply does only what was previewed."""
        try:
            job = import_job_approve_change(job=job, approve=approve, user=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(self.csv_url("preview", job))
        choice = "ticked" if approve else "unticked"
        self.message_user(
            request,
            f"“Approve on import” is now {choice}, so the file was checked again: this is what "
            "Apply will do now. Nothing was saved yet.",
            messages.WARNING,
        )
        return redirect(self.csv_next_url(job))

    def csv_progress_view(self, request, job_id: int):
        job = self.csv_job(request, job_id)
        if not job.is_running:
            return redirect(self.csv_next_url(job))
        title = f"Importing {job.original_name}"
        context = self.csv_context(
            request,
            title,
            job=job,
            status_url=self.csv_url("status", job),
            progress=progress_get(job.pk),
        )
        return TemplateResponse(request, "admin/csvio/progress.html", context)

    def csv_status_view(self, request, job_id: int):
        job = self.csv_job(request, job_id)
        status = {"status": job.status, **progress_get(job.pk)}
        status["next"] = "" if job.is_running else self.csv_next_url(job)
        return JsonResponse(status)

    def csv_errors_view(self, request, job_id: int):
        job = self.csv_job(request, job_id)
        if not job.errors_file:
            raise Http404
        return FileResponse(
            job.errors_file.open("rb"),
            as_attachment=True,
            filename="errors.csv",
            content_type="text/csv; charset=utf-8",
        )

    # --- helpers -------------------------------------------------------------------------------
    def csv_next_url(self, job: ImportJob) -> str:
        """Say where a job's pages lead next: its progress while it runs, else its page."""
        return self.csv_url("progress" if job.is_running else "preview", job)

    def csv_changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")

    def csv_report_applied(self, request, job: ImportJob) -> None:
        summary = outcome_summary(
            counts=job.counts, model=self.model, approve=job.approve, done=True
        )
        self.message_user(request, f"Imported {job.original_name}: {summary}", messages.SUCCESS)
