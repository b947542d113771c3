"""`manage.py portal_pull`: pulls in-process, shows progress and a summary, fails loudly."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from integrations import errors
from integrations.portals.models.connection import PullRun, PullStatus
from integrations.portals.models.mirrors import Selection
from integrations.portals.pull import run as pull_run
from tests.integrations.portals.factories import PortalConnectionFactory
from tests.integrations.portals.fakes import FakeClient, FakePortal

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(monkeypatch):
    """Serve every connection from one in-memory portal with two projects."""
    fake = FakePortal()
    for _ in range(2):
        project = fake.add_project()
        for kind in fake.kinds:
            fake.add_child(kind, project)
    monkeypatch.setattr(pull_run, "portal_connection_client", lambda connection: FakeClient(fake))
    return fake


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("portal_pull", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_pulls_every_enabled_connection_and_summarizes(portal):
    PortalConnectionFactory(name="BT")
    PortalConnectionFactory(name="Off", enabled=False)
    out, err = run_command()
    assert "BT: incremental pull succeeded" in out
    assert "9 requests" in out
    assert "2 projects' children fetched" in out
    assert "selections: 2 new, 0 updated, 0 deleted, 0 unchanged" in out
    assert "Off" not in out
    assert "2/2" in err  # the progress bar reached the end
    assert Selection.objects.count() == 2


def test_full_and_one_connection_by_name(portal):
    PortalConnectionFactory(name="BT")
    PortalConnectionFactory(name="Other")
    out, _ = run_command("--connection", "BT", "--full", "--no-progress")
    assert "BT: full pull succeeded" in out
    assert "Other" not in out
    assert PullRun.objects.get().kind == "full"


def test_an_unknown_connection_is_an_error(portal):
    with pytest.raises(CommandError, match="No portal connection named 'nope'"):
        run_command("--connection", "nope")


def test_a_failed_pull_exits_non_zero_with_the_reason(portal):
    PortalConnectionFactory(name="BT")
    portal.failing[("P1", "selections")] = errors.ServerError("down", status=503)
    with pytest.raises(CommandError) as caught:
        run_command("--no-progress")
    assert caught.value.returncode == 1
    assert PullRun.objects.get().status == PullStatus.PARTIAL


def test_a_failure_report_names_the_project(portal, capsys):
    PortalConnectionFactory(name="BT")
    portal.failing[("P2", "change_orders")] = errors.ServerError("down", status=503)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("portal_pull", "--no-progress", stdout=out, stderr=StringIO())
    assert (
        "error: project P2 change_orders: The portal failed to answer (HTTP 503)." in out.getvalue()
    )
