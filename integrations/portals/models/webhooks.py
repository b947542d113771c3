"""The webhook events a connection has accepted, kept for a retention window so a repeat is
recognised (shared/contracts/portals.md, "Webhooks (decided here)": each `eventId` once)."""

from django.db import models

from integrations.portals.models.connection import PortalConnection


class WebhookEvent(models.Model):
    connection = models.ForeignKey(
        PortalConnection, on_delete=models.CASCADE, related_name="webhook_events"
    )
    event_id = models.CharField("event ID", max_length=200)
    event = models.CharField(max_length=100)
    project_id = models.CharField("project ID", max_length=100)
    object_id = models.CharField("object ID", max_length=100, blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "event_id"], name="integrations_webhookevent_once"
            )
        ]

    def __str__(self):
        return f"{self.event} {self.event_id}"
