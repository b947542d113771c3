"""Diagnostic tasks for the platform itself."""

from celery import shared_task


@shared_task(name="builderops.ping")
def ping(payload: str = "pong") -> dict:
    """Echo a payload, proving a message went through the broker and a worker."""
    import os

    return {"payload": payload, "worker_pid": os.getpid()}
