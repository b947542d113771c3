"""`manage.py portal_push` and `manage.py portal_outbox`: what they queue and what they say."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrations.portals.models.outbox import PortalWrite, WriteState
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory
from tests.integrations.portals.test_outbox_admin import draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sends_recorded(monkeypatch):
    from integrations.portals.outbox import tasks

    queued = []
    monkeypatch.setattr(tasks.portal_write_send_task, "delay", queued.append)
    return queued


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def outbox():
    main = ProjectFactory(connection=PortalConnectionFactory(name="Main BT"))
    other = ProjectFactory(connection=PortalConnectionFactory(name="Other"))
    return {
        "owed": draft(main, state=WriteState.RETRYING, idempotency_key="k1"),
        "failed": draft(main, state=WriteState.FAILED, idempotency_key="k2",
                        error="Nope (HTTP 403)."),
        "sending": draft(main, state=WriteState.SENDING, idempotency_key="k3",
                         claimed_until=timezone.now() + dt.timedelta(minutes=1)),
        "other": draft(other, state=WriteState.SENDING, idempotency_key="k4"),
        "draft": draft(main),
    }  # fmt: skip


def test_push_queues_what_is_owed_on_one_connection(
    outbox, sends_recorded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        said = run("portal_push", "--connection", "Main BT")

    assert said == "Queued 1 write to be sent.\n"
    assert sends_recorded == [outbox["owed"].pk]  # the one being sent is left to its sender


def test_push_retries_failed_writes_when_asked(
    outbox, sends_recorded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        said = run("portal_push", "--retry-failed")

    assert said == "Queued 3 writes to be sent (1 failed write sent again).\n"
    assert sorted(sends_recorded) == sorted(outbox[k].pk for k in ("owed", "other", "failed"))
    assert PortalWrite.objects.get(pk=outbox["failed"].pk).state == WriteState.SENDING


def test_outbox_counts_states_and_lists_failures(outbox):
    said = run("portal_outbox")

    assert said.startswith("Portal outbox: 5 writes.\n")
    assert "  Draft                   1\n" in said
    assert "  Sending                 2\n" in said
    assert "Oldest waiting write: created 0\xa0minutes ago." in said
    assert f"  #{outbox['failed'].pk} Change order: Add outlet" in said
    assert said.rstrip().endswith("Nope (HTTP 403).")
