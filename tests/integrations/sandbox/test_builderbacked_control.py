"""The Builder Backed sandbox's test-only `/_sandbox/` endpoints and its request log."""

import pytest

from .builderbacked_support import DIVISIONS, HOMES, Sandbox, division, error, home


@pytest.fixture
def sandbox():
    return Sandbox()


def test_sandbox_regions_adds_and_deactivates_regions(sandbox):
    assert sandbox.region("Dayton", True) == {
        "id": 3,
        "name": "Dayton",
        "builderId": 1,
        "active": True,
    }
    assert sandbox.ok("post", DIVISIONS, division(region="Dayton"))["active"] is True
    sandbox.region("Dayton", False)
    answer = sandbox.post(DIVISIONS, division("DIV_002", region="Dayton"))
    assert answer.json() == error(404, "Not Found", "Region 'Dayton' not found")
    regions = sandbox.get("/api/v2/locations/regions").json()
    assert [(r["name"], r["active"]) for r in regions][-1] == ("Dayton", False)


def test_sandbox_regions_rejects_a_bad_body(sandbox):
    answer = sandbox.http.post("/_sandbox/regions", json={"active": True})
    assert answer.json() == error(400, "Bad Request", "Field 'name' is required")
    answer = sandbox.http.post("/_sandbox/regions", json={"name": "Dayton", "active": "yes"})
    assert answer.json() == error(400, "Bad Request", "Invalid value for 'active' field")


def test_options_set_regions_and_builder_id():
    sandbox = Sandbox(regions="Dayton, Akron", builder_id=42)
    regions = sandbox.get("/api/v2/locations/regions").json()
    assert regions == [
        {"id": 1, "name": "Dayton", "builderId": 42, "active": True},
        {"id": 2, "name": "Akron", "builderId": 42, "active": True},
    ]
    assert sandbox.ok("post", DIVISIONS, division(region="Akron"))["builderId"] == 42


def test_reset_keeps_only_configured_regions_and_credentials(sandbox):
    sandbox.chain()
    sandbox.ok("post", HOMES, home())
    sandbox.region("Dayton", True)
    sandbox.region("Columbus", False)
    answer = sandbox.http.post("/_sandbox/reset")
    assert answer.status_code == 200
    assert sandbox.state() == {
        "regions": [
            {"id": 1, "name": "Cincinnati", "builderId": 1, "active": True},
            {"id": 2, "name": "Columbus", "builderId": 1, "active": True},
        ],
        "divisions": [],
        "masterCommunities": [],
        "neighborhoods": [],
        "homes": [],
    }
    assert sandbox.log() == []
    assert sandbox.ok("post", DIVISIONS, division())["id"] == 1  # the token still works


def test_state_dumps_records_in_api_shapes(sandbox):
    sandbox.chain()
    created = sandbox.ok("post", HOMES, home(homeowners=[{"email": "ann@example.com"}]))
    state = sandbox.state()
    assert state["divisions"] == [
        {**sandbox.ok("get", f"{DIVISIONS}/DIV_001"), "regionName": "Cincinnati"}
    ]
    assert state["masterCommunities"] == sandbox.get("/api/v2/locations/master-communities").json()
    assert state["neighborhoods"] == sandbox.get("/api/v2/locations/neighborhoods").json()
    assert state["homes"] == [created]


def test_request_log_records_each_api_request(sandbox):
    sandbox.chain()
    sandbox.post(DIVISIONS, division())
    sandbox.http.get("/_sandbox/state")
    log = sandbox.log()
    assert [(r["method"], r["path"], r["status"], r["externalId"], r["created"]) for r in log] == [
        ("POST", "/oauth2/token", 200, None, False),
        ("POST", DIVISIONS, 200, "DIV_001", True),
        ("POST", "/api/v2/locations/master-communities", 200, "MC_001", True),
        ("POST", "/api/v2/locations/neighborhoods", 200, "NH_001", True),
        ("POST", DIVISIONS, 409, "DIV_001", False),
    ]
    assert all(isinstance(r["t"], float) for r in log)
    assert log == sorted(log, key=lambda r: r["t"])
    assert {(r["drop"], r["retryAfter"], r["retryAt"]) for r in log} == {(None, None, None)}


def test_request_log_summary_counts_statuses(sandbox):
    sandbox.ok("post", DIVISIONS, division())
    sandbox.post(DIVISIONS, division())
    summary = sandbox.http.get("/_sandbox/requests/summary").json()
    assert summary == {
        "total": 3,
        "byStatus": {"200": 2, "409": 1},
        "createdTwice": [],
        "earlyRetries": [],
    }
