"""The Celery app: configured from Django settings (namespace CELERY), tasks autodiscovered.

Periodic schedules live here and nowhere else (`app.conf.beat_schedule`).
"""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (kept for schedules that need it)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")

app = Celery("builderops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["integrations.portals"])  # integrations/portals/tasks.py
app.autodiscover_tasks(["integrations.builderbacked"])  # integrations/builderbacked/tasks.py

app.conf.beat_schedule = {
    # Queue a pull of each enabled portal connection whose pull interval has elapsed.
    "portal-pull-due": {"task": "integrations.portals.tasks.portal_pull_due", "schedule": 60.0},
    # Builder Backed: the sweeper queues every due record not in flight, parents first; regions
    # activated on Builder Backed's side are pulled (integrations/builderbacked/tasks.py).
    "builderbacked-publish-due": {"task": "builderbacked.publish_due", "schedule": 30.0},
    "builderbacked-pull-regions": {"task": "builderbacked.pull_regions", "schedule": 15 * 60.0},
}
