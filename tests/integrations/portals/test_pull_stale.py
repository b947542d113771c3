"""A Pull run left "running" by a killed worker is marked failed with the reason and its
connection freed within a minute (issue 10, item 3); a live pull keeps its lease alive."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection, PullStatus
from integrations.portals.pull.lease import lease_acquire, lease_held
from integrations.portals.pull.stale import pull_runs_stale_fail
from integrations.portals.tasks import portal_pull_runs_stale_fail
from tests.integrations.portals.factories import PortalConnectionFactory, PullRunFactory

pytestmark = pytest.mark.django_db


def running(connection, started_ago: float = 120):
    started = timezone.now() - timedelta(seconds=started_ago)
    return PullRunFactory(
        connection=connection, status=PullStatus.RUNNING, started_at=started, finished_at=None
    )


def test_a_run_whose_lease_ran_out_is_failed_with_the_reason_and_frees_its_connection():
    connection = PortalConnectionFactory()
    lease_acquire(connection.pk)
    expired = timezone.now() - timedelta(seconds=5)
    PortalConnection.objects.filter(pk=connection.pk).update(pull_lease_until=expired)
    run = running(connection)

    assert portal_pull_runs_stale_fail() == 1

    run.refresh_from_db()
    connection.refresh_from_db()
    assert run.status == PullStatus.FAILED
    assert run.finished_at is not None
    reason = run.errors[-1]["error"]
    assert reason.startswith(
        "The pull stopped before it finished: the worker running it was killed or restarted "
        "(no heartbeat since "
    )
    assert connection.last_error == reason
    assert (connection.pull_lease_owner, connection.pull_lease_until) == ("", None)
    assert pull_runs_stale_fail() == 0  # said once


def test_a_run_whose_worker_still_renews_its_lease_is_left_alone():
    connection = PortalConnectionFactory()
    token = lease_acquire(connection.pk)
    run = running(connection)

    assert pull_runs_stale_fail() == 0

    run.refresh_from_db()
    connection.refresh_from_db()
    assert run.status == PullStatus.RUNNING
    assert connection.pull_lease_owner == token


def test_an_older_run_left_running_behind_a_newer_pull_is_failed():
    connection = PortalConnectionFactory()
    lease_acquire(connection.pk)  # held by the newer pull
    old, new = running(connection, started_ago=600), running(connection, started_ago=5)

    assert pull_runs_stale_fail() == 1

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (PullStatus.FAILED, PullStatus.RUNNING)


@pytest.mark.django_db(transaction=True)
def test_a_running_pull_keeps_its_short_lease_alive(settings):
    settings.PORTAL_PULL_LEASE_SECONDS = 3  # renewed every second
    connection = PortalConnectionFactory()
    token = lease_acquire(connection.pk)
    seen = []  # (when we looked, until when the lease held then)

    with lease_held(connection.pk, token):
        for _ in range(12):  # 6 s: twice the lease, which would have run out unrenewed
            time.sleep(0.5)
            until = PortalConnection.objects.get(pk=connection.pk).pull_lease_until
            seen.append((timezone.now(), until))

    assert all(until > looked for looked, until in seen)  # never expired while the pull ran
    assert seen[-1][1] > seen[0][1] + timedelta(seconds=2)  # …because it was renewed
    connection.refresh_from_db()
    assert connection.pull_lease_owner == token  # released by the pull itself, not the beat
