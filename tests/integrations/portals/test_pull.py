"""The pull engine against an in-memory portal: what it writes, what it asks, how it fails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations import errors
from integrations.portals.models.connection import PortalConnection, PullStatus
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder
from integrations.portals.pull.lease import PullBusy, lease_acquire
from integrations.portals.pull.run import portal_pull, portal_pull_targeted
from integrations.portals.schema import parse_datetime
from tests.factories import HomeFactory
from tests.integrations.portals.factories import PortalConnectionFactory
from tests.integrations.portals.fakes import FakeClient, FakePortal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_overlap(settings):
    settings.PORTAL_PULL_OVERLAP_SECONDS = 0  # the fake's clock ticks a second per write
    settings.PORTAL_PULL_BATCH_SIZE = 2


@pytest.fixture
def portal():
    fake = FakePortal()
    for _ in range(3):
        project = fake.add_project()
        for kind in fake.kinds:
            fake.add_child(kind, project)
    return fake


@pytest.fixture
def connection():
    return PortalConnectionFactory()


def pull(connection, portal, **kwargs):
    return portal_pull(connection_id=connection.pk, client=FakeClient(portal), **kwargs)


def children_calls(portal) -> list:
    return [call for call in portal.calls if call[0] != "projects"]


def test_a_first_pull_mirrors_every_resource(connection, portal):
    run = pull(connection, portal)
    assert run.status == PullStatus.SUCCEEDED
    assert run.counts["projects"]["new"] == 3
    for resource in ("selections", "change_orders", "purchase_orders", "schedule_tasks"):
        assert run.counts[resource] == {"new": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert run.new_count == 15
    assert run.requests_made == 1 + 3 * 4
    assert run.projects_processed == 3


def test_every_project_is_fetched_when_more_wait_than_the_window_holds(connection, settings):
    settings.PORTAL_PULL_WORKERS, settings.PORTAL_PULL_BATCH_SIZE = 1, 1  # a window of 2
    portal = FakePortal()
    for _ in range(7):
        portal.add_child("selections", portal.add_project())
    run = pull(connection, portal)
    assert [call[1] for call in children_calls(portal) if call[0] == "selections"] == [
        f"P{n}" for n in range(1, 8)
    ]
    assert run.projects_processed == 7
    assert Selection.objects.count() == 7


def test_fields_are_mapped_typed_and_totals_recomputed(connection, portal):
    pull(connection, portal)
    project = Project.objects.get(remote_id="P1")
    assert (project.job_number, project.city, project.address_line2) == ("FAKE-0001", "Mason", "")
    assert project.contract_price == Decimal("412500.00")
    order = ChangeOrder.objects.get(project=project)
    assert (order.total, order.computed_total, order.totals_mismatch) == (
        Decimal("353.93"), Decimal("353.93"), False,
    )  # fmt: skip
    line = order.line_items.get()
    assert (line.amount, line.markup, line.tax) == (
        Decimal("300.00"), Decimal("30.00"), Decimal("23.93"),
    )  # fmt: skip
    assert PurchaseOrder.objects.get(project=project).line_items.get().amount == Decimal("855.00")
    task = ScheduleTask.objects.get(project=project)
    assert (task.progress_percent, task.assignees) == (40, ["Crew A"])
    selection = Selection.objects.get(project=project)
    assert selection.allowance_remaining == Decimal("2500.00")  # nothing chosen yet


def test_allowance_remaining_is_computed_unless_the_portal_reports_it(connection, portal):
    project = portal.add_project()
    portal.add_child("selections", project, id="S-BT", chosenOptionId="o2")
    portal.add_child("selections", project, id="S-CC", chosenOptionId="o2",
                     allowanceRemaining="-600.00")  # fmt: skip
    pull(connection, portal)
    computed = Selection.objects.get(remote_id="S-BT")
    assert (computed.chosen_option_name, computed.allowance_remaining) == (
        "Walnut", Decimal("-600.00"),
    )  # fmt: skip
    assert Selection.objects.get(remote_id="S-CC").allowance_remaining == Decimal("-600.00")


def test_a_wrong_reported_total_is_flagged(connection, portal):
    project = portal.add_project()
    portal.add_child("change_orders", project, id="CO-BAD", total="353.92")
    pull(connection, portal)
    order = ChangeOrder.objects.get(remote_id="CO-BAD")
    assert order.totals_mismatch
    assert (order.total, order.computed_total) == (Decimal("353.92"), Decimal("353.93"))


def test_pulling_again_writes_nothing_and_asks_no_children(connection, portal):
    pull(connection, portal)
    before = dict(Selection.objects.values_list("remote_id", "updated_at"))
    portal.calls.clear()
    run = pull(connection, portal)
    assert run.new_count == run.updated_count == run.deleted_count == 0
    assert children_calls(portal) == []
    assert dict(Selection.objects.values_list("remote_id", "updated_at")) == before


def test_an_incremental_pull_asks_only_changed_projects_since_their_mark(connection, portal):
    pull(connection, portal)
    mark = Project.objects.get(remote_id="P2").remote_updated_at
    order_id = next(k for k, v in portal.records["change_orders"].items() if v["projectId"] == "P2")
    portal.edit("change_orders", order_id, approvalStatus="approved", approvedBy="Ann Lee")
    portal.calls.clear()
    run = pull(connection, portal)
    assert {call[1] for call in children_calls(portal)} == {"P2"}
    assert {call[2] for call in children_calls(portal)} == {mark}
    assert run.counts["change_orders"]["updated"] == 1
    # `updatedSince` is inclusive: the newest project (P3, the mark) is read again, unchanged.
    assert run.counts["projects"] == {"new": 0, "updated": 1, "deleted": 0, "unchanged": 1}
    order = ChangeOrder.objects.get(remote_id=order_id)
    assert (order.approval_status, order.approved_by) == ("approved", "Ann Lee")
    assert run.requests_made == 1 + 4


def test_deletions_are_marked_not_erased(connection, portal):
    pull(connection, portal)
    task_id = next(iter(portal.records["schedule_tasks"]))
    portal.delete("schedule_tasks", task_id)
    portal.delete("projects", "P3")
    run = pull(connection, portal)
    task = ScheduleTask.objects.get(remote_id=task_id)
    assert task.deleted
    assert task.deleted_at is not None
    assert Project.objects.get(remote_id="P3").deleted
    assert run.counts["schedule_tasks"]["deleted"] == 1
    assert run.counts["projects"]["deleted"] == 1


def test_changed_line_items_are_replaced_unchanged_ones_kept(connection, portal):
    pull(connection, portal)
    order_id = next(iter(portal.records["change_orders"]))
    line_before = ChangeOrder.objects.get(remote_id=order_id).line_items.get().pk
    portal.edit("change_orders", order_id, title="Renamed")
    pull(connection, portal)
    assert ChangeOrder.objects.get(remote_id=order_id).line_items.get().pk == line_before
    items = [dict(portal.records["change_orders"][order_id]["lineItems"][0], quantity="3")]
    portal.edit("change_orders", order_id, lineItems=items, subtotal="450.00")
    pull(connection, portal)
    order = ChangeOrder.objects.get(remote_id=order_id)
    assert order.line_items.get().quantity == 3
    assert order.totals_mismatch  # the other reported totals were left stale on purpose


def test_a_full_pull_ignores_marks_and_marks_absent_records_deleted(connection, portal):
    pull(connection, portal)
    selection_id = next(iter(portal.records["selections"]))
    del portal.records["selections"][selection_id]  # vanished without a tombstone
    del portal.records["projects"]["P3"]
    portal.calls.clear()
    run = pull(connection, portal, full=True)
    assert all(call[2] is None for call in portal.calls)
    assert Selection.objects.get(remote_id=selection_id).deleted
    assert Project.objects.get(remote_id="P3").deleted
    assert run.counts["selections"]["deleted"] == 1
    assert run.counts["projects"] == {"new": 0, "updated": 0, "deleted": 1, "unchanged": 2}


def test_without_project_bumps_every_project_is_asked_since_each_resource_mark(
    connection, settings
):
    settings.PORTAL_CHILD_CHANGES_BUMP_PROJECT = False
    portal = FakePortal(bumps=False)
    for _ in range(2):
        project = portal.add_project()
        portal.add_child("selections", project)
    pull(connection, portal)
    selection_id = next(iter(portal.records["selections"]))
    portal.edit("selections", selection_id, status="approved")
    portal.calls.clear()
    run = pull(connection, portal)
    marks = PortalConnection.objects.get(pk=connection.pk).high_water_marks
    asked = [(c[0], c[1]) for c in children_calls(portal)]
    assert sorted(asked).count(("selections", "P1")) == 1
    assert {c[1] for c in children_calls(portal)} == {"P1", "P2"}
    assert run.counts["selections"]["updated"] == 1
    assert Selection.objects.get(remote_id=selection_id).status == "approved"
    assert parse_datetime(marks["selections"]) == parse_datetime(
        portal.records["selections"][selection_id]["updatedAt"]
    )


def test_one_failing_project_is_reported_and_retried_next_time(connection, portal):
    portal.failing[("P2", "change_orders")] = errors.ServerError("boom", status=500)
    run = pull(connection, portal)
    assert run.status == PullStatus.PARTIAL
    assert run.errors == [
        {
            "project_id": "P2",
            "resource": "change_orders",
            "error": "The portal failed to answer (HTTP 500).",  # our words, not "boom"
        }
    ]
    assert Selection.objects.filter(project__remote_id="P3").exists()
    assert not Selection.objects.filter(project__remote_id="P2").exists()
    connection.refresh_from_db()
    assert "P2" in connection.last_error
    assert connection.last_success_at is not None
    del portal.failing[("P2", "change_orders")]
    portal.calls.clear()
    run = pull(connection, portal)
    assert run.status == PullStatus.SUCCEEDED
    assert {(c[1], c[2]) for c in children_calls(portal)} == {("P2", None)}
    assert Selection.objects.filter(project__remote_id="P2").count() == 1


def test_a_malformed_record_fails_only_its_project(connection, portal):
    project = portal.add_project()
    portal.add_child("purchase_orders", project, total=855.0)  # a float: the contract forbids it
    run = pull(connection, portal)
    assert run.status == PullStatus.PARTIAL
    assert [e["project_id"] for e in run.errors] == [project]
    assert Project.objects.filter(deleted=False).count() == 4
    assert PurchaseOrder.objects.count() == 3


def test_a_failed_project_listing_fails_the_run_and_keeps_the_marks(connection, portal):
    pull(connection, portal)
    marks = PortalConnection.objects.get(pk=connection.pk).high_water_marks
    client = FakeClient(portal)
    client.list_projects = lambda updated_since=None: (_ for _ in ()).throw(
        errors.Unauthorized("bad credentials", status=401, code="invalid_credentials")
    )
    run = portal_pull(connection_id=connection.pk, client=client)
    connection.refresh_from_db()
    assert run.status == PullStatus.FAILED
    assert (
        connection.last_error == "The portal refused the stored username and password (HTTP 401)."
    )
    assert connection.high_water_marks == marks


def test_a_portal_without_schedules_is_never_asked_for_them(connection):
    portal = FakePortal(kinds=("selections", "change_orders", "purchase_orders"))
    portal.add_child("selections", portal.add_project())
    run = pull(connection, portal)
    assert "schedule_tasks" not in {call[0] for call in portal.calls}
    assert run.requests_made == 1 + 3


def test_pulled_projects_link_to_homes(connection, portal):
    home = HomeFactory(job_id="FAKE-0002")
    pull(connection, portal)
    assert Project.objects.get(remote_id="P2").home == home


def test_the_overlap_rereads_a_window_before_the_mark(connection, portal, settings):
    settings.PORTAL_PULL_OVERLAP_SECONDS = 3600
    pull(connection, portal)
    portal.calls.clear()
    run = pull(connection, portal)
    assert run.counts["projects"]["unchanged"] == 3  # re-read, nothing rewritten
    assert children_calls(portal) == []


def test_two_pulls_of_one_connection_never_run_at_once(connection, portal):
    lease_acquire(connection.pk)
    with pytest.raises(PullBusy):
        pull(connection, portal)
    PortalConnection.objects.filter(pk=connection.pk).update(
        pull_lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert pull(connection, portal).status == PullStatus.SUCCEEDED  # an expired lease is free
    assert PortalConnection.objects.get(pk=connection.pk).pull_lease_owner == ""


def test_a_targeted_pull_lists_one_resource_of_one_project(connection, portal):
    pull(connection, portal)
    order_id = next(k for k, v in portal.records["change_orders"].items() if v["projectId"] == "P1")
    portal.edit("change_orders", order_id, approvalStatus="approved")
    portal.calls.clear()
    run = portal_pull_targeted(connection_id=connection.pk, project_id="P1",
                               resource="change_orders", client=FakeClient(portal))  # fmt: skip
    assert portal.calls == [("change_orders", "P1", None)]
    assert run.kind == "targeted"
    assert run.counts["change_orders"]["updated"] == 1
    assert ChangeOrder.objects.get(remote_id=order_id).approval_status == "approved"


def test_a_targeted_pull_of_an_unknown_project_pulls_incrementally(connection, portal):
    pull(connection, portal)
    new_project = portal.add_project()
    portal.add_child("selections", new_project)
    run = portal_pull_targeted(connection_id=connection.pk, project_id=new_project,
                               resource="selections", client=FakeClient(portal))  # fmt: skip
    assert run.kind == "incremental"
    assert Selection.objects.filter(project__remote_id=new_project).count() == 1
