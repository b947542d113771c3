"""Tell "Ops alerts" when publishing or a portal's pulls are paused (builderops/core/alerts.py).

A remote that refuses our credentials opens a circuit breaker (integrations/breaker): publishing
or pulling pauses until the secret is fixed. Beat runs this check every minute; each open breaker
is one cause, e-mailed at most once an hour while it stays open.
"""

from celery import shared_task

from builderops.core.alerts import ops_alert_paused
from integrations.breaker.services import breaker_sentence, breakers_open


def integrations_paused_alert() -> int:
    """E-mail about each open breaker not reported within the hour; return how many were sent."""
    sent = 0
    for record in breakers_open():
        sent += ops_alert_paused(
            cause=f"breaker:{record.key}",
            what=f"{record.activity.capitalize()} ({record.label})",
            why=breaker_sentence(record),
        )
    return sent


@shared_task(name="integrations.alerts_paused")
def alerts_paused() -> int:
    return integrations_paused_alert()
