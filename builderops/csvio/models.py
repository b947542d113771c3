"""ImportJob: one uploaded file, what its preview found, and whether it was applied.

Uploads are stored in Django's default storage under `imports/` (MEDIA_ROOT, i.e.
BUILDEROPS_MEDIA_ROOT): the web server that receives the file and the Celery worker that
previews or applies it must both see that storage. They hold homeowners' names and emails, so
they are written 0600 (FILE_UPLOAD_PERMISSIONS) and deleted after
BUILDEROPS_UPLOAD_RETENTION_DAYS by a periodic task (builderops/csvio/retention.py).
"""

import uuid

from django.conf import settings
from django.db import models


def import_upload_to(job: "ImportJob", filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}/{filename}"


def errors_upload_to(job: "ImportJob", filename: str) -> str:
    return f"imports/errors/{uuid.uuid4().hex}/{filename}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PREVIEWING = "previewing", "Previewing"
        PREVIEWED = "previewed", "Previewed"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=32)
    file = models.FileField(upload_to=import_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who pressed Apply: the import is checked with their permissions and recorded under their
    # name in every record's history, whoever uploaded it (issue 11).
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approve = models.BooleanField(default=False)
    is_async = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    counts = models.JSONField(default=dict, blank=True)
    samples = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # What the preview says besides errors (issue 12): which field each header fills ("" =
    # ignored), notices (encoding, short rows) and cells whose form was normalised, grouped.
    columns = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    notice_count = models.PositiveIntegerField(default=0)
    normalised = models.JSONField(default=list, blank=True)
    normalised_count = models.PositiveIntegerField(default=0)
    errors_file = models.FileField(upload_to=errors_upload_to, blank=True, max_length=300)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # When the preview Apply relies on began reading the stored records: Apply refuses rows
    # whose records changed after it, and lists them here when it did (issue 11).
    previewed_at = models.DateTimeField(null=True, blank=True)
    changed_since_preview = models.JSONField(default=list, blank=True)
    # The uploaded file is deleted after BUILDEROPS_UPLOAD_RETENTION_DAYS; the results stay.
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.kind}, {self.get_status_display().lower()})"

    @property
    def can_apply(self) -> bool:
        return (
            self.status == self.Status.PREVIEWED
            and self.file_deleted_at is None
            and self.error_count == 0
            and bool(self.counts.get("rows"))
        )

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.PREVIEWING, self.Status.APPLYING)
