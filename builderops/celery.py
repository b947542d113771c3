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

app.conf.beat_schedule = {}
