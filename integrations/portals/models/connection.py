"""A connection to one portal tenant, and the record of every pull made through it.

Secrets (password, MFA secret, webhook secret) are stored only as Fernet ciphertext
(`integrations.portals.crypto`); nothing here prints or logs them.
"""

import secrets
import uuid
from urllib.parse import urlsplit

from django.core.validators import MinValueValidator
from django.db import models

from builderops.core.models import TimeStampedModel
from homes.models import HomeType
from integrations.portals.crypto import secret_decrypt, secret_encrypt


class Portal(models.TextChoices):
    BUILDERTREND = "buildertrend", "Buildertrend"
    COCONSTRUCT = "coconstruct", "CoConstruct"


def credentials_binding(base_url: str, username: str) -> str:
    """Return "<scheme>://<host>[:port] <username>": what a stored password is bound to."""
    parts = urlsplit(str(base_url).strip())
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()} {username.strip()}"


def webhook_secret_new() -> str:
    """Generate a webhook secret and return it encrypted (a model field default)."""
    return secret_encrypt(secrets.token_urlsafe(32))


class PortalConnection(TimeStampedModel):
    name = models.CharField(max_length=100, unique=True)
    portal = models.CharField(max_length=20, choices=Portal.choices)
    base_url = models.URLField("base URL", max_length=500)
    username = models.CharField(max_length=200)
    password_encrypted = models.TextField(blank=True, editable=False)
    # The base URL origin and username the password was entered for: a client is only built when
    # they still match, so a stored password is never sent to a host it wasn't entered for.
    credentials_for = models.CharField(max_length=800, blank=True, editable=False)
    mfa_secret_encrypted = models.TextField(blank=True, editable=False)
    webhook_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook_secret_encrypted = models.TextField(default=webhook_secret_new, editable=False)
    enabled = models.BooleanField(default=True, db_index=True)
    pull_interval_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(1)],
        help_text="Minutes between scheduled incremental pulls.",
    )
    home_type_default = models.CharField(
        "type of homes created from jobs",
        max_length=20,
        choices=HomeType.choices,
        default=HomeType.SINGLE_FAMILY,
        help_text="The type a draft home created from one of this portal's jobs starts with.",
    )
    last_pull_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    pull_enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # One pull per connection at a time: taken and released by conditional UPDATEs (pull/lease.py).
    pull_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    pull_lease_owner = models.CharField(max_length=40, blank=True, editable=False)
    # {"projects": "<ISO 8601>", "selections": …}: the newest `updatedAt` seen per resource.
    high_water_marks = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        permissions = [("pull_portalconnection", "Can pull portal data now")]

    def __str__(self):
        return self.name

    def set_password(self, raw: str) -> None:
        """Store a new password, encrypted and bound to the current host and username."""
        self.password_encrypted = secret_encrypt(raw)
        self.credentials_for = self.credentials_binding()

    def credentials_binding(self) -> str:
        """Return what the stored password must be bound to: base URL origin + username."""
        return credentials_binding(self.base_url, self.username)

    @property
    def credentials_match(self) -> bool:
        """Say whether the stored password was entered for this base URL and username."""
        return self.credentials_for == self.credentials_binding()

    def set_mfa_secret(self, raw: str) -> None:
        """Store a new MFA secret, encrypted; empty turns MFA off (not saved here)."""
        self.mfa_secret_encrypted = secret_encrypt(raw)

    def webhook_secret(self) -> str:
        """Return the webhook secret in plain text (for signing checks and an admin's reveal)."""
        return secret_decrypt(self.webhook_secret_encrypted)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def has_mfa_secret(self) -> bool:
        return bool(self.mfa_secret_encrypted)


class PullKind(models.TextChoices):
    INCREMENTAL = "incremental", "Incremental"
    FULL = "full", "Full"
    TARGETED = "targeted", "Targeted (webhook)"


class PullStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Succeeded with errors"
    FAILED = "failed", "Failed"


class PullRun(models.Model):
    connection = models.ForeignKey(
        PortalConnection, on_delete=models.CASCADE, related_name="pull_runs"
    )
    kind = models.CharField(max_length=20, choices=PullKind.choices)
    status = models.CharField(
        max_length=20, choices=PullStatus.choices, default=PullStatus.RUNNING, db_index=True
    )
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"projects": {"new": 3, "updated": 1, "deleted": 0, "unchanged": 9}, "selections": …}
    counts = models.JSONField(default=dict, blank=True)
    new_count = models.PositiveIntegerField("new", default=0)
    updated_count = models.PositiveIntegerField("updated", default=0)
    deleted_count = models.PositiveIntegerField("deleted", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    projects_processed = models.PositiveIntegerField(default=0)
    requests_made = models.PositiveIntegerField(default=0)
    # [{"project_id": "100007", "resource": "selections", "error": "503 …"}, …]
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["connection", "-started_at"])]

    def __str__(self):
        return f"{self.connection} {self.kind} pull at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
