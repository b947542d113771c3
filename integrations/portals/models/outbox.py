"""The portal outbox: one record per write BuilderOps makes in a portal (issue 13).

A write is drafted, approved, then sent. Approval fixes its `Idempotency-Key`; every attempt from
then on — after a timeout, a dropped connection, a worker crash, a 5xx — sends that key with the
same `body`, so the portal creates the record once (shared/contracts/portals.md, "Common to both
portals"). The body is stored exactly as it goes on the wire (the contract's JSON shape).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from builderops.core.models import TimeStampedModel
from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import Project, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder


class WriteKind(models.TextChoices):
    CHANGE_ORDER = "change_order", "Change order"
    SELECTION = "selection", "Selection group"
    PURCHASE_ORDER = "purchase_order", "Purchase order"
    SCHEDULE_TASK = "schedule_task", "Schedule task edit"


class WriteState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Retrying"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


# Approved and not yet answered: what the sender (and its sweeper) still owes the portal.
IN_FLIGHT = (WriteState.SENDING, WriteState.RETRYING)
EDITABLE = (WriteState.DRAFT, WriteState.AWAITING_APPROVAL)


class PortalWrite(TimeStampedModel):
    connection = models.ForeignKey(PortalConnection, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="portal_writes")
    kind = models.CharField(max_length=20, choices=WriteKind.choices)
    title = models.CharField(max_length=300, blank=True)
    # A schedule task edit names the task it changes; the other kinds create a new record.
    target_id = models.CharField("portal ID of the edited record", max_length=100, blank=True)
    body = models.JSONField("body as drafted", default=dict)
    state = models.CharField(
        max_length=20, choices=WriteState.choices, default=WriteState.DRAFT, db_index=True
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField("send attempts", default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField("portal ID", max_length=100, blank=True)
    remote_number = models.CharField("portal number", max_length=50, blank=True)
    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=200, blank=True)
    totals_mismatch = models.BooleanField(default=False)
    change_order = models.ForeignKey(
        ChangeOrder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    selection = models.ForeignKey(
        Selection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["claimed_until", "updated_at"])

    class Meta:
        verbose_name = "portal write"
        verbose_name_plural = "portal outbox"
        ordering = ["-created_at"]
        permissions = [("send_portalwrite", "Can send to portal")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="portalwrite_due")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}" if self.title else self.get_kind_display()

    @property
    def mirrored(self):
        """Return the mirrored portal record this write created, if linked."""
        return self.change_order or self.selection or self.purchase_order
