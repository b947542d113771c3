"""Time moves: `/_sandbox/mutate` changes exactly what its summary says, and an incremental pull
from the summary's `since` finds exactly those records; reset and the state dump."""

import pytest

from .portal_sandbox_support import CHILD_PATHS, Portal, error, error_of


def incremental_ids(portal: Portal, since: str) -> dict[str, list[str]]:
    """Pull like an incremental client: changed projects first, then only their children."""
    projects = portal.walk("/projects", updatedSince=since)
    found = {"projects": sorted(p["id"] for p in projects)}
    live_projects = [p["id"] for p in projects if not p.get("deleted")]
    for kind in portal.tenant.spec.child_kinds:
        found[kind] = sorted(
            r["id"] for pid in live_projects for r in portal.children(kind, pid, updatedSince=since)
        )
    return found


@pytest.mark.parametrize("portal_name", ["buildertrend", "coconstruct"])
def test_an_incremental_pull_finds_exactly_what_the_mutation_changed(portal_name):
    portal = Portal(portal_name, projects=30)
    summary = portal.mutate(fraction=0.1)
    assert len(summary["changed"]["projects"]) == 3
    assert incremental_ids(portal, summary["since"]) == summary["changed"]
    acted = {
        record_id
        for action in ("edited", "approved", "declined", "deleted", "created")
        for ids in summary[action].values()
        for record_id in ids
    }
    changed_children = {
        i for kind, ids in summary["changed"].items() if kind != "projects" for i in ids
    }
    assert acted == changed_children


def test_actions_do_what_they_say():
    portal = Portal("buildertrend", projects=10)
    summary = portal.mutate(projects=10, approve=1, decline=1, edit=0, delete=0, create=0)
    state = portal.state()
    by_id = {r["id"]: r for kind in CHILD_PATHS for r in state[kind]}
    approved = summary["approved"]["selections"] + summary["approved"]["changeOrders"]
    declined = summary["declined"]["selections"] + summary["declined"]["changeOrders"]
    assert len(approved) == len(declined) == 10
    for record_id in approved:
        record = by_id[record_id]
        assert "approved" in (record.get("status"), record.get("approvalStatus"))
        assert record["approvedAt"] == record["updatedAt"] >= summary["since"]
    for record_id in summary["approved"]["changeOrders"]:
        assert by_id[record_id]["approvedBy"]
    for record_id in declined:
        record = by_id[record_id]
        assert "declined" in (record.get("status"), record.get("approvalStatus"))
        assert record["approvedAt"] is None


def test_created_records_are_new_and_deleted_ones_are_tombstones():
    portal = Portal("coconstruct", projects=4)
    before = {r["id"] for kind in CHILD_PATHS for r in portal.state().get(kind, [])}
    summary = portal.mutate(projects=4, create=2, delete=1, edit=0, approve=0, decline=0)
    state = portal.state()
    by_id = {r["id"]: r for kind in CHILD_PATHS for r in state.get(kind, [])}
    created = [i for ids in summary["created"].values() for i in ids]
    deleted = [i for ids in summary["deleted"].values() for i in ids]
    assert (len(created), len(deleted)) == (8, 4)
    assert not set(created) & before
    assert set(deleted) <= before
    assert all(by_id[i]["deleted"] for i in deleted)
    assert not any(by_id[i]["deleted"] for i in created)


def test_whole_projects_can_be_created_and_deleted():
    portal = Portal("buildertrend", projects=5)
    summary = portal.mutate(newProjects=1, deleteProjects=1, edit=0, approve=0, decline=0,
                            delete=0, create=0, projects=0)  # fmt: skip
    [new_id], [gone_id] = summary["created"]["projects"], summary["deleted"]["projects"]
    assert new_id == "100006"
    listed = portal.walk("/projects", updatedSince=summary["since"])
    assert {p["id"]: p.get("deleted", False) for p in listed} == {new_id: False, gone_id: True}
    assert gone_id not in portal.project_ids()
    answer = portal.get(f"/projects/{gone_id}/selections")
    assert error_of(answer) == error("not_found")
    assert len(portal.children("scheduleTasks", new_id)) == 1


def test_mutations_are_deterministic_from_a_fresh_seed():
    runs = []
    for _ in range(2):
        portal = Portal("buildertrend", projects=15)
        summaries = [portal.mutate(fraction=0.2), portal.mutate(projects=2, edit=3)]
        runs.append(
            [{k: v for k, v in s.items() if k not in ("since", "until")} for s in summaries]
        )
    assert runs[0] == runs[1]


def test_reset_reseeds_and_the_clock_keeps_moving_forward():
    portal = Portal("buildertrend", projects=4)
    fresh = portal.state()
    portal.mutate(projects=4)
    answer = portal.http.post("/_sandbox/reset")
    assert answer.json() == {"reset": True, "projects": 4}
    again = portal.state()
    assert again["clock"] > fresh["clock"]
    assert {k: v for k, v in again.items() if k != "clock"} == {
        k: v for k, v in fresh.items() if k != "clock"
    }
    assert portal.get("/projects").status_code == 200  # sessions survive a reset


def test_state_dump_lists_every_record_with_its_deleted_flag():
    portal = Portal("buildertrend", projects=2)
    state = portal.state()
    assert (state["portal"], state["mutations"], state["mfa"]) == ("buildertrend", 0, False)
    assert set(state) == {"portal", "clock", "mutations", "mfa", "projects", *CHILD_PATHS}
    assert [len(state[k]) for k in ("projects", *CHILD_PATHS)] == [2, 10, 6, 4, 20]
    assert all(record["deleted"] is False for kind in CHILD_PATHS for record in state[kind])
    listed = portal.children("selections", state["projects"][0]["id"])
    assert [{**s, "deleted": False} for s in listed] == state["selections"][:5]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"edit": -1}, "edit"), ({"fraction": 2}, "fraction"), ({"projects": "all"}, "projects")],
)
def test_mutate_refuses_bad_requests_naming_the_field(body, field):
    portal = Portal("buildertrend", projects=2)
    answer = portal.http.post("/_sandbox/mutate", json=body)
    assert (answer.status_code, error_of(answer)) == (400, error("invalid", field))
    assert portal.state()["mutations"] == 0


def test_the_request_log_records_api_calls_but_not_sandbox_calls():
    portal = Portal("buildertrend", projects=2)
    portal.get("/projects", limit=1)
    portal.http.get("/projects")
    portal.state()
    log = portal.http.get("/_sandbox/requests").json()["data"]
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
        ("POST", "/sessions", "", 200),
        ("GET", "/projects", "limit=1", 200),
        ("GET", "/projects", "", 401),
    ]
    assert log[0]["t"] <= log[1]["t"] <= log[2]["t"]
    assert portal.http.delete("/_sandbox/requests").json() == {"cleared": 3}
    assert portal.http.get("/_sandbox/requests").json() == {"data": []}
