"""Lists (portals.md, "Lists and incremental pulls", "Fine points"): pages, cursors, filters,
parameter errors, tombstones — and the resources each portal offers."""

import re
from decimal import Decimal

import pytest

from .portal_sandbox_support import CHILD_PATHS, Portal, error, error_of

MONEY = re.compile(r"-?\d+\.\d{2}")


@pytest.fixture(scope="module")
def bt():
    return Portal("buildertrend", projects=23)


@pytest.fixture(scope="module")
def cc():
    return Portal("coconstruct", projects=7)


def test_walking_every_page_returns_each_project_once_in_order(bt):
    whole = bt.ok("/projects", limit=500)["data"]
    for limit in (1, 5, 7, 23):
        walked = bt.walk("/projects", limit=limit)
        assert [p["id"] for p in walked] == [p["id"] for p in whole]
    assert len(whole) == 23
    assert [p["jobNumber"] for p in whole[:3]] == ["JOB-0001", "JOB-0002", "JOB-0003"]


def test_limit_defaults_to_100_and_caps_at_500():
    portal = Portal(projects=501, selections=0, change_orders=0, purchase_orders=0, tasks=0)
    first = portal.ok("/projects")
    assert len(first["data"]) == 100
    assert first["nextCursor"]
    biggest = portal.ok("/projects", limit=500)
    assert len(biggest["data"]) == 500
    rest = portal.ok("/projects", limit=500, cursor=biggest["nextCursor"])
    assert (len(rest["data"]), rest["nextCursor"]) == (1, None)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "501"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"updatedSince": "yesterday"}, "updatedSince"),
        ({"updatedSince": "2026-13-01T00:00:00Z"}, "updatedSince"),
        ({"status": "archived"}, "status"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(bt, params, field):
    answer = bt.get("/projects", **params)
    assert (answer.status_code, error_of(answer)) == (400, error("invalid", field))


def test_a_cursor_only_works_for_the_list_and_filters_it_came_from(bt):
    cursor = bt.ok("/projects", limit=2)["nextCursor"]
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    for params in ({"status": "open"}, {"updatedSince": "2020-01-01T00:00:00Z"}):
        answer = bt.get("/projects", limit=2, cursor=cursor, **params)
        assert error_of(answer) == error("invalid", "cursor")
    project_id = bt.project_ids()[0]
    elsewhere = bt.get(f"/projects/{project_id}/selections", cursor=cursor)
    assert error_of(elsewhere) == error("invalid", "cursor")
    assert error_of(bt.get("/projects", cursor=tampered)) == error("invalid", "cursor")
    assert bt.get("/projects", limit=2, cursor=cursor).status_code == 200


def test_child_lists_page_too(bt):
    project_id = bt.project_ids()[0]
    walked = bt.walk(f"/projects/{project_id}/schedule/tasks", limit=3)
    assert len(walked) == 10
    assert len({t["id"] for t in walked}) == 10


def test_status_filter_keeps_only_those_statuses(bt):
    everything = bt.walk("/projects")
    for status in ("presale", "open", "closed", "warranty"):
        expected = [p["id"] for p in everything if p["status"] == status]
        assert expected, f"the seed should have {status} projects"
        assert [p["id"] for p in bt.walk("/projects", status=status)] == expected
    both = bt.walk("/projects", status="open,closed")
    assert {p["status"] for p in both} == {"open", "closed"}


def test_updated_since_is_inclusive(bt):
    projects = sorted(bt.walk("/projects"), key=lambda p: p["updatedAt"])
    pivot = projects[10]["updatedAt"]
    found = bt.walk("/projects", updatedSince=pivot)
    assert {p["id"] for p in found} == {p["id"] for p in projects if p["updatedAt"] >= pivot}
    assert pivot in {p["updatedAt"] for p in found}


@pytest.mark.parametrize(
    "since", ["2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00Z", "2026-01-01T01:00+01:00"]
)
def test_updated_since_takes_any_iso_8601_form(bt, since):
    assert len(bt.walk("/projects", updatedSince=since)) == 23


def test_deleted_records_appear_only_in_incremental_lists():
    portal = Portal(projects=2)
    before = portal.state()["clock"]
    summary = portal.mutate(projects=1, delete=2, edit=0, approve=0, decline=0, create=0)
    [project_id] = summary["changed"]["projects"]
    deleted = {i for kind in CHILD_PATHS for i in summary["deleted"][kind]}
    assert len(deleted) == 2
    for kind in CHILD_PATHS:
        full = portal.children(kind, project_id)
        assert not deleted & {r["id"] for r in full}
        assert all("deleted" not in r for r in full)
        for record in portal.children(kind, project_id, updatedSince=before):
            if record["id"] in deleted:
                assert record == {
                    "id": record["id"],
                    "deleted": True,
                    "updatedAt": record["updatedAt"],
                }
                deleted.discard(record["id"])
    assert deleted == set()


@pytest.mark.parametrize(
    ("portal_name", "method", "path"),
    [
        ("buildertrend", "POST", "/projects/{p}/purchase-orders"),
        ("coconstruct", "POST", "/projects/{p}/selections"),
        ("coconstruct", "GET", "/projects/{p}/schedule/tasks"),
        ("coconstruct", "PATCH", "/projects/{p}/schedule/tasks/1"),
        ("buildertrend", "GET", "/projects/{p}"),
        ("buildertrend", "DELETE", "/projects/{p}/selections"),
        ("coconstruct", "GET", "/invoices"),
    ],
)
def test_endpoints_a_portal_does_not_offer_are_404_not_supported(bt, cc, portal_name, method, path):
    portal = bt if portal_name == "buildertrend" else cc
    url = path.format(p=portal.project_ids()[0])
    answer = portal.http.request(
        method, url, json={}, headers={**portal.headers, "Idempotency-Key": "k"}
    )
    assert (answer.status_code, error_of(answer)) == (404, error("not_supported"))


def test_unknown_project_is_404_not_found(bt):
    answer = bt.get("/projects/999999/selections")
    assert (answer.status_code, error_of(answer)) == (404, error("not_found"))


def test_allowance_remaining_is_coconstruct_only_and_is_allowance_minus_choice(bt, cc):
    project_id = bt.project_ids()[0]
    assert all("allowanceRemaining" not in s for s in bt.children("selections", project_id))
    checked = 0
    for project_id in cc.project_ids():
        for selection in cc.children("selections", project_id):
            prices = {o["id"]: o["price"] for o in selection["options"]}
            allowance, chosen = selection["allowance"], selection["chosenOptionId"]
            if allowance is None:
                assert selection["allowanceRemaining"] is None
                continue
            spent = Decimal(prices[chosen]) if chosen else Decimal("0.00")
            assert selection["allowanceRemaining"] == str(Decimal(allowance) - spent)
            checked += chosen is not None
    assert checked, "the seed should have chosen options under an allowance"


def test_ids_are_strings_money_has_two_places_progress_is_an_integer(bt, cc):
    for portal in (bt, cc):
        for project in portal.walk("/projects"):
            assert isinstance(project["id"], str)
            assert MONEY.fullmatch(project["contractPrice"])
            for order in portal.children("changeOrders", project["id"]):
                amounts = [order[k] for k in ("subtotal", "markupTotal", "taxTotal", "total")]
                amounts += [line["unitCost"] for line in order["lineItems"]]
                assert all(isinstance(a, str) and MONEY.fullmatch(a) for a in amounts)
                assert (order["approvalStatus"] == "approved") == (order["approvedAt"] is not None)
    project_id = bt.project_ids()[0]
    for task in bt.children("scheduleTasks", project_id):
        assert type(task["progressPercent"]) is int
        assert 0 <= task["progressPercent"] <= 100
        assert all(isinstance(p, str) for p in task["predecessorIds"])
