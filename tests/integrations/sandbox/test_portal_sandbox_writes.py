"""Writes: POSTs with Idempotency-Key and 201, portal-computed totals, field errors, task PATCH
rules (portals.md, "Resources", "Fine points"), and the project bump every child write causes."""

import pytest

from .portal_sandbox_support import Portal, error, error_of

LINE = {
    "description": "Quartz upgrade",
    "costCode": "12-3600",
    "quantity": "2",
    "unitCost": "150.00",
    "markupPercent": "10",
    "taxable": True,
}
CHANGE_ORDER = {
    "title": "Upgrade countertops",
    "description": "Quartz instead of laminate",
    "approvalStatus": "pending",
    "signatureRequired": True,
    "approvedBy": None,
    "deadline": "2026-12-15",
    "taxRate": "0.0725",
    "lineItems": [LINE, {**LINE, "quantity": "1.5", "unitCost": "99.99", "taxable": False}],
}
SELECTION = {
    "category": "Flooring",
    "title": "Great room flooring",
    "dueDate": "2027-01-10",
    "allowance": "2500.00",
    "options": [
        {"name": "White oak", "price": "2700.00", "vendor": "Floor & Decor"},
        {"name": "LVP", "price": "1800.00"},
    ],
}
PURCHASE_ORDER = {
    "vendor": {"name": "Bright Line Electric", "email": "dispatch@brightline.example"},
    "status": "issued",
    "scopeOfWork": "Rough electrical per plans",
    "lineItems": [
        {"description": "Labor", "costCode": "26-0500", "quantity": "3", "unitCost": "333.33"},
        {"description": "Wire", "costCode": "26-0500", "quantity": "2.5", "unitCost": "10.01"},
    ],
}


@pytest.fixture
def bt():
    return Portal("buildertrend", projects=3)


@pytest.fixture
def cc():
    return Portal("coconstruct", projects=3)


def first_project(portal: Portal) -> str:
    return portal.project_ids()[0]


def test_a_posted_change_order_gets_number_and_totals_from_the_portal(bt):
    project_id = first_project(bt)
    answer = bt.post(f"/projects/{project_id}/change-orders", {**CHANGE_ORDER, "total": "1.00"})
    assert answer.status_code == 201
    created = answer.json()
    # 300.00 + 30.00 markup + 23.925→23.93 tax; 1.5 * 99.99 = 149.985 → 149.99, +15.00 markup
    assert {k: created[k] for k in ("subtotal", "markupTotal", "taxTotal", "total")} == {
        "subtotal": "449.99",
        "markupTotal": "45.00",
        "taxTotal": "23.93",
        "total": "518.92",
    }
    assert created["number"] == "CO-004"  # three seeded before it
    assert (created["projectId"], created["approvedAt"], created["approvedBy"]) == (
        project_id,
        None,
        None,
    )
    assert created in bt.children("changeOrders", project_id)


def test_a_change_order_posted_as_approved_gets_approved_at(cc):
    project_id = first_project(cc)
    body = {**CHANGE_ORDER, "approvalStatus": "approved", "approvedBy": "Ava Harper"}
    created = cc.post(f"/projects/{project_id}/change-orders", body).json()
    assert created["approvedAt"] == created["updatedAt"]
    assert created["approvedBy"] == "Ava Harper"


def test_same_key_same_body_replays_the_first_answer_without_creating_again(bt):
    project_id = first_project(bt)
    path = f"/projects/{project_id}/change-orders"
    first = bt.post(path, CHANGE_ORDER, key="co-1")
    reordered = dict(reversed(list(CHANGE_ORDER.items())))  # key order is not part of "same body"
    again = bt.post(path, reordered, key="co-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert len(bt.children("changeOrders", project_id)) == 4


def test_same_key_different_body_is_409(bt):
    path = f"/projects/{first_project(bt)}/change-orders"
    bt.post(path, CHANGE_ORDER, key="co-1")
    answer = bt.post(path, {**CHANGE_ORDER, "title": "Something else"}, key="co-1")
    assert (answer.status_code, error_of(answer)) == (409, error("idempotency_key_reused"))


def test_a_post_without_idempotency_key_is_400_naming_it(bt):
    answer = bt.post(f"/projects/{first_project(bt)}/change-orders", CHANGE_ORDER, key=None)
    assert (answer.status_code, error_of(answer)) == (400, error("invalid", "Idempotency-Key"))


def test_a_refused_post_does_not_use_up_its_key(bt):
    path = f"/projects/{first_project(bt)}/change-orders"
    refused = bt.post(path, {**CHANGE_ORDER, "taxRate": 0.0725}, key="co-2")
    assert error_of(refused) == error("invalid", "taxRate")
    assert bt.post(path, CHANGE_ORDER, key="co-2").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"taxRate": "7.25%"}, "taxRate"),
        ({"approvalStatus": "maybe"}, "approvalStatus"),
        ({"deadline": "15/12/2026"}, "deadline"),
        ({"lineItems": []}, "lineItems"),
        ({"lineItems": [{**LINE, "quantity": 2}]}, "lineItems[0].quantity"),
        ({"lineItems": [LINE, {**LINE, "unitCost": "150"}]}, "lineItems[1].unitCost"),
        ({"lineItems": [{**LINE, "unitCost": 150.0}]}, "lineItems[0].unitCost"),
        ({"lineItems": [{**LINE, "taxable": "yes"}]}, "lineItems[0].taxable"),
        ({"lineItems": [{**LINE, "costCode": None}]}, "lineItems[0].costCode"),
    ],
)
def test_change_order_validation_names_the_field(bt, change, field):
    answer = bt.post(f"/projects/{first_project(bt)}/change-orders", {**CHANGE_ORDER, **change})
    assert (answer.status_code, error_of(answer)) == (400, error("invalid", field))


def test_a_posted_selection_is_pending_with_option_ids(bt):
    project_id = first_project(bt)
    answer = bt.post(f"/projects/{project_id}/selections", SELECTION)
    assert answer.status_code == 201
    created = answer.json()
    assert (created["status"], created["chosenOptionId"], created["approvedAt"]) == (
        "pending",
        None,
        None,
    )
    assert [o["name"] for o in created["options"]] == ["White oak", "LVP"]
    assert all(isinstance(o["id"], str) for o in created["options"])
    assert "vendor" not in created["options"][1]
    bad = bt.post(f"/projects/{project_id}/selections", {**SELECTION, "allowance": 2500}, key="k2")
    assert error_of(bad) == error("invalid", "allowance")


def test_a_posted_purchase_order_gets_number_and_total(cc):
    project_id = first_project(cc)
    answer = cc.post(f"/projects/{project_id}/purchase-orders", PURCHASE_ORDER)
    assert answer.status_code == 201
    created = answer.json()
    assert (created["number"], created["total"], created["status"]) == (
        "PO-003",
        "1025.02",
        "issued",
    )  # 999.99 + 25.025→25.03
    bad = {**PURCHASE_ORDER, "vendor": {"name": "X", "email": "not-an-email"}}
    answer = cc.post(f"/projects/{project_id}/purchase-orders", bad, key="k2")
    assert error_of(answer) == error("invalid", "vendor.email")


def test_posting_to_an_unknown_project_is_404(bt):
    answer = bt.post("/projects/424242/change-orders", CHANGE_ORDER)
    assert (answer.status_code, error_of(answer)) == (404, error("not_found"))


def tasks_of(portal: Portal) -> tuple[str, list[dict]]:
    project_id = first_project(portal)
    return project_id, portal.children("scheduleTasks", project_id)


def test_patch_changes_dates_progress_and_predecessors(bt):
    project_id, tasks = tasks_of(bt)
    task = tasks[4]
    body = {
        "startDate": "2027-03-01",
        "endDate": "2027-03-05",
        "progressPercent": 40,
        "predecessorIds": [tasks[0]["id"]],
    }
    answer = bt.patch(f"/projects/{project_id}/schedule/tasks/{task['id']}", body)
    assert answer.status_code == 200
    assert {k: answer.json()[k] for k in body} == body
    assert answer.json()["updatedAt"] > task["updatedAt"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endDate": "2000-01-01"}, "endDate"),
        ({"startDate": "2999-01-01"}, "startDate"),
        ({"progressPercent": 101}, "progressPercent"),
        ({"progressPercent": -1}, "progressPercent"),
        ({"progressPercent": 50.5}, "progressPercent"),
        ({"progressPercent": "50"}, "progressPercent"),
        ({"progressPercent": True}, "progressPercent"),
        ({"predecessorIds": ["no-such-task"]}, "predecessorIds"),
        ({"predecessorIds": "50000010001"}, "predecessorIds"),
        ({"title": "Renamed"}, "title"),
        ({"startDate": "March 1"}, "startDate"),
    ],
)
def test_patch_validation_names_the_field(bt, body, field):
    project_id, tasks = tasks_of(bt)
    answer = bt.patch(f"/projects/{project_id}/schedule/tasks/{tasks[3]['id']}", body)
    assert (answer.status_code, error_of(answer)) == (400, error("invalid", field))


def test_patch_refuses_dependency_cycles_direct_and_indirect(bt):
    project_id, tasks = tasks_of(bt)
    first, third = tasks[0], tasks[2]
    assert bt.patch(f"/projects/{project_id}/schedule/tasks/{first['id']}", {}).status_code == 200
    for body in (
        {"predecessorIds": [first["id"]]},  # self
        {"predecessorIds": [third["id"]]},  # 1 ← 2 ← 3 already; 3 → 1 closes the loop
    ):
        answer = bt.patch(f"/projects/{project_id}/schedule/tasks/{first['id']}", body)
        assert (answer.status_code, error_of(answer)) == (400, error("invalid", "predecessorIds"))
    unchanged = bt.children("scheduleTasks", project_id)[0]
    assert unchanged == first


def test_patch_refuses_a_task_of_another_project_as_predecessor(bt):
    project_id, tasks = tasks_of(bt)
    other = bt.children("scheduleTasks", bt.project_ids()[1])[0]
    answer = bt.patch(
        f"/projects/{project_id}/schedule/tasks/{tasks[1]['id']}", {"predecessorIds": [other["id"]]}
    )
    assert error_of(answer) == error("invalid", "predecessorIds")
    wrong_path = bt.patch(
        f"/projects/{project_id}/schedule/tasks/{other['id']}", {"progressPercent": 1}
    )
    assert (wrong_path.status_code, error_of(wrong_path)) == (404, error("not_found"))


def test_every_child_write_bumps_its_project_to_the_same_instant(bt):
    project_id, tasks = tasks_of(bt)
    writes = [
        lambda: bt.patch(
            f"/projects/{project_id}/schedule/tasks/{tasks[5]['id']}", {"progressPercent": 55}
        ),
        lambda: bt.post(f"/projects/{project_id}/change-orders", CHANGE_ORDER, key="bump-1"),
        lambda: bt.post(f"/projects/{project_id}/selections", SELECTION, key="bump-2"),
    ]
    stamps = []
    for write in writes:
        answer = write()
        assert answer.status_code in (200, 201), answer.text
        project = next(p for p in bt.walk("/projects") if p["id"] == project_id)
        assert project["updatedAt"] == answer.json()["updatedAt"]
        stamps.append(answer.json()["updatedAt"])
    assert stamps == sorted(set(stamps))  # the clock only moves forward
    changed = bt.walk("/projects", updatedSince=stamps[0])
    assert [p["id"] for p in changed] == [project_id]


def test_the_request_log_shows_each_requests_idempotency_key(bt):
    project_id = bt.project_ids()[0]
    bt.http.delete("/_sandbox/requests")

    bt.post(f"/projects/{project_id}/change-orders", CHANGE_ORDER, key="co-key-1")
    bt.post(f"/projects/{project_id}/change-orders", CHANGE_ORDER, key="co-key-1")  # a retry
    bt.get(f"/projects/{project_id}/change-orders")

    log = bt.http.get("/_sandbox/requests").json()["data"]
    assert [(e["method"], e["status"], e["idempotency_key"]) for e in log] == [
        ("POST", 201, "co-key-1"),
        ("POST", 201, "co-key-1"),
        ("GET", 200, None),
    ]
    titles = [r["title"] for r in bt.state()["changeOrders"]]
    assert titles.count(CHANGE_ORDER["title"]) == 1  # the retry was answered, not created
