"""Progress of a running import, shared through the cache so the admin can poll it.

The apply runs inside one transaction, so progress written to the database would stay invisible
until the end; the cache (shared by web and workers: CACHE_URL) is seen at once.
"""

from django.core.cache import cache

TIMEOUT = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"csvio:progress:{job_id}"


def progress_report(job_id: int, *, phase: str, fraction: float, rows: int) -> None:
    """Record how far job `job_id` has got in `phase` ("preview" or "apply")."""
    percent = round(max(0.0, min(fraction, 1.0)) * 100, 1)
    cache.set(progress_key(job_id), {"phase": phase, "percent": percent, "rows": rows}, TIMEOUT)


def progress_get(job_id: int) -> dict:
    return cache.get(progress_key(job_id)) or {"phase": "", "percent": 0.0, "rows": 0}


def progress_reporter(job_id: int, phase: str):
    """Return a callback for ImportPass that reports job `job_id`'s progress in `phase`."""

    def report(fraction: float, rows: int) -> None:
        progress_report(job_id, phase=phase, fraction=fraction, rows=rows)

    return report
