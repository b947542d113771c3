"""The Builder Backed sandbox over real sockets, served by `manage.py sandbox builderbacked`:
dropped connections, rate limiting with Retry-After, token expiry, and throughput."""

import time
from contextlib import contextmanager

import httpx
import pytest

from tests.fixtures.processes import wait_until

from .builderbacked_support import CLIENT, DIVISIONS, division, error

pytestmark = pytest.mark.e2e


@contextmanager
def connect(base_url: str):
    """Yield a keep-alive client carrying a fresh token for every scope."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        form = {"grant_type": "client_credentials"}
        answer = client.post("/oauth2/token", data=form, auth=CLIENT)
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield client


def set_faults(client: httpx.Client, **faults) -> None:
    assert client.put("/_sandbox/faults", json=faults).status_code == 200


def refused(answer: httpx.Response) -> httpx.Response | None:
    return answer if answer.status_code == 401 else None


def test_the_demo_command_serves_with_defaults(run_sandbox):
    with connect(run_sandbox("builderbacked")) as client:
        regions = client.get("/api/v2/locations/regions").json()
    assert [(r["id"], r["name"], r["active"]) for r in regions] == [
        (1, "Cincinnati", True),
        (2, "Columbus", True),
    ]


def test_a_drop_after_handling_creates_the_record_the_client_never_heard_of(run_sandbox):
    with connect(run_sandbox("builderbacked")) as client:
        set_faults(client, drop_rate=1, drop_after=1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(DIVISIONS, json=division())
        set_faults(client, drop_rate=0)
        retried = client.post(DIVISIONS, json=division())
        message = "A location with external ID 'DIV_001' already exists"
        assert (retried.status_code, retried.json()) == (409, error(409, "Conflict", message))
        assert client.put(DIVISIONS, json=division(name="Upserted")).status_code == 200
        state = client.get("/_sandbox/state").json()
        log = client.get("/_sandbox/requests").json()[1:]  # after the token request
    assert [d["name"] for d in state["divisions"]] == ["Upserted"]
    assert [(r["status"], r["drop"], r["created"]) for r in log] == [
        ("dropped", "after", True),
        (409, None, False),
        (200, None, False),
    ]


def test_a_drop_before_handling_creates_nothing(run_sandbox):
    with connect(run_sandbox("builderbacked")) as client:
        set_faults(client, drop_rate=1, drop_after=0)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(DIVISIONS, json=division())
        set_faults(client, drop_rate=0)
        assert client.get("/_sandbox/state").json()["divisions"] == []
        assert client.post(DIVISIONS, json=division()).status_code == 200
        log = client.get("/_sandbox/requests").json()
    assert (log[1]["status"], log[1]["drop"], log[1]["created"]) == ("dropped", "before", False)


def test_rate_limit_answers_429_until_retry_after_has_passed(run_sandbox):
    with connect(run_sandbox("builderbacked", "--rate-limit", "2")) as client:
        answers = [client.get("/api/v2/locations/regions") for _ in range(6)]
        limited = [a for a in answers if a.status_code == 429]
        assert limited, "six calls in well under a second must exceed 2 per second"
        wait = int(limited[-1].headers["retry-after"])
        assert wait >= 1
        time.sleep(wait)
        assert client.get("/api/v2/locations/regions").status_code == 200
        log = client.get("/_sandbox/requests").json()
    records = [r for r in log if r["status"] == 429]
    assert len(records) == len(limited)
    assert all(r["retryAt"] == r["t"] + r["retryAfter"] for r in records)


def test_tokens_expire_after_their_lifetime(run_sandbox):
    base_url = run_sandbox("builderbacked", "--token-lifetime", "1")
    with httpx.Client(base_url=base_url) as client:
        form = {"grant_type": "client_credentials", "scope": "location.write"}
        token = client.post("/oauth2/token", data=form, auth=CLIENT).json()
        assert (token["expires_in"], token["scope"]) == (1, "location.write")
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        assert client.get(DIVISIONS).status_code == 200
        answer = wait_until(lambda: refused(client.get(DIVISIONS)), timeout=5)
    message = "Invalid or missing authentication token"
    assert (answer.status_code, answer.json()) == (401, error(401, "Unauthorized", message))


def test_serves_hundreds_of_keep_alive_requests(run_sandbox):
    with connect(run_sandbox("builderbacked")) as client:
        assert client.post(DIVISIONS, json=division()).status_code == 200
        statuses = [client.get(f"{DIVISIONS}/DIV_001").status_code for _ in range(400)]
        logged = client.get("/_sandbox/requests/summary").json()
    assert statuses.count(200) == 400
    assert logged["byStatus"] == {"200": 402}
