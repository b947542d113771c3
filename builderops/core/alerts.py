"""Ops alerts: e-mail the group "Ops alerts" when something stopped, and a daily digest.

- `ops_alert_send(cause=…)`: one e-mail per cause per hour at most — a paused integration is
  reported again each hour while it stays paused, never once per failed call. The hour is kept
  in the shared cache (`cache.add` is atomic), so several workers still send one.
- `ops_digest_send()`: each member gets the dashboard's "Needs attention" lines they may see,
  with links; nothing is sent to someone with nothing to attend to.

Mail goes through Django's e-mail framework: the console backend in `make run`, SMTP from
`EMAIL_URL` in production (README, "Configuration").
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

OPS_ALERTS_GROUP = "Ops alerts"
ALERT_INTERVAL_SECONDS = 3600


@dataclass(frozen=True)
class Recipient:
    user: object
    email: str


def ops_alert_recipients() -> list[Recipient]:
    """List the active members of "Ops alerts" who have an e-mail address."""
    users = (
        get_user_model()
        .objects.filter(groups__name=OPS_ALERTS_GROUP, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    return [Recipient(user, user.email) for user in users]


def site_link(path: str) -> str:
    """Make an admin path absolute for an e-mail (BUILDEROPS_SITE_URL)."""
    return f"{settings.BUILDEROPS_SITE_URL.rstrip('/')}{path}"


def ops_alert_send(*, cause: str, subject: str, body: str) -> bool:
    """E-mail "Ops alerts" about `cause`, unless it was reported in the last hour; say if sent."""
    recipients = [r.email for r in ops_alert_recipients()]
    if not recipients:
        return False
    key = f"ops-alert:{cause}"
    if not cache.add(key, 1, timeout=ALERT_INTERVAL_SECONDS):
        return False  # reported within the hour
    try:
        send_mail(f"[BuilderOps] {subject}", body, None, recipients)
    except Exception:
        cache.delete(key)  # not sent: let the next check try again
        raise
    logger.info("ops alert %r sent to %d recipient(s)", cause, len(recipients))
    return True


def ops_alert_paused(*, cause: str, what: str, why: str) -> bool:
    """Report that `what` ("Publishing to Builder Backed") is paused and why (hourly at most)."""
    body = (
        f"{what} is paused.\n\n{why}\n\n"
        f"It resumes by itself once the cause is fixed. Dashboard: {site_link('/admin/')}\n"
    )
    return ops_alert_send(cause=cause, subject=f"{what} is paused", body=body)


def digest_text(dashboard) -> str:
    lines = [
        f"- {line.count:,} {line.text}{f' ({line.detail})' if line.detail else ''}: "
        f"{site_link(line.url)}"
        for line in dashboard.lines
    ]
    return "What needs attention today:\n\n" + "\n".join(lines) + "\n"


def ops_digest_send(*, dashboard_for) -> int:
    """E-mail each member of "Ops alerts" what needs attention; return how many were sent.

    `dashboard_for(user)` builds the dashboard a user may see (the admin site's, so every app's
    lines are in it). Someone with nothing to attend to gets nothing.
    """
    sent = 0
    for recipient in ops_alert_recipients():
        dashboard = dashboard_for(recipient.user)
        if not dashboard.needs_attention:
            continue
        count = sum(line.count for line in dashboard.lines)
        subject = f"[BuilderOps] Daily digest: {count:,} thing{'s' if count != 1 else ''} to see to"
        send_mail(subject, digest_text(dashboard), None, [recipient.email])
        sent += 1
    return sent
