"""The Celery app: configured from Django settings (namespace CELERY), tasks autodiscovered.

Periodic schedules live here and nowhere else (`app.conf.beat_schedule`).
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_shutdown, worker_shutdown
from kombu import transport as kombu_transports
from kombu.transport import redis as kombu_redis
from redis import exceptions as redis_exceptions

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")


class RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, made to survive a Redis restart while it holds unacked messages.

    With kombu/celery 5.7.0, when Redis goes away the worker first `collect()`s its connection
    (which detaches the transport from it), then closes it; that close restores the unacked
    messages, which builds a new client pool from the detached connection and dies with
    `AttributeError: 'NoneType' object has no attribute 'hostname'` — an "Unrecoverable error"
    that stops the worker for good. Raising a connection error instead lets Celery swallow it
    and reconnect. The messages it held are not lost to the app: every task's work is recorded
    in the database (a due record, a pull run) and the periodic sweepers queue it again.
    """

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise redis_exceptions.ConnectionError("the broker connection was already closed")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    Channel = RedisChannel


# `redis://` and `rediss://` broker URLs use the transport above (kombu resolves a URL's scheme
# through this table; there is no setting for it when the URL names the scheme).
kombu_transports.TRANSPORT_ALIASES["redis"] = "builderops.celery:RedisTransport"
kombu_transports.TRANSPORT_ALIASES["rediss"] = "builderops.celery:RedisTransport"

app = Celery("builderops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["integrations.portals"])  # integrations/portals/tasks.py
app.autodiscover_tasks(["integrations.portals.outbox"])  # integrations/portals/outbox/tasks.py
app.autodiscover_tasks(["integrations.builderbacked"])  # integrations/builderbacked/tasks.py
app.autodiscover_tasks(["integrations"], related_name="alerts")  # integrations/alerts.py


@worker_shutdown.connect
@worker_process_shutdown.connect
def leases_release_on_shutdown(**kwargs) -> None:
    """Give back the leases this process still renews, so other workers take over at once
    (issue 10, item 3; builderops/core/heartbeat.py). A `kill -9` skips this: leases are short."""
    from builderops.core.heartbeat import heartbeats_release_all

    heartbeats_release_all()


app.conf.beat_schedule = {
    # Portal outbox: queue each approved write whose send was lost or whose retry is due
    # (issue 13; integrations/portals/outbox/tasks.py).
    "portal-writes-sweep": {
        "task": "integrations.portals.outbox.tasks.portal_writes_sweep",
        "schedule": 30.0,
    },
    # Queue a pull of each enabled portal connection whose pull interval has elapsed.
    "portal-pull-due": {"task": "integrations.portals.tasks.portal_pull_due", "schedule": 60.0},
    # A Pull run left "running" by a killed worker is failed within a minute: its 30 s lease runs
    # out, the next pass (every 20 s) sees it (integrations/portals/pull/stale.py).
    "portal-pull-runs-stale": {
        "task": "integrations.portals.tasks.portal_pull_runs_stale_fail",
        "schedule": 20.0,
    },
    # Forget webhook event ids past PORTAL_WEBHOOK_EVENT_RETENTION_DAYS (a repeat is refused
    # only while its id is kept; contract portals.md, "Webhooks (decided here)").
    "portal-webhook-events-prune": {
        "task": "integrations.portals.tasks.portal_webhook_events_prune",
        "schedule": crontab(hour=3, minute=17),
    },
    # Builder Backed: the sweeper queues every due record not in flight, parents first; regions
    # activated on Builder Backed's side are pulled (integrations/builderbacked/tasks.py).
    # Every 15 s, so a record whose message died with a worker or a Redis restart is queued
    # again within a minute (ENQUEUE_STALE 30 s + one period; issue 10, item 3).
    "builderbacked-publish-due": {"task": "builderbacked.publish_due", "schedule": 15.0},
    "builderbacked-pull-regions": {"task": "builderbacked.pull_regions", "schedule": 15 * 60.0},
    # Delete uploaded import files past BUILDEROPS_UPLOAD_RETENTION_DAYS; the jobs stay
    # (builderops/csvio/retention.py).
    # An import left "previewing"/"applying" by a killed worker is failed with the reason
    # (builderops/csvio/stale.py).
    "csvio-import-jobs-stale": {"task": "csvio.import_jobs_stale_fail", "schedule": 20.0},
    "csvio-uploads-expire": {
        "task": "csvio.import_uploads_expire",
        "schedule": crontab(hour=3, minute=41),
    },
    # Ops alerts (builderops/core/alerts.py): e-mail "Ops alerts" when publishing or a portal is
    # paused (hourly at most per cause), and each morning what the dashboard says needs attention.
    "ops-alerts-paused": {"task": "integrations.alerts_paused", "schedule": 60.0},
    "ops-digest": {
        "task": "builderops.ops_digest",
        "schedule": crontab(hour=int(os.environ.get("OPS_DIGEST_HOUR_UTC", "7")), minute=5),
    },
}
