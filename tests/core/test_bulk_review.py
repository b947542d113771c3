"""Approving and returning to draft thousands of records at once: same rules, constant cost."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from builderops.core.admin import SHOWN_VERSIONS_FIELD
from builderops.core.publishing import SyncState
from builderops.core.records import records_approve_bulk, records_return_to_draft_bulk
from builderops.core.review import ReviewState
from homes.models import Home
from tests.core.approval import confirmation_versions
from tests.factories import HomeFactory, NeighborhoodFactory, chain, user_in_role

pytestmark = pytest.mark.django_db

HOMES_URL = "/admin/homes/home/"
# The whole admin request: session, user, permissions, the changelist's filters, the selected
# ids, then per batch of 1,000 one locked read of the versions shown (issue 11), one locked
# read, one UPDATE and one INSERT of history rows.
ACTION_QUERIES = 18


@pytest.fixture
def approver():
    return user_in_role("Approver", username="alex")


@pytest.fixture
def enqueue():
    """Catch what would be queued for publishing: one bulk pass, or one record at a time."""
    target = "integrations.builderbacked.sync.enqueue"
    with (
        mock.patch(f"{target}.sync_enqueue_due_soon") as due_soon,
        mock.patch(f"{target}.record_enqueue") as record,
    ):
        yield mock.Mock(due_soon=due_soon, record=record)


def max_queries(count: int) -> int:
    """Bound the action's queries: the same at any size, but SQLite's 999-variable cap makes
    Django split each bulk write into chunks of a few dozen rows there."""
    return ACTION_QUERIES + (count // 20 if connection.vendor == "sqlite" else 0)


def action(client, name: str, homes) -> list[str]:
    """Run a confirmed homes admin action on `homes`; return the messages shown."""
    data = {"action": name, ACTION_CHECKBOX_NAME: [h.pk for h in homes], "post": "yes"}
    if name == "approve_selected":
        data[SHOWN_VERSIONS_FIELD] = confirmation_versions(client, HOMES_URL, data)
    response = client.post(HOMES_URL, data, follow=True)
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("count", [10, 200])
def test_approve_selected_costs_the_same_queries_for_10_or_200_homes(
    client, approver, django_assert_max_num_queries, enqueue, count
):
    homes = HomeFactory.create_batch(count, neighborhood=chain())
    client.force_login(approver)
    data = {"action": "approve_selected", ACTION_CHECKBOX_NAME: [h.pk for h in homes]}
    data[SHOWN_VERSIONS_FIELD] = confirmation_versions(client, HOMES_URL, data)
    with django_assert_max_num_queries(max_queries(count)):
        client.post(HOMES_URL, {**data, "post": "yes"})
    assert Home.objects.filter(review_state=ReviewState.APPROVED).count() == count


@pytest.mark.parametrize("count", [10, 200])
def test_return_to_draft_costs_the_same_queries_for_10_or_200_homes(
    client, approver, django_assert_max_num_queries, count
):
    homes = HomeFactory.create_batch(count, neighborhood=chain(), approved=True)
    client.force_login(approver)
    data = {"action": "return_to_draft", ACTION_CHECKBOX_NAME: [h.pk for h in homes]}
    with django_assert_max_num_queries(max_queries(count)):
        client.post(HOMES_URL, data)
    assert Home.objects.filter(review_state=ReviewState.DRAFT).count() == count


def test_approve_selected_reports_what_was_approved_and_why_the_rest_was_not(
    client, approver, enqueue
):
    ready = HomeFactory.create_batch(3, neighborhood=chain())
    draft_parent = NeighborhoodFactory(name="Oak", external_id="NH_D", approved=False)
    inactive_parent = chain()
    inactive_parent.active = False
    inactive_parent.save()
    under_draft = HomeFactory(neighborhood=draft_parent)
    under_inactive = HomeFactory(neighborhood=inactive_parent)
    client.force_login(approver)

    shown = action(client, "approve_selected", [*ready, under_draft, under_inactive])

    assert shown == [
        "Approved 3 homes: they will be published.",
        f"Not approved: Home “{under_draft}” can't be approved while its neighborhood "
        "“Oak (NH_D)” is a draft: approve that first.",
        f"Not approved: Home “{under_inactive}” can't be approved under the inactive "
        f"neighborhood “{inactive_parent}”: reactivate it or move this record.",
    ]
    states = dict(Home.objects.values_list("pk", "review_state"))
    assert {states[h.pk] for h in ready} == {ReviewState.APPROVED}
    assert states[under_draft.pk] == states[under_inactive.pk] == ReviewState.DRAFT


def test_bulk_approval_lists_refusals_with_the_record_and_skips_approved_ones(approver, enqueue):
    neighborhood = NeighborhoodFactory(name="Oak", external_id="NH_D", approved=False)
    refused_home = HomeFactory(neighborhood=neighborhood)
    done = HomeFactory(neighborhood=chain(), approved=True)
    approved, refused = records_approve_bulk(
        objs=Home.objects.filter(pk__in=[refused_home.pk, done.pk]), user=approver
    )
    assert approved == 0
    assert [(obj.pk, why.split(" can't")[0]) for obj, why in refused] == [
        (refused_home.pk, f"Home “{refused_home}”")
    ]
    assert done.history.count() == 1, "an approved record is left alone"


def test_bulk_approval_records_who_when_and_a_history_row_each(approver, enqueue):
    HomeFactory.create_batch(3, neighborhood=chain())
    before = timezone.now()
    records_approve_bulk(objs=Home.objects.all(), user=approver)
    for home in Home.objects.all():
        assert home.approved_by == approver
        assert home.approved_at >= before
        assert home.updated_at >= before
        latest = home.history.first()
        assert home.history.count() == 2, "created, then approved"
        assert (latest.history_type, latest.history_user) == ("~", approver)
        assert (latest.history_change_reason, latest.review_state) == ("approved", "approved")


def test_bulk_approval_marks_homes_due_and_queues_one_publish_pass_on_commit(
    approver, django_capture_on_commit_callbacks, enqueue
):
    earlier = timezone.now() - timedelta(hours=2)
    retrying = HomeFactory(
        neighborhood=chain(),
        sync_state=SyncState.RETRYING,
        sync_due_since=earlier,
        sync_attempts=3,
        sync_retry_at=timezone.now() + timedelta(minutes=5),
        sync_enqueued_at=earlier,
        sync_version=2,
    )
    fresh = HomeFactory.create_batch(4, neighborhood=retrying.neighborhood)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        records_approve_bulk(objs=[retrying, *fresh], user=approver)

    assert len(callbacks) == 1
    enqueue.due_soon.assert_called_once_with()
    enqueue.record.assert_not_called()
    retrying.refresh_from_db()
    assert (retrying.sync_state, retrying.sync_version) == (SyncState.PENDING, 3)
    assert retrying.sync_due_since == earlier, "due already: it keeps its place in the queue"
    assert (retrying.sync_attempts, retrying.sync_retry_at, retrying.sync_enqueued_at) == (
        0,
        None,
        None,
    )
    for home in Home.objects.filter(pk__in=[h.pk for h in fresh]):
        assert (home.sync_state, home.sync_version) == (SyncState.PENDING, 1)
        assert home.sync_due_since is not None


def test_bulk_approval_keeps_what_a_publish_wrote_meanwhile(approver, enqueue):
    homes = HomeFactory.create_batch(2, neighborhood=chain())  # loaded, then a worker writes:
    Home.objects.filter(pk=homes[0].pk).update(
        remote_id=777, sync_payload_hash="abc", sync_version=5, sync_published_version=5
    )
    records_approve_bulk(objs=homes, user=approver)
    home = Home.objects.get(pk=homes[0].pk)
    assert (home.remote_id, home.sync_payload_hash) == (777, "abc")
    assert (home.sync_version, home.sync_published_version) == (6, 5), "due again, not lost"
    assert home.history.first().remote_id == 777, "the history row shows the row as it was"


def test_bulk_approval_needs_the_approve_permission(enqueue):
    editor = user_in_role("Editor", username="erin")
    home = HomeFactory(neighborhood=chain())
    with pytest.raises(PermissionDenied):
        records_approve_bulk(objs=[home], user=editor)
    with pytest.raises(PermissionDenied):
        records_return_to_draft_bulk(objs=[home], user=editor)
    home.refresh_from_db()
    assert (home.review_state, home.history.count()) == (ReviewState.DRAFT, 1)


def test_bulk_return_to_draft_writes_review_fields_and_history_only(approver, enqueue):
    homes = HomeFactory.create_batch(3, neighborhood=chain(), published=True)
    draft = HomeFactory(neighborhood=homes[0].neighborhood)
    Home.objects.filter(pk=homes[0].pk).update(remote_id=777, sync_payload_hash="abc")

    returned = records_return_to_draft_bulk(objs=[*homes, draft], user=approver)

    assert returned == 3
    home = Home.objects.get(pk=homes[0].pk)
    assert home.review_state == ReviewState.DRAFT
    assert (home.approved_by, home.approved_at) == (None, None)
    assert (home.remote_id, home.sync_payload_hash) == (777, "abc")
    assert (home.sync_state, home.sync_version) == (SyncState.PUBLISHED, 1), "not due"
    latest = home.history.first()
    assert (latest.history_user, latest.history_change_reason) == (approver, "returned to draft")
    assert draft.history.count() == 1, "a draft is left alone"
    enqueue.due_soon.assert_not_called()
    enqueue.record.assert_not_called()


def test_return_to_draft_action_says_how_many(client, approver):
    homes = HomeFactory.create_batch(2, neighborhood=chain(), approved=True)
    client.force_login(approver)
    assert action(client, "return_to_draft", homes) == ["Returned 2 homes to draft."]
