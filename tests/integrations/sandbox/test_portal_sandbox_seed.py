"""The seed: deterministic, realistic, and reproducible one project at a time for demo data."""

import re
from datetime import date

import pytest

from integrations.sandbox.portals.seed import seed_project

from .portal_sandbox_support import Portal

USPS_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
    "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI",
    "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
}  # fmt: skip


def test_same_options_give_the_same_data_ids_and_all():
    first = Portal("buildertrend", projects=6, data_seed=3).state()
    second = Portal("buildertrend", projects=6, data_seed=3).state()
    other_seed = Portal("buildertrend", projects=6, data_seed=4).state()
    for dump in (first, second, other_seed):
        dump.pop("clock")
    assert first == second
    assert first["projects"] != other_seed["projects"]
    assert [p["id"] for p in first["projects"]] == [p["id"] for p in other_seed["projects"]]


def test_project_n_does_not_depend_on_how_much_is_seeded():
    small = Portal("coconstruct", projects=3, selections=1).state()["projects"]
    large = Portal("coconstruct", projects=9, selections=8).state()["projects"]
    assert large[:3] == small


@pytest.mark.parametrize("portal", ["buildertrend", "coconstruct"])
def test_seed_project_is_what_the_server_answers(portal):
    served = Portal(portal, projects=12).walk("/projects")
    expected = [seed_project(n, portal=portal) for n in range(1, 13)]
    assert served == expected


def test_first_project_starts_the_numbering_elsewhere():
    """The demo runs CoConstruct from job 21 so its jobs aren't Buildertrend's jobs too."""
    served = Portal("coconstruct", projects=3, first_project=21).walk("/projects")
    assert [p["jobNumber"] for p in served] == ["JOB-0021", "JOB-0022", "JOB-0023"]
    assert served == [seed_project(n, portal="coconstruct") for n in (21, 22, 23)]


def test_both_portals_share_names_job_numbers_and_addresses_but_not_ids():
    bt, cc = seed_project(5), seed_project(5, portal="coconstruct")
    assert {k: v for k, v in bt.items() if k != "id"} == {k: v for k, v in cc.items() if k != "id"}
    assert (bt["id"], bt["jobNumber"]) == ("100005", "JOB-0005")
    assert re.fullmatch(r"[0-9a-f-]{36}", cc["id"])


def test_projects_look_real():
    for n in range(1, 61):
        project = seed_project(n)
        address = project["address"]
        assert project["jobNumber"] == f"JOB-{n:04d}"
        assert address["state"] in USPS_STATES
        assert re.fullmatch(r"\d{5}", address["postalCode"])
        assert re.fullmatch(r"\d+ [A-Z][\w ]+", address["line1"])
        assert date.fromisoformat(project["projectedCompletionDate"]) > date.fromisoformat(
            project["startDate"]
        )
        assert all(
            re.fullmatch(r"[a-z]+\.[a-z]+@mail\.example", c["email"]) for c in project["clients"]
        )


def test_every_approval_status_appears_and_children_fit_their_project():
    state = Portal("buildertrend", projects=5).state()
    statuses = lambda kind, key: {r[key] for r in state[kind]}  # noqa: E731
    assert statuses("changeOrders", "approvalStatus") == {
        "draft",
        "pending",
        "approved",
        "declined",
    }
    assert statuses("selections", "status") == {"pending", "approved", "declined"}
    assert statuses("purchaseOrders", "status") == {
        "draft",
        "issued",
        "accepted",
        "declined",
        "closed",
    }
    assert {s["category"] for s in state["selections"]} >= {"Flooring", "Cabinets", "Countertops"}
    project_stamps = {p["id"]: p["updatedAt"] for p in state["projects"]}
    for kind in ("selections", "changeOrders", "purchaseOrders", "scheduleTasks"):
        assert all(r["updatedAt"] < project_stamps[r["projectId"]] for r in state[kind])
    for selection in state["selections"]:
        assert (selection["status"] == "approved") == (selection["approvedAt"] is not None)


def test_schedule_tasks_form_predecessor_chains_with_consistent_dates():
    state = Portal("buildertrend", projects=2, tasks=12).state()
    tasks = {t["id"]: t for t in state["scheduleTasks"]}
    assert sum(1 for t in tasks.values() if not t["predecessorIds"]) == 2  # one root per project
    for task in tasks.values():
        assert task["startDate"] <= task["endDate"]
        for predecessor in task["predecessorIds"]:
            assert tasks[predecessor]["projectId"] == task["projectId"]
            assert tasks[predecessor]["endDate"] < task["startDate"]


def test_coconstruct_has_no_schedule_and_counts_follow_the_options():
    state = Portal(
        "coconstruct", projects=4, selections=2, change_orders=1, purchase_orders=3
    ).state()
    assert "scheduleTasks" not in state
    kinds = ("projects", "selections", "changeOrders", "purchaseOrders")
    assert [len(state[k]) for k in kinds] == [4, 8, 4, 12]
    assert all(len(co["lineItems"]) == 3 for co in state["changeOrders"])
