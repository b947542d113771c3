"""Drift (issue 10, item 6): objects changed, deactivated and deleted on the Builder Backed sandbox
behind our back are listed by `bb_reconcile` exactly, per field; a child under a parent deactivated
there waits with that reason and the parent is not re-activated until staff say so."""

import io

import httpx
import pytest
from django.core.management import call_command

from builderops.core.publishing import DUE_STATES, SyncState
from homes.models import Home
from integrations.builderbacked.sync.client import sync_client
from integrations.builderbacked.sync.publish import records_publish
from integrations.builderbacked.sync.registry import KINDS
from locations.models import Division, Neighborhood

from .sync_support import build_chain, build_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def sandbox(run_sandbox, settings, queued):
    """A fresh Builder Backed sandbox the in-process client publishes to (no worker needed)."""
    base_url = run_sandbox("builderbacked")
    settings.BUILDERBACKED_BASE_URL = base_url
    settings.BUILDERBACKED_TOKEN_URL = f"{base_url}/oauth2/token"
    return base_url


def publish_everything() -> None:
    """Publish every due record, parents first, as the workers would."""
    with sync_client() as client:
        for _ in range(3):
            for kind in KINDS.values():
                due = kind.model._base_manager.filter(sync_state__in=DUE_STATES)
                ids = list(due.filter(sync_retry_at__isnull=True).values_list("pk", flat=True))
                if ids:
                    records_publish(kind.label, ids, client=client, threads=1)


def mutate(base_url: str, level: str, external_id: str, **body) -> None:
    answer = httpx.post(
        f"{base_url}/_sandbox/mutate", json={"level": level, "externalId": external_id, **body}
    )
    answer.raise_for_status()


def remote(base_url: str) -> dict:
    return httpx.get(f"{base_url}/_sandbox/state").json()


def requests_log(base_url: str) -> list[dict]:
    return httpx.get(f"{base_url}/_sandbox/requests").json()


def reconcile(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("bb_reconcile", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def world(boss, sandbox):
    """Two chains with two homes each, all published to the sandbox."""
    for suffix in ("1", "2"):
        neighborhood = build_chain(boss, suffix)[2]
        for n in range(2):
            build_home(boss, neighborhood, f"H_{suffix}_{n}", owners=1)
    publish_everything()
    assert not Home.objects.exclude(sync_state=SyncState.PUBLISHED).exists()
    return sandbox


def test_no_drift_is_said_plainly(world):
    assert reconcile() == [
        "Compared 10 records in 7 requests. No differences: Builder Backed holds what we last "
        "published."
    ]


def test_changed_deactivated_deleted_and_unknown_objects_are_listed_per_field(world):
    mutate(world, "neighborhoods", "NH_1", set={"name": "Renamed There", "displayName": "RT"})
    mutate(world, "neighborhoods", "NH_2", set={"active": False})
    mutate(world, "homes", "H_1_1", delete=True)
    mutate(world, "homes", "H_2_0", set={"city": "Dayton"})
    with sync_client() as client:  # someone else creates a division we don't know
        client.location("division").create(
            {"externalId": "DIV_X", "name": "Theirs", "regionName": "Cincinnati"}
        )

    lines = reconcile()

    assert lines == [
        "Division DIV_X “Theirs”: on Builder Backed, unknown here",
        "Neighborhood NH_1 “Neighborhood 1 (NH_1)”: changed on Builder Backed",
        "    displayName: ours (none), Builder Backed “RT”",
        "    name: ours “Neighborhood 1”, Builder Backed “Renamed There”",
        "Neighborhood NH_2 “Neighborhood 2 (NH_2)”: deactivated on Builder Backed, active here",
        "Home H_1_1 “12 Oak St, Mason (H_1_1)”: published by us, missing on Builder Backed",
        "Home H_2_0 “12 Oak St, Mason (H_2_0)”: changed on Builder Backed",
        "    city: ours “Mason”, Builder Backed “Dayton”",
        "Compared 10 records in 7 requests. 5 differences: 2 changed, 1 deactivated, "
        "1 missing, 1 unknown.",
    ]
    writes = [r for r in requests_log(world) if r["method"] in ("POST", "PUT")]
    assert [r["path"] for r in writes][-1] == "/api/v2/locations/divisions"  # only DIV_X: read-only
    assert reconcile("--model", "division")[-1] == (
        "Compared 2 records in 1 request. 1 difference: 1 unknown."
    )


def test_a_child_under_a_remotely_deactivated_parent_waits_and_the_parent_stays_inactive(
    boss, world
):
    mutate(world, "neighborhoods", "NH_2", set={"active": False})
    neighborhood = Neighborhood.objects.get(external_id="NH_2")
    home = build_home(boss, neighborhood, "H_2_9", owners=0)
    log_before = len(requests_log(world))

    publish_everything()

    home.refresh_from_db()
    assert home.sync_state == SyncState.PENDING
    assert home.sync_last_error == (
        "Waiting for neighborhood “Neighborhood 2 (NH_2)”: Builder Backed shows it deactivated, "
        "but it is active here. Nothing is sent until an approver chooses “Re-publish as "
        "active” on the “Compare with Builder Backed” page or deactivates it here."
    )
    state = remote(world)
    assert [n["active"] for n in state["neighborhoods"] if n["externalId"] == "NH_2"] == [False]
    assert "H_2_9" not in {h["externalId"] for h in state["homes"]}
    sent = [(r["method"], r["path"]) for r in requests_log(world)[log_before:]]
    assert ("PUT", "/api/v2/locations/neighborhoods") not in sent  # never re-activated
    neighborhood.refresh_from_db()
    assert neighborhood.sync_remote_inactive_since is not None

    # An edit here does not re-activate it either: the neighborhood is held, saying why.
    Neighborhood.objects.filter(pk=neighborhood.pk).update(sync_state=SyncState.PENDING)
    publish_everything()
    neighborhood.refresh_from_db()
    assert neighborhood.sync_last_error.startswith(
        "Not sent: Builder Backed shows this neighborhood deactivated, but it is active here"
    )
    assert [n["active"] for n in remote(world)["neighborhoods"] if n["externalId"] == "NH_2"] == [
        False
    ]


def test_re_publish_as_active_is_the_staff_action_that_reactivates(boss, world, client):
    from builderops.core.publishing import records_republish_active

    mutate(world, "neighborhoods", "NH_2", set={"active": False})
    reconcile()  # finds it deactivated and holds it
    neighborhood = Neighborhood.objects.get(external_id="NH_2")
    assert neighborhood.sync_remote_inactive_since is not None
    build_home(boss, neighborhood, "H_2_9", owners=0)
    publish_everything()

    assert records_republish_active(Neighborhood.objects.filter(pk=neighborhood.pk)) == 1
    publish_everything()

    state = remote(world)
    assert [n["active"] for n in state["neighborhoods"] if n["externalId"] == "NH_2"] == [True]
    assert "H_2_9" in {h["externalId"] for h in state["homes"]}
    assert Home.objects.get(external_id="H_2_9").sync_state == SyncState.PUBLISHED
    assert Division.objects.filter(sync_remote_inactive_since__isnull=False).count() == 0


class TestComparePage:
    URL = "/admin/builderbacked/compare/"

    def test_staff_see_drift_per_field_and_re_publish_as_active(self, boss, world, client):
        mutate(world, "neighborhoods", "NH_1", set={"name": "Renamed There"})
        mutate(world, "neighborhoods", "NH_2", set={"active": False})
        client.force_login(boss)

        page = client.post(self.URL, {"model": ["locations.Neighborhood"]})

        html = page.content.decode()
        assert "Compared 2 records in 1 request. 2 differences: 1 changed, 1 deactivated." in html
        assert "name: ours “Neighborhood 1”, Builder Backed “Renamed There”" in html
        assert "Re-publish as active" in html
        assert "Re-publish ours" in html
        nh2 = Neighborhood.objects.get(external_id="NH_2")
        assert nh2.sync_remote_inactive_since is not None  # held from now on

        answer = client.post(
            f"{self.URL}republish/",
            {"model": "locations.Neighborhood", "pk": nh2.pk, "as_active": "1"},
            follow=True,
        )

        assert (
            "Neighborhood “Neighborhood 2 (NH_2)” will be re-activated on Builder Backed: queued "
            "for publishing."
        ) in answer.content.decode()
        publish_everything()
        assert [n["active"] for n in remote(world)["neighborhoods"]] == [True, True]

    def test_a_viewer_may_compare_but_not_re_publish(self, world, client):
        from tests.factories import user_in_role

        viewer = user_in_role("Viewer", username="viewer")
        mutate(world, "neighborhoods", "NH_2", set={"active": False})
        client.force_login(viewer)

        page = client.post(self.URL, {"model": ["locations.Neighborhood"]})

        assert "1 difference: 1 deactivated." in page.content.decode()
        assert "Re-publish as active" not in page.content.decode()
        nh2 = Neighborhood.objects.get(external_id="NH_2")
        refused = client.post(
            f"{self.URL}republish/",
            {"model": "locations.Neighborhood", "pk": nh2.pk, "as_active": "1"},
        )
        assert refused.status_code == 403
