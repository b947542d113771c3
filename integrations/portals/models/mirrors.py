"""Local mirrors of portal records — one normalized set for Buildertrend and CoConstruct.

Shapes follow shared/contracts/portals.md, "Resources". Every mirror is unique per (connection,
remote id); a record deleted in the portal is marked `deleted`, never erased ("Lists and
incremental pulls"). Money is `Decimal` with two places.
"""

from django.conf import settings
from django.db import models

from builderops.core.models import TimeStampedModel
from homes.models import Home
from integrations.portals.models.connection import PortalConnection

MONEY = {"max_digits": 14, "decimal_places": 2}


def money_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    """Return a DecimalField for an amount of money (14 digits, 2 places)."""
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


class PortalRecord(TimeStampedModel):
    """Hold the fields every mirrored record has."""

    connection = models.ForeignKey(PortalConnection, on_delete=models.CASCADE, related_name="+")
    remote_id = models.CharField("remote ID", max_length=100)
    remote_updated_at = models.DateTimeField("updated in portal", null=True, blank=True)
    deleted = models.BooleanField("deleted in portal", default=False, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="%(app_label)s_%(class)s_remote_once"
            )
        ]


class ProjectStatus(models.TextChoices):
    PRESALE = "presale", "Presale"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WARRANTY = "warranty", "Warranty"


class LinkMethod(models.TextChoices):
    AUTO_JOB = "auto_job", "Automatic (job number)"
    AUTO_ADDRESS = "auto_address", "Automatic (address)"
    MANUAL = "manual", "Picked by staff"
    CREATED = "created", "Home created from the job"


class LinkState(models.TextChoices):
    """How far a project's link to a home can be trusted (integrations/portals/linking.py)."""

    UNLINKED = "unlinked", "Unlinked"
    LINKED = "linked", "Linked (agrees)"
    REVIEW = "review", "To review"
    CONFLICT = "conflict", "Conflict"
    CONFIRMED = "confirmed", "Confirmed by staff"


class Project(PortalRecord):
    name = models.CharField(max_length=300)
    job_number = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, blank=True)
    postal_code = models.CharField("ZIP", max_length=20, blank=True)
    clients = models.JSONField(default=list, blank=True)
    start_date = models.DateField(null=True, blank=True)
    projected_completion_date = models.DateField(null=True, blank=True)
    contract_price = money_field(null=True, blank=True)
    home = models.ForeignKey(
        Home, on_delete=models.SET_NULL, null=True, blank=True, related_name="portal_projects"
    )
    link_method = models.CharField(max_length=20, choices=LinkMethod.choices, blank=True)
    link_state = models.CharField(
        max_length=12, choices=LinkState.choices, default=LinkState.UNLINKED, db_index=True
    )
    # [{"field": "address", "label": "Address", "home": "…", "project": "…"}, …]: what disagrees.
    link_differences = models.JSONField(default=list, blank=True, editable=False)
    link_disagreements = models.PositiveSmallIntegerField(default=0, editable=False)
    link_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    link_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The project `updatedAt` up to which its children are mirrored; behind `remote_updated_at`
    # (or null) means its children are due (pull/plan.py).
    children_mark = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(PortalRecord.Meta):
        ordering = ["connection", "job_number", "remote_id"]

    def __str__(self):
        return f"{self.job_number or self.remote_id} {self.name}"


class SelectionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Selection(PortalRecord):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="selections")
    category = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=SelectionStatus.choices, blank=True, db_index=True
    )
    allowance = money_field(null=True, blank=True)
    # Reported by CoConstruct; computed here otherwise: allowance - chosen option's price.
    allowance_remaining = money_field(null=True, blank=True, db_index=True)
    options = models.JSONField(default=list, blank=True)
    chosen_option_id = models.CharField(max_length=100, blank=True)
    chosen_option_name = models.CharField(max_length=300, blank=True)
    chosen_option_price = money_field(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta(PortalRecord.Meta):
        ordering = ["project", "due_date", "remote_id"]

    def __str__(self):
        return f"{self.category}: {self.title}" if self.category else self.title


class ScheduleTask(PortalRecord):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="schedule_tasks")
    title = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    predecessor_ids = models.JSONField(default=list, blank=True)
    assignees = models.JSONField(default=list, blank=True)

    class Meta(PortalRecord.Meta):
        ordering = ["project", "start_date", "remote_id"]

    def __str__(self):
        return self.title


class LinkRejection(TimeStampedModel):
    """A (project, home) pair staff rejected: auto-linking never proposes it again."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="link_rejections")
    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="+")
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "home"], name="link_rejection_once")
        ]

    def __str__(self):
        return f"{self.project} ≠ {self.home}"


class HomesFromJobsRun(TimeStampedModel):
    """A "Create draft homes" on many jobs, done by a worker (homes_from_jobs.py), with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    neighborhood = models.ForeignKey(
        "locations.Neighborhood", on_delete=models.CASCADE, related_name="+"
    )
    project_ids = models.JSONField(default=list)
    # {"<project pk>-<client index>": "e-mail staff typed"}
    email_fixes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    # [[project pk, home external id]] and [[project label, reason]]
    created = models.JSONField(default=list, blank=True)
    failed = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def total(self) -> int:
        return len(self.project_ids)

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)
