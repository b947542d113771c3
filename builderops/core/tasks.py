"""Diagnostic tasks for the platform itself."""

from celery import shared_task


# The one task whose result is read (the worker round-trip check): results are off elsewhere.
@shared_task(name="builderops.ping", ignore_result=False)
def ping(payload: str = "pong") -> dict:
    """Echo a payload, proving a message went through the broker and a worker."""
    import os

    return {"payload": payload, "worker_pid": os.getpid()}


@shared_task(name="builderops.ops_digest")
def ops_digest() -> int:
    """E-mail "Ops alerts" the dashboard's lines (nothing to whoever has nothing to see to)."""
    from django.contrib import admin

    from builderops.core.alerts import ops_digest_send

    return ops_digest_send(dashboard_for=admin.site.dashboard)
