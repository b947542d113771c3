"""The portal sandboxes send webhooks as the contract says (portals.md, "Webhooks (decided here)"),
checked by a bare HTTP receiver, independently of our endpoint."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

pytestmark = pytest.mark.e2e
SECRET = "sandbox-test-secret"


@pytest.fixture
def receiver():
    """Serve a receiver on loopback that records every POST and answers 202."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def wait_for(received: list, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(received) >= count


def test_each_change_is_announced_signed_over_timestamp_and_body(run_sandbox, receiver):
    url, received = receiver
    base = run_sandbox("buildertrend", "--projects", "3")
    httpx.post(f"{base}/_sandbox/webhooks", json={"url": url, "secret": SECRET}, timeout=10)
    mutation = httpx.post(
        f"{base}/_sandbox/mutate",
        json={"projects": 1, "approve": 1, "edit": 1, "decline": 0, "delete": 0, "create": 0},
        timeout=10,
    ).json()
    touched = [i for past in ("approved", "edited") for ids in mutation[past].values() for i in ids]
    wait_for(received, len(touched))
    events = []
    for headers, body in received:
        timestamp = headers["X-Timestamp"]
        assert abs(int(timestamp) - time.time()) < 60
        digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        assert headers["X-Signature"] == "sha256=" + digest.hexdigest()
        events.append(json.loads(body))
    assert sorted(e["objectId"] for e in events) == sorted(touched)
    assert len({e["eventId"] for e in events}) == len(events)
    assert all(
        set(e) == {"eventId", "event", "projectId", "objectId", "occurredAt"} for e in events
    )
    assert any(e["event"].endswith(".approved") for e in events)


def test_a_redelivery_resends_the_same_event_newly_signed(run_sandbox, receiver):
    url, received = receiver
    base = run_sandbox("coconstruct", "--projects", "2")
    httpx.post(f"{base}/_sandbox/webhooks", json={"url": url, "secret": SECRET}, timeout=10)
    sent = httpx.post(
        f"{base}/_sandbox/webhooks/send",
        json={"event": "change_order.approved", "projectId": "p1", "objectId": "c1"},
        timeout=10,
    ).json()["deliveries"][0]
    again = httpx.post(
        f"{base}/_sandbox/webhooks/redeliver",
        json={"eventId": sent["eventId"], "times": 2, "timestamp": 1_700_000_000},
        timeout=10,
    ).json()["deliveries"]
    assert [d["status"] for d in [sent, *again]] == [202, 202, 202]
    (_, first), *replays = received
    for headers, body in replays:
        assert body == first
        assert headers["X-Timestamp"] == "1700000000"
    log = httpx.get(f"{base}/_sandbox/webhooks", timeout=10).json()
    assert [d["eventId"] for d in log["deliveries"]] == [sent["eventId"]] * 3
