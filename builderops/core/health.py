"""Answer `GET /healthz`: is the database reachable, is the broker reachable, what is configured.

200 when the database and the broker both answer, 503 otherwise. Never reports a secret: each
external system says only whether it is configured and which settings are missing.

Other apps add their own sections with `health_section_register` (integrations does, in its
`AppConfig.ready`, for the external systems), so this module imports none of them.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

HEALTH_SECTIONS: dict[str, Callable[[], dict]] = {}


def health_section_register(name: str, report: Callable[[], dict]) -> None:
    """Add `report()`'s answer to /healthz under `name` (informational: it never fails it)."""
    HEALTH_SECTIONS[name] = report


def database_check() -> dict:
    """Run `SELECT 1` on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "unreachable"
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_check(timeout: float = 2.0) -> dict:
    """Open (and close) one connection to the Celery broker."""
    url = settings.CELERY_BROKER_URL
    transport = url.split("://", 1)[0]
    try:
        with Connection(
            url,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=timeout,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # any failure means "unreachable"
        return {"ok": False, "transport": transport, "error": type(exc).__name__}
    return {"ok": True, "transport": transport}


@never_cache
@require_GET
def healthz(request):
    """Report health as JSON."""
    database = database_check()
    broker = broker_check()
    healthy = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "broker": broker,
        **{name: report() for name, report in HEALTH_SECTIONS.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
