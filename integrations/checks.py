"""System checks for how the workers are deployed (run by `manage.py check` and at start-up)."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import autodiscover_modules


def longest_task_time_limit() -> tuple[str, float]:
    """Return the registered Celery task with the longest hard time limit, and that limit."""
    from builderops.celery import app

    # The tasks modules builderops/celery.py autodiscovers (imported here, not at start-up).
    autodiscover_modules("tasks", "portals.tasks", "builderbacked.tasks")
    default = app.conf.task_time_limit or 0
    limits = {name: task.time_limit or default for name, task in app.tasks.items()}
    name = max(limits, key=limits.get)
    return name, limits[name]


@register()
def celery_visibility_timeout_check(app_configs=None, **kwargs) -> list[Error]:
    """Redis redelivers an unacknowledged task after the visibility timeout: it must outlast
    the longest task, or a long CSV import would run twice at once (issue 10, item 7)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if visibility is None:  # not Redis/SQS: no redelivery by timeout
        return []
    name, limit = longest_task_time_limit()
    if visibility > limit:
        return []
    return [
        Error(
            f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) must exceed the longest task time limit "
            f"({limit:g} s, {name}), or Redis delivers that task to a second worker while the "
            "first still runs it.",
            hint=f"Set CELERY_VISIBILITY_TIMEOUT to at least {int(limit * 1.1)}.",
            id="integrations.E010",
        )
    ]
