"""Change orders and purchase orders, with their line items (shared/contracts/portals.md).

A change order keeps the totals the portal reported AND the totals recomputed here by the
contract's formula ("Fine points"); `totals_mismatch` flags a difference. Line items are replaced
as a whole when the portal's lines change (`line_items_hash` detects that without reading them).
"""

from django.db import models

from integrations.portals.models.mirrors import PortalRecord, Project, money_field


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ChangeOrder(PortalRecord):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_orders")
    number = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    approval_status = models.CharField(
        max_length=20, choices=ApprovalStatus.choices, blank=True, db_index=True
    )
    signature_required = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=200, blank=True)
    deadline = models.DateField(null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    subtotal = money_field("subtotal (reported)", null=True, blank=True)
    markup_total = money_field("markup (reported)", null=True, blank=True)
    tax_total = money_field("tax (reported)", null=True, blank=True)
    total = money_field("total (reported)", null=True, blank=True)
    computed_subtotal = money_field("subtotal (computed)", null=True, blank=True)
    computed_markup_total = money_field("markup (computed)", null=True, blank=True)
    computed_tax_total = money_field("tax (computed)", null=True, blank=True)
    computed_total = money_field("total (computed)", null=True, blank=True)
    totals_mismatch = models.BooleanField(default=False, db_index=True)
    line_items_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta(PortalRecord.Meta):
        ordering = ["project", "number", "remote_id"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class ChangeOrderLine(models.Model):
    change_order = models.ForeignKey(
        ChangeOrder, on_delete=models.CASCADE, related_name="line_items"
    )
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=500, blank=True)
    cost_code = models.CharField(max_length=50, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_cost = money_field()
    markup_percent = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    taxable = models.BooleanField(default=False)
    # Per-line amounts by the contract's formula, each already rounded to cents.
    amount = money_field()
    markup = money_field()
    tax = money_field()

    class Meta:
        ordering = ["change_order", "position"]

    def __str__(self):
        return self.description


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


class PurchaseOrder(PortalRecord):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="purchase_orders")
    number = models.CharField(max_length=50, blank=True)
    vendor_name = models.CharField(max_length=200, blank=True)
    vendor_email = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=20, choices=PurchaseOrderStatus.choices, blank=True, db_index=True
    )
    scope_of_work = models.TextField(blank=True)
    total = money_field("total (reported)", null=True, blank=True)
    computed_total = money_field("total (computed)", null=True, blank=True)
    line_items_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta(PortalRecord.Meta):
        ordering = ["project", "number", "remote_id"]

    def __str__(self):
        return f"{self.number} {self.vendor_name}".strip()


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="line_items"
    )
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=500, blank=True)
    cost_code = models.CharField(max_length=50, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_cost = money_field()
    amount = money_field()

    class Meta:
        ordering = ["purchase_order", "position"]

    def __str__(self):
        return self.description
