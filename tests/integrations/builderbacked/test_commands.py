"""The operators' commands: bb_pull_regions, bb_publish and bb_status."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from builderops.core.publishing import SyncState
from locations.models import Division, Region

from .sync_support import (
    BBWire,
    bb_error,
    build_chain,
    build_home,
    created,
    mark_published,
    regions_reply,
    sync_client_fake,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inline_tasks(celery_eager):
    """Run queued tasks in this process, as a worker would."""
    return celery_eager


def run(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


class TestPullRegions:
    def test_pulls_and_reports(self, monkeypatch):
        sync_client_fake(monkeypatch, BBWire(regions_reply((1, "Cincinnati", True))))

        output = run("bb_pull_regions")

        assert "Regions: 1 active, 1 new, 0 updated, 0 no longer listed." in output
        assert Region.objects.get().name == "Cincinnati"

    def test_says_plainly_when_none_is_active(self, monkeypatch):
        sync_client_fake(monkeypatch, BBWire(regions_reply((1, "Cincinnati", False))))

        assert "Builder Backed has not activated a region for this account yet" in run(
            "bb_pull_regions"
        )

    def test_an_api_error_is_a_command_error(self, monkeypatch):
        sync_client_fake(monkeypatch, BBWire(bb_error(403, "Token does not have required scope")))

        with pytest.raises(CommandError, match="Could not pull regions"):
            run("bb_pull_regions")


class TestPublish:
    def test_publishes_everything_due_parents_first_and_summarises(
        self, boss, monkeypatch, inline_tasks
    ):
        *_, neighborhood = build_chain(boss)
        build_home(boss, neighborhood, "H_1")
        wire = BBWire(*[created() for _ in range(4)])
        sync_client_fake(monkeypatch, wire)

        output = run("bb_publish", "--wait", "--poll", "0")

        assert [r.url.path for r in wire.requests] == [
            "/api/v2/locations/divisions",
            "/api/v2/locations/master-communities",
            "/api/v2/locations/neighborhoods",
            "/api/v2/homes",
        ]
        assert "4 records to publish: 1 queued now, the rest follow their parents." in output
        assert "homes" in output
        assert "published" in output

    def test_republishing_unchanged_records_sends_nothing(self, boss, monkeypatch, inline_tasks):
        chain = build_chain(boss)
        mark_published(*chain)
        wire = BBWire()
        sync_client_fake(monkeypatch, wire)

        run("bb_publish", "--all")

        assert wire.requests == []
        assert set(Division.objects.values_list("sync_state", flat=True)) == {"published"}

    def test_force_sends_even_unchanged_records(self, boss, monkeypatch, inline_tasks):
        chain = build_chain(boss)
        mark_published(*chain)
        wire = BBWire(created())
        sync_client_fake(monkeypatch, wire)

        run("bb_publish", "--all", "--force", "--model", "division")

        assert [r.method for r in wire.requests] == ["PUT"]

    def test_failed_records_make_the_exit_status_non_zero(self, boss, monkeypatch, inline_tasks):
        build_chain(boss)
        Division.objects.update(sync_state=SyncState.FAILED, sync_last_error="Region 'X' not found")
        wire = BBWire(bb_error(404, "Region 'Cincinnati' not found"))
        sync_client_fake(monkeypatch, wire)

        with pytest.raises(CommandError, match="1 records failed to publish"):
            run("bb_publish", "--failed", "--model", "divisions")

        assert Division.objects.get().sync_last_error == "Region 'Cincinnati' not found"

    def test_an_unknown_model_is_refused(self):
        with pytest.raises(CommandError, match="Unknown model 'houses'"):
            run("bb_publish", "--model", "houses")

    def test_waiting_gives_up_at_the_timeout(self, boss, monkeypatch):
        from tests.integrations.builderbacked.sync_support import queued_catch

        queued_catch(monkeypatch)  # no worker: nothing gets published
        build_chain(boss)

        with pytest.raises(CommandError, match="Gave up waiting: 3 records still due"):
            run("bb_publish", "--wait", "--timeout", "0", "--poll", "0")


class TestStatus:
    def test_shows_counts_per_state_per_model_and_recent_failures(self, boss):
        build_chain(boss)
        Division.objects.update(sync_state=SyncState.FAILED, sync_last_error="Region 'X' not found")

        output = run("bb_status")

        lines = output.splitlines()
        assert lines[0].split() == [
            "model",
            "not",
            "published",
            "pending",
            "published",
            "failed",
            "retrying",
            "oldest",
            "due",
        ]
        assert lines[1].split()[:6] == ["divisions", "0", "0", "0", "1", "0"]
        assert "Oldest due record has waited:" in output
        assert "Region 'X' not found" in output
