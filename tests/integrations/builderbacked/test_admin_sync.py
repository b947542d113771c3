"""What staff see and do about Builder Backed sync in the admin: badges, last errors, the filter,
"Publish now" and "Retry failed", the Sync status page, and pulling regions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from builderops.core.publishing import SyncState
from homes.models import Home
from integrations.builderbacked.sync.enqueue import sync_enqueue_due
from locations.models import Division, Region
from tests.factories import superuser, user_in_role

from .sync_support import (
    BBWire,
    build_chain,
    build_home,
    mark_published,
    regions_reply,
    sync_client_fake,
)

pytestmark = pytest.mark.django_db
SYNC_URL = "admin:builderbacked_sync"


@pytest.fixture
def boss(client):
    user = superuser(username="boss")
    client.force_login(user)
    return user


def fail(obj, message: str) -> None:
    type(obj).objects.filter(pk=obj.pk).update(
        sync_state=SyncState.FAILED, sync_last_error=message, sync_last_attempt_at=timezone.now()
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world(boss):
    chain = build_chain(boss)
    mark_published(*chain)
    ok = build_home(boss, chain[2], "H_OK")
    bad = build_home(boss, chain[2], "H_BAD")
    draft = build_home(boss, chain[2], "H_DRAFT", approve=False)
    fail(bad, "Invalid value for 'postalCode' field")
    return {"ok": ok, "bad": bad, "draft": draft, "chain": chain}


class TestChangelist:
    def test_the_list_shows_the_badge_and_the_last_error(self, client, world):
        page = client.get(reverse("admin:homes_home_changelist")).content.decode()

        assert "sync-failed" in page
        assert "Invalid value for &#x27;postalCode&#x27; field" in page
        assert "sync-pending" in page

    def test_the_list_filters_by_sync_state(self, client, world):
        url = reverse("admin:homes_home_changelist") + "?sync_state__exact=failed"
        page = client.get(url).content.decode()

        assert "H_BAD" in page
        assert "H_OK" not in page

    def test_the_record_page_shows_state_and_error(self, client, world):
        url = reverse("admin:homes_home_change", args=[world["bad"].pk])
        page = client.get(url).content.decode()

        assert "Builder Backed sync" in page
        assert "Invalid value for &#x27;postalCode&#x27; field" in page


class TestActions:
    def act(self, client, action: str, objs):
        return client.post(
            reverse("admin:homes_home_changelist"),
            {"action": action, "_selected_action": [o.pk for o in objs]},
            follow=True,
        )

    def act_and_commit(self, capture, client, action: str, objs):
        """Run the action and its on-commit reactions (the domain's signal → the bulk pass)."""
        with capture(execute=True):
            return self.act(client, action, objs)

    def test_publish_now_queues_approved_records_and_refuses_drafts(
        self, client, world, queued, django_capture_on_commit_callbacks
    ):
        response = self.act_and_commit(
            django_capture_on_commit_callbacks, client, "publish_now", [world["ok"], world["draft"]]
        )

        assert queued.due == 1  # the domain marked it due; integrations asked for a bulk pass
        sync_enqueue_due()
        assert queued.batches == [("homes.Home", [world["ok"].pk])]
        shown = messages_of(response)
        assert "Queued 1 home for publishing to Builder Backed." in shown
        assert any("only approved records are published" in m and "H_DRAFT" in m for m in shown)
        world["draft"].refresh_from_db()
        assert world["draft"].sync_state == SyncState.NOT_PUBLISHED

    def test_publish_now_names_at_most_ten_drafts(self, client, world, queued, boss):
        neighborhood = world["chain"][2]
        drafts = [build_home(boss, neighborhood, f"H_D{n:02d}", approve=False) for n in range(12)]

        response = self.act(client, "publish_now", drafts)

        (warning,) = [m for m in messages_of(response) if "approve these first" in m]
        assert "H_D09" in warning
        assert "H_D10" not in warning
        assert warning.endswith("and 2 more.")
        assert queued.batches == []
        assert queued.due == 0

    def test_retry_failed_queues_only_the_failed(
        self, client, world, queued, django_capture_on_commit_callbacks
    ):
        response = self.act_and_commit(
            django_capture_on_commit_callbacks, client, "retry_failed", [world["ok"], world["bad"]]
        )

        assert queued.due == 1
        sync_enqueue_due()
        assert queued.batches == [("homes.Home", [world["bad"].pk])]
        world["bad"].refresh_from_db()
        assert world["bad"].sync_state == SyncState.PENDING
        assert "Queued 1 failed home for another try." in messages_of(response)

    def test_viewers_get_no_sync_actions(self, client, world):
        client.force_login(user_in_role("Viewer", username="viewer"))

        page = client.get(reverse("admin:homes_home_changelist")).content.decode()

        assert "publish_now" not in page
        assert "retry_failed" not in page


class TestSyncPage:
    def test_the_index_links_to_the_sync_page(self, client, world):
        page = client.get(reverse("admin:index")).content.decode()

        assert reverse(SYNC_URL) in page
        assert "Sync status" in page

    def test_counts_per_state_per_model_oldest_due_and_recent_failures(self, client, world):
        Home.objects.filter(pk=world["ok"].pk).update(
            sync_due_since=timezone.now() - timezone.timedelta(minutes=12)
        )

        response = client.get(reverse(SYNC_URL))

        rows = {row["label"]: row for row in response.context["rows"]}
        homes = [cell["count"] for cell in rows["homes.Home"]["cells"]]
        states = [value for value, _ in SyncState.choices]
        assert dict(zip(states, homes, strict=True)) == {
            "not_published": 1,
            "pending": 1,
            "published": 0,
            "failed": 1,
            "retrying": 0,
        }
        assert rows["locations.Division"]["cells"][states.index("published")]["count"] == 1
        assert response.context["oldest_due"] == "12 min"
        page = response.content.decode()
        assert "Invalid value for &#x27;postalCode&#x27; field" in page
        assert reverse("admin:homes_home_change", args=[world["bad"].pk]) in page
        assert "Retry all failed" in page

    def test_retry_all_failed(self, client, world, queued):
        response = client.post(reverse(f"{SYNC_URL}_retry"), follow=True)

        world["bad"].refresh_from_db()
        assert world["bad"].sync_state == SyncState.PENDING
        assert ("homes.Home", [world["bad"].pk]) in queued.batches
        assert "Queued 1 failed records for another try." in messages_of(response)

    def test_publish_all_due_of_one_model(self, client, world, queued):
        response = client.post(reverse(f"{SYNC_URL}_publish"), {"model": "homes.Home"}, follow=True)

        assert queued.batches == [("homes.Home", [world["ok"].pk])]
        assert "Queued 1 due records for publishing." in messages_of(response)

    def test_viewers_see_the_page_but_cannot_act(self, client, world, queued):
        client.force_login(user_in_role("Viewer", username="viewer"))

        page = client.get(reverse(SYNC_URL))
        refused = client.post(reverse(f"{SYNC_URL}_retry"))

        assert page.status_code == 200
        assert "Retry all failed" not in page.content.decode()
        assert refused.status_code == 403
        assert queued.batches == []

    def test_it_says_plainly_when_no_region_is_active(self, client, boss):
        page = client.get(reverse(SYNC_URL)).content.decode()

        assert "Builder Backed has not activated a region for this account yet" in page


class TestRegions:
    def test_pull_regions_now_from_the_region_list(self, client, boss, monkeypatch):
        sync_client_fake(monkeypatch, BBWire(regions_reply((7, "Cincinnati", True))))

        response = client.post(reverse("admin:locations_region_pull"), follow=True)

        assert list(Region.objects.values_list("name", "remote_id", "active")) == [
            ("Cincinnati", 7, True)
        ]
        assert any("1 active (1 new" in m for m in messages_of(response))

    def test_the_region_list_says_when_none_is_active(self, client, boss):
        Region.objects.create(name="Dayton", active=False)

        response = client.get(reverse("admin:locations_region_changelist"))

        assert "Builder Backed has not activated a region for this account yet" in messages_of(
            response
        )
        assert "Pull regions now" in response.content.decode()

    @pytest.mark.parametrize("url", ["admin:locations_region_pull", f"{SYNC_URL}_pull"])
    def test_a_viewer_cannot_pull_regions(self, client, monkeypatch, url):
        wire = BBWire(regions_reply((7, "Cincinnati", True)))
        sync_client_fake(monkeypatch, wire)
        client.force_login(user_in_role("Viewer", username="viewer"))

        listed = client.get(reverse("admin:locations_region_changelist"))
        refused = client.post(reverse(url))

        assert listed.status_code == 200
        assert "Pull regions now" not in listed.content.decode()
        assert refused.status_code == 403
        assert not Region.objects.exists()
        assert wire.requests == []

    def test_a_failed_pull_is_reported(self, client, boss, monkeypatch):
        from tests.integrations.http_fakes import reply

        sync_client_fake(monkeypatch, BBWire(reply(403, {"message": "Token does not have scope"})))

        response = client.post(reverse(f"{SYNC_URL}_pull"), follow=True)

        assert any("Could not pull regions" in m for m in messages_of(response))
        assert not Division.objects.exists()
