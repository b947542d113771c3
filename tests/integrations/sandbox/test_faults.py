"""The fault injector shared by every sandbox: rate limit, 503s, drops, runtime control."""

import asyncio
import logging

import pytest
from starlette.testclient import TestClient

from integrations.sandbox.builderbacked.requestlog import RequestLog
from integrations.sandbox.faults import INCOMPLETE, FaultMiddleware, Faults, RateLimiter

from .builderbacked_support import DIVISIONS, Sandbox, division, error


def faulty_sandbox(**faults) -> Sandbox:
    sandbox = Sandbox()
    sandbox.token()  # fetched while the sandbox is still clean
    sandbox.http.put("/_sandbox/faults", json=faults)
    return sandbox


def test_update_sets_known_fields_ignores_unknown_and_rejects_wrong_types():
    faults = Faults()
    faults.update({"error_rate": 0.5, "rate_limit": 3, "seed": 9, "colour": "red"})
    assert (faults.error_rate, faults.rate_limit, faults.seed) == (0.5, 3, 9)
    for bad in ({"error_rate": "half"}, {"drop_rate": True}, {"latency_ms": -1}, {"seed": 1.5}):
        with pytest.raises(ValueError, match="must be"):
            faults.update(bad)


def test_rate_limiter_allows_rate_per_window_then_names_seconds_to_the_next():
    limiter = RateLimiter()
    assert [limiter.retry_after(2, 10.2) for _ in range(3)] == [0, 0, 1]
    assert limiter.retry_after(2, 10.9) == 1
    assert limiter.retry_after(2, 11.0) == 0
    assert limiter.retry_after(0, 11.0) == 0  # 0 = unlimited


def test_rate_limited_requests_get_429_with_retry_after_and_are_logged():
    sandbox = faulty_sandbox(rate_limit=1)
    answers = [sandbox.post(DIVISIONS, division(f"DIV_{i}")) for i in range(5)]
    limited = [a for a in answers if a.status_code == 429]
    assert len(limited) >= 3  # five calls within a second cross at most one window
    assert limited[0].json() == error(429, "Too Many Requests", "Too many requests")
    assert limited[0].headers["retry-after"] == "1"
    records = [r for r in sandbox.log() if r["status"] == 429]
    assert len(records) == len(limited)
    assert all(r["retryAfter"] == 1 and r["retryAt"] == r["t"] + 1 for r in records)
    assert not any(r["created"] for r in records)
    assert len(sandbox.state()["divisions"]) == 5 - len(limited)


def test_summary_lists_repeats_sent_before_retry_at_and_double_creates():
    def record(t, status, external_id="DIV_001", created=False, method="POST"):
        retry = {"retryAfter": 2, "retryAt": t + 2} if status == 429 else {}
        return {
            "t": t,
            "method": method,
            "path": DIVISIONS,
            "status": status,
            "externalId": external_id,
            "created": created,
            **retry,
        }

    log = RequestLog(app=None)
    log.records.extend(
        [
            record(10.0, 429),
            record(11.0, 429),  # early: before 12.0
            record(11.5, 200, external_id="DIV_002", created=True),  # another request: fine
            record(12.5, 200, created=True),  # early for the 11.0 one (due 13.0)
            record(13.0, 200, external_id="DIV_002", created=True),  # created twice
        ]
    )
    summary = log.summary()
    assert [r["t"] for r in summary["earlyRetries"]] == [11.0, 12.5]
    assert summary["createdTwice"] == [{"path": DIVISIONS, "externalId": "DIV_002", "count": 2}]
    assert summary["byStatus"] == {"429": 2, "200": 3}


def test_error_rate_answers_503_in_the_contract_shape_and_creates_nothing():
    sandbox = faulty_sandbox(error_rate=1)
    answer = sandbox.post(DIVISIONS, division())
    body = error(503, "Service Unavailable", "Service temporarily unavailable")
    assert (answer.status_code, answer.json()) == (503, body)
    assert sandbox.state()["divisions"] == []
    assert sandbox.log()[-1]["status"] == 503


def test_sandbox_paths_are_never_faulted():
    sandbox = faulty_sandbox(error_rate=1, drop_rate=1, rate_limit=0.001)
    for _ in range(3):
        assert sandbox.http.get("/_sandbox/state").status_code == 200
        assert sandbox.http.post("/_sandbox/regions", json={"name": "Dayton"}).status_code == 200


def test_faults_are_read_and_changed_at_run_time():
    sandbox = faulty_sandbox()
    assert sandbox.http.get("/_sandbox/faults").json() == {
        "latency_ms": 0.0,
        "error_rate": 0.0,
        "drop_rate": 0.0,
        "rate_limit": 0.0,
        "seed": None,
        "drop_after": 0.5,
    }
    assert sandbox.http.put("/_sandbox/faults", json={"error_rate": 1}).json()["error_rate"] == 1
    assert sandbox.post(DIVISIONS, division()).status_code == 503
    sandbox.http.put("/_sandbox/faults", json={"error_rate": 0})
    assert sandbox.post(DIVISIONS, division()).status_code == 200


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"[1]", "the body must be a JSON object"), (b'{"rate_limit": "x"}', "'rate_limit' must")],
)
def test_bad_fault_settings_are_400(raw, message):
    answer = Sandbox().http.put("/_sandbox/faults", content=raw)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(message)


def test_a_seed_makes_faults_repeatable():
    def statuses():
        sandbox = faulty_sandbox(error_rate=0.5, seed=7)
        return [sandbox.get("/api/v2/locations/regions").status_code for _ in range(12)]

    first = statuses()
    assert first == statuses()
    assert set(first) == {200, 503}


def test_portal_sandboxes_get_their_own_error_shape():
    async def app(scope, receive, send):
        raise AssertionError("faulted requests never reach the app")

    faulted = FaultMiddleware(app, Faults(error_rate=1))

    async def portal(scope, receive, send):
        scope.setdefault("state", {})["error_style"] = "portal"
        await faulted(scope, receive, send)

    answer = TestClient(portal).get("/api/projects")
    assert answer.status_code == 503
    assert answer.json() == {
        "error": {"code": "unavailable", "message": "Service temporarily unavailable"}
    }


def drive(middleware, path="/api/thing"):
    """Run one request through ASGI and return the messages the server was asked to send."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": []}
    asyncio.run(middleware(scope, receive, send))
    return scope, sent


def counting_app():
    calls = []

    async def app(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app, calls


@pytest.mark.parametrize(("drop_after", "handled"), [(0, []), (1, ["/api/thing"])])
def test_a_drop_promises_a_body_and_never_sends_it(drop_after, handled):
    app, calls = counting_app()
    scope, sent = drive(FaultMiddleware(app, Faults(drop_rate=1, drop_after=drop_after)))
    assert calls == handled
    assert [m["type"] for m in sent] == ["http.response.start"]
    assert (b"content-length", b"1024") in sent[0]["headers"]
    assert scope["sandbox.drop"] == ("after" if drop_after else "before")


def test_uvicorns_complaint_about_intended_drops_is_hidden(caplog):
    FaultMiddleware(counting_app()[0])
    logger = logging.getLogger("uvicorn.error")
    assert not all(f.filter(logging.makeLogRecord({"msg": INCOMPLETE})) for f in logger.filters)
    assert all(f.filter(logging.makeLogRecord({"msg": "other"})) for f in logger.filters)
