"""Publishing one record or a batch: what goes on the wire and what staff then see on the record.

Every test goes through the real BuilderBackedClient over a scripted wire (httpx.MockTransport).
"""

import json

import pytest
from django.utils import timezone

from builderops.core.publishing import SyncState
from homes.models import Homeowner
from homes.services import home_update, homeowner_add, homeowner_remove
from integrations.builderbacked.sync.lease import leases_claim
from integrations.builderbacked.sync.outcome import RETRY_MAX_SECONDS, Outcome
from integrations.builderbacked.sync.publish import record_publish, records_publish
from locations.services import location_deactivate, location_update
from tests.integrations.http_fakes import reply

from .sync_support import (
    BBWire,
    bb_client,
    bb_error,
    build_chain,
    build_home,
    created,
    mark_published,
)

pytestmark = pytest.mark.django_db
DIVISIONS = "/api/v2/locations/divisions"
HOMES = "/api/v2/homes"


def publish(obj, wire):
    report = record_publish(obj._meta.label, obj.pk, client=bb_client(wire))
    obj.refresh_from_db()
    return report.outcome


class TestCreate:
    def test_a_new_approved_division_is_posted_and_marked_published(self, boss, queued):
        division, *_ = build_chain(boss)
        wire = BBWire(reply(200, {"id": 77, "externalId": "DIV_1"}))

        assert publish(division, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"POST {DIVISIONS}"]
        assert wire.bodies() == [
            {"externalId": "DIV_1", "name": "Division 1", "regionName": "Cincinnati"}
        ]
        assert (division.sync_state, division.remote_id) == (SyncState.PUBLISHED, 77)
        assert division.sync_last_error == ""
        assert division.sync_published_version == division.sync_version
        assert division.sync_payload_hash
        assert division.sync_last_success_at
        assert (division.sync_lease_token, division.sync_lease_until) == ("", None)

    def test_409_already_exists_switches_to_put_without_creating_twice(self, boss, queued):
        division, *_ = build_chain(boss)
        wire = BBWire(
            bb_error(409, "A location with external ID 'DIV_1' already exists"),
            reply(200, {"id": 78}),
        )

        assert publish(division, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"POST {DIVISIONS}", f"PUT {DIVISIONS}"]
        assert wire.bodies()[1] == {
            "externalId": "DIV_1",
            "name": "Division 1",
            "regionName": "Cincinnati",
            "active": True,
        }
        assert (division.sync_state, division.remote_id) == (SyncState.PUBLISHED, 78)

    def test_a_new_home_carries_its_homeowners_and_they_are_marked_published(self, boss, queued):
        chain = build_chain(boss)
        mark_published(*chain)
        home = build_home(boss, chain[2], owners=2)
        wire = BBWire(created())

        assert publish(home, wire) == Outcome.PUBLISHED

        (body,) = wire.bodies()
        assert [o["email"] for o in body["homeowners"]] == [
            "h_1.owner0@example.com",
            "h_1.owner1@example.com",
        ]
        assert all(o.published_at for o in home.homeowners.all())

    def test_an_inactive_location_never_published_is_created_then_deactivated(self, boss, queued):
        division, community, neighborhood = build_chain(boss)
        mark_published(division, community)
        location_deactivate(obj=neighborhood, user=boss)
        wire = BBWire(reply(200, {"id": 5}), reply(200, {"id": 5}))

        assert publish(neighborhood, wire) == Outcome.PUBLISHED

        assert wire.paths() == [
            "POST /api/v2/locations/neighborhoods",
            "PUT /api/v2/locations/neighborhoods",
        ]
        assert "active" not in wire.bodies()[0]
        assert wire.bodies()[1]["active"] is False


class TestUpdate:
    def test_a_changed_published_record_is_put_in_full(self, boss, queued):
        division, *_ = build_chain(boss)
        mark_published(division)
        location_update(obj=division, user=boss, data={"display_name": "East"})
        wire = BBWire(reply(200, {"id": 500}))

        assert publish(division, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"PUT {DIVISIONS}"]
        assert wire.bodies() == [
            {
                "externalId": "DIV_1",
                "name": "Division 1",
                "regionName": "Cincinnati",
                "displayName": "East",
                "active": True,
            }
        ]
        assert division.sync_state == SyncState.PUBLISHED

    def test_nothing_is_sent_when_the_payload_is_unchanged(self, boss, queued):
        division, *_ = build_chain(boss)
        mark_published(division)
        location_update(obj=division, user=boss, data={"name": "Division 1"})  # same values
        assert division.sync_state == SyncState.PENDING
        wire = BBWire()

        assert publish(division, wire) == Outcome.UNCHANGED

        assert wire.requests == []
        assert division.sync_state == SyncState.PUBLISHED

    def test_a_put_answering_404_for_the_record_itself_creates_it_again(self, boss, queued):
        division, *_ = build_chain(boss)
        mark_published(division)
        location_update(obj=division, user=boss, data={"name": "Renamed"})
        wire = BBWire(
            bb_error(404, "Division with external ID 'DIV_1' not found"), reply(200, {"id": 9})
        )

        assert publish(division, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"PUT {DIVISIONS}", f"POST {DIVISIONS}"]
        assert division.remote_id == 9

    def test_deactivation_is_a_put_with_active_false(self, boss, queued):
        chain = build_chain(boss)
        mark_published(*chain)
        neighborhood = chain[2]
        location_deactivate(obj=neighborhood, user=boss)
        wire = BBWire(reply(200, {"id": 502}))

        assert publish(neighborhood, wire) == Outcome.PUBLISHED

        assert wire.paths() == ["PUT /api/v2/locations/neighborhoods"]
        assert wire.bodies()[0]["active"] is False


class TestParentsFirst:
    def test_a_child_of_an_unpublished_parent_waits_and_nudges_the_parent(self, boss, queued):
        division, community, _ = build_chain(boss)
        type(division).objects.filter(pk=division.pk).update(sync_enqueued_at=None)  # not queued
        wire = BBWire()

        assert publish(community, wire) == Outcome.WAITING

        assert wire.requests == []
        assert community.sync_state == SyncState.PENDING
        assert community.sync_last_error == (
            "Waiting for division “Division 1 (DIV_1)” to be published"
        )
        assert queued.labels() == [("locations.Division", division.pk)]

    def test_a_nudge_is_not_repeated_while_the_parent_is_queued(self, boss, queued):
        division, community, neighborhood = build_chain(boss)
        mark_published(division, community)
        home = build_home(boss, neighborhood)
        type(neighborhood).objects.filter(pk=neighborhood.pk).update(sync_enqueued_at=None)

        publish(home, BBWire())
        publish(home, BBWire())

        assert queued.labels() == [("locations.Neighborhood", neighborhood.pk)]

    def test_a_child_whose_parent_is_published_meanwhile_is_queued_at_once(self, boss, queued):
        from integrations.builderbacked.sync.jobs import jobs_prepare
        from integrations.builderbacked.sync.outcome import outcome_record
        from integrations.builderbacked.sync.registry import kind_for

        division, community, _ = build_chain(boss)
        kind = kind_for(community)
        token, claimed = leases_claim(kind.model, [community.pk])
        (job,) = jobs_prepare(kind, token, claimed)  # decided: wait for the division
        mark_published(division)  # …which another worker publishes right then

        assert outcome_record(job).outcome == Outcome.REQUEUED

        assert queued.labels() == [("locations.MasterCommunity", community.pk)]
        community.refresh_from_db()
        assert community.sync_lease_token == ""

    def test_a_404_naming_the_parent_marks_the_parent_due_and_the_child_waits(self, boss, queued):
        division, community, _ = build_chain(boss)
        mark_published(division)
        missing = bb_error(404, "Division with external ID 'DIV_1' not found")
        wire = BBWire(missing, missing)  # the create, then the GET that tells missing from inactive

        assert publish(community, wire) == Outcome.WAITING

        assert wire.paths()[1] == "GET /api/v2/locations/divisions/DIV_1"

        division.refresh_from_db()
        assert division.sync_state == SyncState.PENDING
        assert division.sync_payload_hash == ""  # its next publish sends, whatever it had
        assert ("locations.Division", division.pk) in queued.labels()
        assert community.sync_state == SyncState.PENDING
        assert community.sync_last_error == (
            "Waiting for division “Division 1 (DIV_1)” to be published again: Builder Backed "
            "answered “Division with external ID 'DIV_1' not found”"
        )

    def test_a_missing_region_is_a_permanent_failure(self, boss, queued):
        division, *_ = build_chain(boss)
        wire = BBWire(bb_error(404, "Region 'Cincinnati' not found"))

        assert publish(division, wire) == Outcome.FAILED

        assert division.sync_last_error == "Region 'Cincinnati' not found"


class TestFailures:
    def test_a_400_fails_the_record_with_the_servers_message(self, boss, queued):
        *_, neighborhood = build_chain(boss)
        mark_published(neighborhood)
        home = build_home(boss, neighborhood)
        wire = BBWire(bb_error(400, "Invalid value for 'postalCode' field"))

        assert publish(home, wire) == Outcome.FAILED

        assert home.sync_state == SyncState.FAILED
        assert home.sync_last_error == "Invalid value for 'postalCode' field"
        assert home.remote_id is None
        assert home.sync_lease_token == ""
        assert queued.records == []  # not retried

    def test_a_5xx_after_the_clients_retries_leaves_the_record_retrying(self, boss, queued):
        division, *_ = build_chain(boss)
        wire = BBWire(bb_error(503, "Service temporarily unavailable"))

        report = record_publish(division._meta.label, division.pk, client=bb_client(wire))

        division.refresh_from_db()
        assert report.outcome == Outcome.RETRYING
        assert report.retry_in >= 5
        assert division.sync_state == SyncState.RETRYING
        assert division.sync_attempts == 1
        assert division.sync_retry_at > timezone.now()
        assert "Service temporarily unavailable" in division.sync_last_error

    def test_a_429_is_never_retried_before_its_retry_after(self, boss, queued):
        division, *_ = build_chain(boss)
        wire = BBWire(bb_error(429, "Too many requests", {"Retry-After": "90"}))

        report = record_publish(division._meta.label, division.pk, client=bb_client(wire))

        assert report.retry_in >= 90

    def test_transient_failures_never_become_permanent(self, boss, queued):
        # Issue 10: only the remote makes a failure permanent; a long outage just waits longer.
        division, *_ = build_chain(boss)
        type(division).objects.filter(pk=division.pk).update(sync_attempts=50)
        wire = BBWire(bb_error(502, "Bad gateway"))

        report = record_publish(division._meta.label, division.pk, client=bb_client(wire))

        division.refresh_from_db()
        assert report.outcome == Outcome.RETRYING
        assert RETRY_MAX_SECONDS <= report.retry_in <= RETRY_MAX_SECONDS * 1.5
        assert division.sync_state == SyncState.RETRYING
        assert "Bad gateway" in division.sync_last_error


class TestOnlyApprovedStateIsSent:
    def test_a_draft_is_never_sent(self, boss, queued):
        division, *_ = build_chain(boss, approve=False)
        type(division).objects.filter(pk=division.pk).update(sync_state=SyncState.PENDING)
        wire = BBWire()

        assert publish(division, wire) == Outcome.SKIPPED

        assert wire.requests == []
        assert division.sync_state == SyncState.NOT_PUBLISHED

    def test_a_record_not_due_is_left_alone(self, boss, queued):
        division, *_ = build_chain(boss)
        type(division).objects.filter(pk=division.pk).update(sync_state=SyncState.FAILED)
        wire = BBWire()

        assert publish(division, wire) == Outcome.SKIPPED

        assert wire.requests == []
        assert division.sync_state == SyncState.FAILED


class TestConcurrency:
    def test_a_leased_record_is_not_published_by_a_second_worker(self, boss, queued):
        division, *_ = build_chain(boss)
        token, claimed = leases_claim(type(division), [division.pk])
        wire = BBWire()

        assert claimed == [division.pk]
        assert publish(division, wire) == Outcome.BUSY
        assert wire.requests == []
        assert division.sync_lease_token == token

    def test_saves_during_a_publish_coalesce_into_one_more_send_of_the_latest(self, boss, queued):
        division, *_ = build_chain(boss)
        mark_published(division)
        location_update(obj=division, user=boss, data={"name": "First"})

        def save_twice_meanwhile(request):
            for name in ("Second", "Third"):
                copy = type(division).objects.get(pk=division.pk)
                location_update(obj=copy, user=boss, data={"name": name})
            return reply(200, {"id": 500})

        assert publish(division, BBWire(save_twice_meanwhile)) == Outcome.REQUEUED
        assert division.sync_state == SyncState.PENDING
        assert queued.labels() == [("locations.Division", division.pk)]

        wire = BBWire(reply(200, {"id": 500}))
        assert publish(division, wire) == Outcome.PUBLISHED
        assert [body["name"] for body in wire.bodies()] == ["Third"]
        assert division.sync_state == SyncState.PUBLISHED

    def test_a_stale_copy_saved_after_a_publish_keeps_the_remote_id(self, boss, queued):
        division, *_ = build_chain(boss)
        stale = type(division).objects.get(pk=division.pk)
        publish(division, BBWire(reply(200, {"id": 42})))

        location_update(obj=stale, user=boss, data={"name": "Edited"})

        stale.refresh_from_db()
        assert (stale.remote_id, stale.sync_state) == (42, SyncState.PENDING)


class TestHomeowners:
    def published_home(self, boss, owners=1):
        chain = build_chain(boss)
        mark_published(*chain)
        home = build_home(boss, chain[2], owners=owners)
        mark_published(home)
        return home

    def test_homeowners_added_later_are_posted_one_by_one(self, boss, queued):
        home = self.published_home(boss)
        homeowner_add(home=home, user=boss, data={"email": "new@example.com", "last_name": "Doe"})
        homeowner_add(home=home, user=boss, data={"email": "old@example.com"})
        wire = BBWire(
            reply(200, {"id": 500}),
            bb_error(409, "Homeowner with email 'old@example.com' already exists on home 'H_1'"),
        )

        assert publish(home, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"POST {HOMES}/H_1/users"] * 2
        assert wire.bodies() == [
            {"email": "new@example.com", "lastName": "Doe"},
            {"email": "old@example.com"},
        ]
        assert not home.homeowners.filter(published_at__isnull=True).exists()

    def test_a_removed_homeowner_makes_the_next_put_replace_the_set(self, boss, queued):
        home = self.published_home(boss, owners=2)
        homeowner_remove(owner=home.homeowners.first(), user=boss)
        wire = BBWire(reply(200, {"id": 500}))

        assert publish(home, wire) == Outcome.PUBLISHED

        assert wire.paths() == [f"PUT {HOMES}"]
        assert wire.bodies()[0]["homeowners"] == [
            {"email": "h_1.owner1@example.com", "firstName": "Pat1"}
        ]
        assert home.sync_homeowners_replace is False

    def test_an_edited_homeowner_is_sent_with_the_whole_set(self, boss, queued):
        from homes.services import home_save

        home = self.published_home(boss)
        owner = home.homeowners.get()
        owner.first_name = "Robin"
        home_save(home=home, user=boss, owners_saved=[owner])
        wire = BBWire(reply(200, {"id": 500}))

        assert publish(home, wire) == Outcome.PUBLISHED

        assert wire.bodies()[0]["homeowners"] == [
            {"email": "h_1.owner0@example.com", "firstName": "Robin"}
        ]

    def test_an_unchanged_home_without_new_owners_sends_nothing(self, boss, queued):
        home = self.published_home(boss)
        home_update(home=home, user=boss, data={"city": "Mason"})

        assert publish(home, BBWire()) == Outcome.UNCHANGED


class TestBatch:
    def test_a_batch_sends_one_request_per_record_from_threads(self, boss, queued):
        chain = build_chain(boss)
        mark_published(*chain)
        homes = [build_home(boss, chain[2], f"H_{n}", owners=0) for n in range(12)]
        wire = BBWire(*[created() for _ in homes])

        reports = records_publish(
            "homes.Home", [h.pk for h in homes], client=bb_client(wire), threads=4
        )

        assert {r.outcome for r in reports.values()} == {Outcome.PUBLISHED}
        assert sorted(json.loads(r.content)["externalId"] for r in wire.requests) == sorted(
            h.external_id for h in homes
        )
        assert not Homeowner.objects.exists()

    def test_publishing_parents_releases_their_waiting_children(self, boss, queued):
        division, community, _ = build_chain(boss)
        publish(community, BBWire())  # waits
        assert community.sync_enqueued_at is not None

        records_publish("locations.Division", [division.pk], client=bb_client(BBWire(created())))

        community.refresh_from_db()
        assert community.sync_enqueued_at is None
        assert queued.due == 1
