"""The durable copy of each circuit breaker: when it opened, why, what to check, when it closed.

The cache holds the live state every sender consults (`state.py`); this row survives a cache flush
and is what the Sync status page, `manage.py bb_status` and /healthz read.
"""

from django.db import models


class BreakerRecord(models.Model):
    """Remember one remote's circuit breaker, open or last closed."""

    key = models.CharField(max_length=200, unique=True, help_text="the breaker's cache key")
    label = models.CharField(max_length=200, help_text="the remote, as staff know it")
    reason = models.CharField(max_length=20, help_text="credentials or access")
    message = models.TextField(blank=True, help_text="the remote's own words")
    hint = models.CharField(max_length=300, blank=True, help_text="what staff should check")
    activity = models.CharField(max_length=40, help_text="what is paused: publishing, pulling")
    opened_at = models.DateTimeField()
    probed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "circuit breaker"
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.label}: {'open' if self.is_open else 'closed'}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
