"""Answer `GET /healthz`: is the database reachable, is the broker reachable, what is configured.

200 when the database and the broker both answer, 503 otherwise. Anyone may ask, but only staff
(logged in) and callers presenting `Authorization: Bearer <HEALTHZ_TOKEN>` see the details: an
anonymous caller learns `{"status": "ok"}` or `{"status": "unavailable"}` and nothing about how
the site is built or configured (issue 11). Even the details never report a secret: each
external system says only whether it is configured and which settings are missing.

Other apps add their own sections with `health_section_register` (integrations does, in its
`AppConfig.ready`, for the external systems), so this module imports none of them.
"""

import hmac
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


def health_details_allowed(request) -> bool:
    """Say whether the caller may see the details: active staff, or the HEALTHZ_TOKEN bearer."""
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    # Constant-time: a timing difference must not reveal how much of a guess was right.
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(presented.encode(), token.encode())
    )


@never_cache
@require_GET
def healthz(request):
    """Report health as JSON: the status for anyone, the details for staff or the token."""
    database = database_check()
    broker = broker_check()
    healthy = database["ok"] and broker["ok"]
    body = {"status": "ok" if healthy else "unavailable"}
    if health_details_allowed(request):
        body |= {
            "database": database,
            "broker": broker,
            **{name: report() for name, report in HEALTH_SECTIONS.items()},
        }
    return JsonResponse(body, status=200 if healthy else 503)
