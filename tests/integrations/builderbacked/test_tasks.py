"""The tasks and the queueing around them: what gets queued when, parents first, and regions."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.utils import timezone

from builderops.celery import app
from builderops.core.publishing import SyncState, sync_enqueue_deferred
from builderops.core.records import record_approve
from integrations.builderbacked import tasks
from integrations.builderbacked.sync.enqueue import sync_enqueue_due
from integrations.builderbacked.sync.lease import leases_claim
from locations.models import Division, MasterCommunity, Region
from locations.services import division_create
from tests.integrations.http_fakes import reply

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


class TestQueueing:
    def test_an_approval_queues_one_publish_after_commit(
        self, boss, queued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            division, *_ = build_chain(boss, approve=False)
            record_approve(obj=division, user=boss)

        assert queued.labels() == [("locations.Division", division.pk)]
        division.refresh_from_db()
        assert division.sync_state == SyncState.PENDING
        assert division.sync_enqueued_at is not None

    def test_a_bulk_write_queues_one_bulk_pass_instead(
        self, boss, queued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), sync_enqueue_deferred():
            build_chain(boss)

        assert queued.records == []
        assert queued.due == 1

    def test_the_bulk_pass_queues_parents_first_and_leaves_waiting_children(self, boss, queued):
        division, _community, _neighborhood = build_chain(boss)
        Division.objects.update(sync_enqueued_at=None)
        MasterCommunity.objects.update(sync_enqueued_at=None)

        counts = sync_enqueue_due()

        assert queued.batches == [("locations.Division", [division.pk])]
        assert counts == {
            "locations.Division": 1,
            "locations.MasterCommunity": 0,
            "locations.Neighborhood": 0,
            "homes.Home": 0,
        }

    def test_the_bulk_pass_skips_leased_recent_and_backing_off_records(self, boss, queued):
        chain = build_chain(boss)
        mark_published(*chain)
        homes = [build_home(boss, chain[2], f"H_{n}") for n in range(4)]
        home_model = type(homes[0])
        home_model.objects.update(sync_enqueued_at=None)
        leases_claim(home_model, [homes[0].pk])
        home_model.objects.filter(pk=homes[1].pk).update(sync_enqueued_at=timezone.now())
        home_model.objects.filter(pk=homes[2].pk).update(
            sync_state=SyncState.RETRYING, sync_retry_at=timezone.now() + timedelta(minutes=1)
        )

        sync_enqueue_due()

        assert queued.batches == [("homes.Home", [homes[3].pk])]

    def test_children_of_a_failed_parent_are_queued_to_say_what_they_wait_for(self, boss, queued):
        _division, community, _ = build_chain(boss)
        Division.objects.update(sync_state=SyncState.FAILED)
        MasterCommunity.objects.update(sync_enqueued_at=None)

        sync_enqueue_due()

        assert ("locations.MasterCommunity", [community.pk]) in queued.batches

    def test_batches_have_the_configured_size(self, boss, queued, settings):
        settings.BUILDERBACKED_PUBLISH_BATCH_SIZE = 2
        chain = build_chain(boss)
        mark_published(*chain)
        homes = [build_home(boss, chain[2], f"H_{n}") for n in range(5)]
        type(homes[0]).objects.update(sync_enqueued_at=None)

        sync_enqueue_due()

        assert [len(ids) for _, ids in queued.batches] == [2, 2, 1]

    def test_the_sweeper_runs_every_15_seconds_and_regions_are_pulled(self):
        # 15 s + ENQUEUE_STALE (30 s): a lost message is queued again within a minute (issue 10).
        schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
        assert schedule["builderbacked.publish_due"] == 15.0
        assert schedule["builderbacked.pull_regions"] == 900.0


class TestTasks:
    def test_publish_batch_reports_outcomes_and_requeues_the_transient(
        self, boss, queued, monkeypatch
    ):
        division_a, *_ = build_chain(boss, "A")
        division_b, *_ = build_chain(boss, "B")
        sync_client_fake(monkeypatch, BBWire(created(), bb_error(503, "Unavailable")))

        counts = tasks.publish_batch("locations.Division", [division_a.pk, division_b.pk])

        assert counts == {"published": 1, "retrying": 1}
        assert queued.batches == [("locations.Division", [division_b.pk])]

    def test_publish_record_retries_a_transient_failure(self, boss, queued, monkeypatch):
        division, *_ = build_chain(boss)
        sync_client_fake(monkeypatch, BBWire(bb_error(503, "Unavailable")))

        with pytest.raises(Retry):
            tasks.publish_record("locations.Division", division.pk)

    def test_publish_record_is_safe_to_run_twice(self, boss, queued, monkeypatch):
        division, *_ = build_chain(boss)
        wire = BBWire(reply(200, {"id": 3}))
        sync_client_fake(monkeypatch, wire)

        first = tasks.publish_record("locations.Division", division.pk)
        second = tasks.publish_record("locations.Division", division.pk)

        assert (first, second) == ("published", "skipped")
        assert len(wire.requests) == 1


class TestRegions:
    def test_regions_are_upserted_by_exact_name_and_unlisted_ones_deactivated(self, monkeypatch):
        Region.objects.create(name="cincinnati", remote_id=1)  # another name: case matters
        Region.objects.create(name="Dayton", remote_id=3)
        wire = BBWire(regions_reply((1, "Cincinnati", True), (2, "Columbus", False)))
        sync_client_fake(monkeypatch, wire)

        counts = tasks.pull_regions()

        regions = dict(Region.objects.values_list("name", "active"))
        assert regions == {
            "Cincinnati": True,
            "Columbus": False,
            "cincinnati": False,
            "Dayton": False,
        }
        assert Region.objects.get(name="Cincinnati").remote_id == 1
        assert counts == {"created": 2, "updated": 0, "deactivated": 2, "active": 1}

    def test_divisions_cannot_be_approved_under_an_inactive_region(self, boss):
        region = Region.objects.create(name="Dayton", active=False)

        with pytest.raises(ValidationError, match="inactive"):
            division_create(
                user=boss,
                approve=True,
                data={"external_id": "DIV_D", "name": "Dayton", "region": region},
            )


class TestOurOwnServicesFailing:
    """Issue 10, item 2: a deadlock or a lost connection of ours is retried, never a failure."""

    def test_a_database_deadlock_mid_batch_retries_the_batch(self, monkeypatch):
        from django.db import OperationalError

        calls = []

        def deadlock_once(label, ids, client):
            calls.append(ids)
            if len(calls) == 1:
                raise OperationalError("deadlock detected")
            return {}

        monkeypatch.setattr(tasks, "records_publish", deadlock_once)
        sync_client_fake(monkeypatch, BBWire())

        result = tasks.publish_batch.apply(("locations.Division", [7, 8]))  # retries inline

        assert result.successful()
        assert calls == [[7, 8], [7, 8]]

    def test_a_bug_is_not_mistaken_for_an_outage(self, monkeypatch):
        def bug(*args, **kwargs):
            raise KeyError("surely a bug")

        monkeypatch.setattr(tasks, "records_publish", bug)
        sync_client_fake(monkeypatch, BBWire())

        with pytest.raises(KeyError):
            tasks.publish_batch("locations.Division", [1])
