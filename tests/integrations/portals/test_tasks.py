"""The periodic task queues each due connection once; pull tasks are safe to run twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.portals import tasks
from integrations.portals.models.connection import PortalConnection, PullRun
from integrations.portals.pull import run as pull_run
from integrations.portals.pull.lease import lease_acquire
from integrations.portals.services import portal_connections_claim_due
from tests.integrations.portals.factories import PortalConnectionFactory
from tests.integrations.portals.fakes import FakeClient, FakePortal

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(monkeypatch):
    fake = FakePortal()
    fake.add_child("selections", fake.add_project())
    monkeypatch.setattr(pull_run, "portal_connection_client", lambda connection: FakeClient(fake))
    return fake


def test_due_connections_are_claimed_once():
    now = timezone.now()
    fresh = PortalConnectionFactory()
    stale = PortalConnectionFactory(pull_interval_minutes=10,
                                    last_pull_started_at=now - timedelta(minutes=11))  # fmt: skip
    PortalConnectionFactory(pull_interval_minutes=10, last_pull_started_at=now)  # not yet due
    PortalConnectionFactory(enabled=False)
    assert sorted(portal_connections_claim_due(now=now)) == sorted([fresh.pk, stale.pk])
    assert portal_connections_claim_due(now=now + timedelta(seconds=30)) == []
    assert fresh.pk in portal_connections_claim_due(now=now + timedelta(minutes=15))


def test_the_periodic_task_queues_a_pull_per_due_connection(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.portal_pull_connection, "delay", lambda pk: queued.append(pk))
    connection = PortalConnectionFactory()
    assert tasks.portal_pull_due() == [connection.pk]
    assert tasks.portal_pull_due() == []
    assert queued == [connection.pk]


def test_the_pull_task_returns_its_runs_summary_and_is_safe_twice(portal):
    connection = PortalConnectionFactory()
    first = tasks.portal_pull_connection.apply(args=[connection.pk]).get()
    second = tasks.portal_pull_connection.apply(args=[connection.pk]).get()
    assert (first["status"], first["new"]) == ("succeeded", 2)
    assert (second["new"], second["updated"]) == (0, 0)
    assert PullRun.objects.filter(connection=connection).count() == 2


def test_a_pull_task_never_runs_beside_another(portal, monkeypatch):
    connection = PortalConnectionFactory()
    lease_acquire(connection.pk)
    retried = []
    monkeypatch.setattr(tasks.portal_pull_connection, "retry",
                        lambda **kw: retried.append(kw) or RuntimeError("retry"))  # fmt: skip
    with pytest.raises(RuntimeError, match="retry"):
        tasks.portal_pull_connection.run(connection.pk)
    assert retried[0]["countdown"] == tasks.BUSY_RETRY_SECONDS
    assert not PullRun.objects.exists()


def test_a_deleted_connection_is_skipped():
    assert tasks.portal_pull_connection.apply(args=[999]).get() == {"skipped": "no such connection"}


def test_the_webhook_task_pulls_the_named_resource(portal):
    connection = PortalConnectionFactory()
    tasks.portal_pull_connection.apply(args=[connection.pk])
    portal.calls.clear()
    result = tasks.portal_pull_object.apply(args=[connection.pk, "selections", "P1", "S1"]).get()
    assert portal.calls == [("selections", "P1", None)]
    assert result["object_id"] == "S1"
    assert result["status"] == "succeeded"
    assert PortalConnection.objects.get(pk=connection.pk).pull_lease_owner == ""
