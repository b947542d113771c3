"""Honest sync controls: Publish now counts, Force republish for approvers, the record's page."""

import pytest
from django.contrib.messages import get_messages

from builderops.core.publishing import SyncState
from builderops.core.review import ReviewState
from homes.models import Home
from tests.factories import HomeFactory, chain, user_in_role

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/homes/home/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, action, homes):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [h.pk for h in homes]},
        follow=True,
    )


def published_homes(count, **kwargs):
    neighborhood = chain(published=True)
    return [HomeFactory(neighborhood=neighborhood, published=True, **kwargs) for _ in range(count)]


def test_publish_now_says_how_many_were_queued_and_how_many_were_unchanged(client):
    unchanged = published_homes(2, sync_payload_hash="abc")
    changed = HomeFactory(
        neighborhood=unchanged[0].neighborhood, published=True, sync_version=2
    )  # edited and approved since its last publish
    client.force_login(user_in_role("Approver"))
    response = act(client, "publish_now", [*unchanged, changed])
    assert messages_of(response) == [
        "Queued 1 home for publishing to Builder Backed. 2 homes were not sent: Builder Backed "
        "already has them unchanged (use “Force republish” to send anyway)."
    ]
    states = dict(Home.objects.values_list("pk", "sync_state"))
    assert states[changed.pk] == SyncState.PENDING
    assert {states[h.pk] for h in unchanged} == {SyncState.PUBLISHED}


def test_an_editor_is_told_an_approver_can_force_a_republish(client):
    (home,) = published_homes(1)
    client.force_login(user_in_role("Editor"))
    response = act(client, "publish_now", [home])
    assert messages_of(response) == [
        "Queued 0 homes for publishing to Builder Backed. 1 home was not sent: Builder Backed "
        "already has it unchanged (an approver can force a republish)."
    ]


def test_force_republish_resends_unchanged_records(client):
    homes = published_homes(2, sync_payload_hash="abc")
    client.force_login(user_in_role("Approver"))
    response = act(client, "force_republish", homes)
    assert messages_of(response) == [
        "Queued 2 homes to be sent to Builder Backed again, even if unchanged."
    ]
    rows = Home.objects.values_list("sync_state", "sync_payload_hash")
    assert set(rows) == {(SyncState.PENDING, "")}  # the hash forgotten: the worker sends again


@pytest.mark.parametrize(
    ("role", "offered"), [("Viewer", False), ("Editor", False), ("Approver", True)]
)
def test_only_approvers_are_offered_force_republish(client, role, offered):
    published_homes(1)
    client.force_login(user_in_role(role))
    actions = (
        client.get(CHANGELIST)
        .context["cl"]
        .model_admin.get_actions(client.get(CHANGELIST).wsgi_request)
    )
    assert ("force_republish" in actions) is offered


def page(client, home):
    return client.get(f"/admin/homes/home/{home.pk}/change/")


def sync_url(home):
    return f"/admin/homes/home/{home.pk}/sync/"


def test_the_page_offers_force_republish_to_approvers_only(client):
    (home,) = published_homes(1)
    client.force_login(user_in_role("Approver"))
    assert 'name="_force_republish"' in page(client, home).content.decode()
    response = client.post(sync_url(home), {"_force_republish": "1"}, follow=True)
    assert messages_of(response) == [
        "Queued 1 home to be sent to Builder Backed again, even if unchanged."
    ]
    client.force_login(user_in_role("Editor"))
    assert 'name="_force_republish"' not in page(client, home).content.decode()
    assert client.post(sync_url(home), {"_force_republish": "1"}).status_code == 403


def test_a_failed_home_shows_its_error_and_a_retry_button(client):
    (home,) = published_homes(
        1, sync_state=SyncState.FAILED, sync_last_error="400: postalCode is invalid"
    )
    client.force_login(user_in_role("Editor"))
    html = page(client, home).content.decode()
    assert "Last error from Builder Backed: 400: postalCode is invalid" in html
    assert 'name="_retry"' in html
    response = client.post(sync_url(home), {"_retry": "1"}, follow=True)
    assert messages_of(response) == ["Queued 1 failed home for another try."]
    home.refresh_from_db()
    assert home.sync_state == SyncState.PENDING
    client.force_login(user_in_role("Viewer"))
    assert 'name="_retry"' not in page(client, home).content.decode()
    assert client.post(sync_url(home), {"_retry": "1"}).status_code == 403


def test_banner_and_badge_agree_after_an_editors_edit(client):
    (home,) = published_homes(1, review_state=ReviewState.DRAFT)  # an editor's edit waits
    client.force_login(user_in_role("Viewer"))
    html = page(client, home).content.decode()
    assert "Draft: this edit waits for an approver. Builder Backed keeps the last approved" in html
    assert "not published to Builder Backed" not in html
    status = html.split('id="record-status"')[1].split("</div>")[0]
    assert ">Published</span>" in status


def test_no_change_or_delete_icons_beside_a_published_neighborhood(client):
    (home,) = published_homes(1)
    client.force_login(user_in_role("Approver"))
    html = page(client, home).content.decode()
    assert 'id="delete_id_neighborhood"' not in html
    assert 'id="change_id_neighborhood"' not in html
    assert 'id="view_id_neighborhood"' in html  # looking stays one click away


def test_view_site_leads_to_the_dashboard(client):
    client.force_login(user_in_role("Viewer"))
    assert '<a href="/admin/">View site</a>' in client.get("/admin/").content.decode()
