"""Portal client: sessions (login, MFA, refresh, re-login), idempotency, pages, NotSupported."""

import datetime as dt
import logging
import uuid

import httpx
import pytest

from integrations import errors
from integrations.portals.buildertrend.client import BuildertrendClient
from integrations.portals.client import PortalClient
from integrations.portals.coconstruct.client import CoConstructClient
from integrations.portals.registry import portal_client_class
from integrations.portals.session import CacheSessionStore
from integrations.portals.totp import totp
from tests.integrations.http_fakes import FakeTime, Wire, reply, sent_json

BASE = "https://layer.example.test/t/buildertrend"
PASSWORD = "hunter2-Portal-Password"
MFA_SECRET = "JBSWY3DPEHPK3PXP"


def session_reply(access="a1", refresh="r1", expires_in=900):
    body = {"accessToken": access, "refreshToken": refresh, "tokenType": "Bearer"}
    return reply(200, {**body, "expiresIn": expires_in})


def page(records, next_cursor=None):
    return reply(200, {"data": records, "nextCursor": next_cursor})


def portal_error(status, code, message="Nope", field=None):
    error = {"code": code, "message": message, **({"field": field} if field else {})}
    return reply(status, {"error": error})


def make_client(wire, fake=None, cls=PortalClient, **options):
    fake = fake or FakeTime()
    defaults = {
        "session_store": CacheSessionStore(),
        "connection_key": "conn-1",
        "timeout": 5,
        "transport": wire.transport,
        "retry": fake.policy(),
        "clock": fake.clock,
    }
    return cls(BASE, "ops@builder.test", PASSWORD, **{**defaults, **options})


class TestSession:
    def test_logs_in_then_calls_with_the_bearer_token(self):
        wire = Wire(session_reply(), page([{"id": "p1"}]))

        assert list(make_client(wire).list_projects()) == [{"id": "p1"}]

        login, call = wire.requests
        assert (login.method, str(login.url)) == ("POST", f"{BASE}/sessions")
        assert sent_json(login) == {"username": "ops@builder.test", "password": PASSWORD}
        assert "Authorization" not in login.headers
        assert uuid.UUID(login.headers["Idempotency-Key"]).version == 4
        assert login.extensions["timeout"]["read"] == 5
        assert (call.method, str(call.url)) == ("GET", f"{BASE}/projects?limit=500")
        assert call.headers["Authorization"] == "Bearer a1"

    def test_sends_the_current_totp_code_when_an_mfa_secret_is_set(self):
        fake = FakeTime(now=1_700_000_000.0)
        wire = Wire(session_reply(), page([]))

        list(make_client(wire, fake, mfa_secret=MFA_SECRET).list_projects())

        assert sent_json(wire.requests[0])["mfaCode"] == totp(MFA_SECRET, at=fake.now)

    @pytest.mark.parametrize(
        ("code", "options"), [("invalid_credentials", {}), ("mfa_required", {"mfa_secret": None})]
    )
    def test_refused_login_raises_unauthorized_with_its_code(self, code, options):
        wire = Wire(portal_error(401, code))

        with pytest.raises(errors.Unauthorized) as caught:
            list(make_client(wire, **options).list_projects())

        assert caught.value.code == code
        assert wire.paths() == ["POST /t/buildertrend/sessions"]

    @pytest.mark.parametrize("code", ["invalid_credentials", "mfa_required"])
    def test_a_refused_login_pauses_the_connection_not_the_others(self, code):
        # Issue 10: a refused login is not hammered — every worker is held back (one probe a
        # minute), while another connection's login goes on as usual.
        wire = Wire(portal_error(401, code, "Wrong username or password"))
        first = make_client(wire)

        with pytest.raises(errors.CredentialsRejected):
            list(first.list_projects())
        for client in (first, make_client(wire)):
            with pytest.raises(errors.CircuitOpen, match="rejected our credentials"):
                list(client.list_projects())
        assert wire.paths() == ["POST /t/buildertrend/sessions"]
        assert "password and MFA secret" in first.breaker.state()["hint"]

        wire.add(session_reply(), page([]))
        other = make_client(wire, connection_key="conn-2")
        assert list(other.list_projects()) == []

    def test_workers_share_one_session_through_the_store(self):
        wire = Wire(session_reply(), page([]), page([]))

        list(make_client(wire).list_projects())
        list(make_client(wire).list_projects())

        assert wire.paths().count("POST /t/buildertrend/sessions") == 1

    def test_different_connections_keep_separate_sessions(self):
        wire = Wire(session_reply("a1"), page([]), session_reply("b1"), page([]))

        list(make_client(wire, connection_key="conn-1").list_projects())
        list(make_client(wire, connection_key="conn-2").list_projects())

        assert wire.requests[3].headers["Authorization"] == "Bearer b1"

    def test_refreshes_shortly_before_expiry_with_the_rotating_refresh_token(self):
        fake = FakeTime()
        wire = Wire(session_reply("a1", "r1"), page([]))
        client = make_client(wire, fake)
        list(client.list_projects())

        fake.now += 900 - 60  # inside the last minute of a 15-minute session
        wire.add(session_reply("a2", "r2"), page([]))
        list(client.list_projects())

        refresh = wire.requests[2]
        assert (refresh.method, refresh.url.path) == ("POST", "/t/buildertrend/sessions/refresh")
        assert sent_json(refresh) == {"refreshToken": "r1"}
        assert wire.requests[3].headers["Authorization"] == "Bearer a2"
        assert client.session.load().refresh_token == "r2"

    def test_logs_in_again_when_the_refresh_token_is_refused(self):
        fake = FakeTime()
        wire = Wire(session_reply("a1", "r1"), page([]))
        client = make_client(wire, fake)
        list(client.list_projects())

        fake.now += 3600
        wire.add(portal_error(401, "invalid_token"), session_reply("a2", "r2"), page([]))
        list(client.list_projects())

        assert wire.paths()[2:] == [
            "POST /t/buildertrend/sessions/refresh",
            "POST /t/buildertrend/sessions",
            "GET /t/buildertrend/projects",
        ]
        assert wire.requests[4].headers["Authorization"] == "Bearer a2"

    def test_a_session_that_expires_mid_run_is_renewed_and_the_run_completes(self):
        wire = Wire(
            session_reply("a1", "r1"),
            page([{"id": "p1"}], "c2"),
            portal_error(401, "unauthorized"),
            session_reply("a2", "r2"),
            page([{"id": "p2"}]),
        )
        client = make_client(wire)

        assert [p["id"] for p in client.list_projects()] == ["p1", "p2"]

        assert wire.paths()[2:] == [
            "GET /t/buildertrend/projects",
            "POST /t/buildertrend/sessions/refresh",
            "GET /t/buildertrend/projects",
        ]
        assert wire.requests[4].url.params["cursor"] == "c2"
        assert wire.requests[4].headers["Authorization"] == "Bearer a2"
        assert client.request_count == 5

    def test_a_second_401_raises_unauthorized(self):
        wire = Wire(
            session_reply("a1"), reply(401), session_reply("a2"), portal_error(401, "forbidden")
        )

        with pytest.raises(errors.Unauthorized):
            list(make_client(wire).list_projects())
        assert len(wire.requests) == 4

    def test_401_uses_a_session_another_worker_already_renewed(self):
        store = CacheSessionStore()
        renewed = {"access_token": "a9", "refresh_token": "r9", "renew_at": 10**10}

        def renewed_elsewhere(request):
            store.set("conn-1", renewed)
            return reply(401)

        wire = Wire(session_reply("a1"), renewed_elsewhere, page([]))

        list(make_client(wire, session_store=store).list_projects())

        assert wire.requests[2].headers["Authorization"] == "Bearer a9"
        assert len(wire.requests) == 3


class TestPosts:
    def test_every_post_carries_an_idempotency_key_reused_on_retries(self):
        fake = FakeTime()
        wire = Wire(
            session_reply(),
            reply(503),
            httpx.ReadTimeout("lost answer"),
            reply(201, {"id": "co1", "total": "165.00"}),
        )
        body = {"title": "Upgrade", "lineItems": []}

        result = make_client(wire, fake).create_change_order("p 1", body)

        assert result == {"id": "co1", "total": "165.00"}
        posts = wire.requests[1:]
        assert [r.url.raw_path for r in posts] == [
            b"/t/buildertrend/projects/p%201/change-orders"
        ] * 3
        keys = {r.headers["Idempotency-Key"] for r in posts}
        assert len(keys) == 1
        assert uuid.UUID(keys.pop()).version == 4
        assert all(sent_json(r) == body for r in posts)
        assert len(fake.sleeps) == 2

    def test_a_caller_given_key_is_used_for_replays(self):
        wire = Wire(session_reply(), reply(201, {"id": "s1"}))

        make_client(wire).create_selection("p1", {"title": "Tile"}, idempotency_key="sel-42")

        assert wire.requests[1].headers["Idempotency-Key"] == "sel-42"
        assert wire.requests[1].url.path == "/t/buildertrend/projects/p1/selections"

    def test_each_create_gets_its_own_key(self):
        wire = Wire(session_reply(), reply(201, {}), reply(201, {}))
        client = make_client(wire)

        client.create_purchase_order("p1", {"scopeOfWork": "Framing"})
        client.create_purchase_order("p1", {"scopeOfWork": "Framing"})

        assert (
            wire.requests[1].headers["Idempotency-Key"]
            != wire.requests[2].headers["Idempotency-Key"]
        )

    def test_update_schedule_task_patches_the_changes(self):
        wire = Wire(session_reply(), reply(200, {"id": "t1", "progressPercent": 50}))

        make_client(wire).update_schedule_task("p1", "t/1", {"progressPercent": 50})

        request = wire.requests[1]
        assert request.method == "PATCH"
        assert request.url.raw_path == b"/t/buildertrend/projects/p1/schedule/tasks/t%2F1"
        assert sent_json(request) == {"progressPercent": 50}


class TestPages:
    def test_follows_cursors_until_null_and_yields_each_page(self):
        wire = Wire(session_reply(), page([{"id": 1}, {"id": 2}], "c2"), page([{"id": 3}], "c3"))
        wire.add(page([]))
        client = make_client(wire)

        pages = list(client.iter_pages("/projects/p1/selections", {"updatedSince": "x"}))

        assert pages == [[{"id": 1}, {"id": 2}], [{"id": 3}], []]
        params = [dict(r.url.params) for r in wire.requests[1:]]
        assert params == [
            {"limit": "500", "updatedSince": "x"},
            {"limit": "500", "updatedSince": "x", "cursor": "c2"},
            {"limit": "500", "updatedSince": "x", "cursor": "c3"},
        ]
        assert client.request_count == 4

    def test_list_filters_are_sent_in_the_contract_format(self):
        wire = Wire(session_reply(), page([]))
        since = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

        list(make_client(wire, page_limit=100).list_projects(updated_since=since, status="open"))

        assert dict(wire.requests[1].url.params) == {
            "limit": "100",
            "status": "open",
            "updatedSince": "2025-03-01T14:30:00Z",
        }

    @pytest.mark.parametrize(
        ("call", "path"),
        [
            (lambda c: c.list_selections("p1"), "/projects/p1/selections"),
            (lambda c: c.list_change_orders("p1"), "/projects/p1/change-orders"),
            (lambda c: c.list_purchase_orders("p1"), "/projects/p1/purchase-orders"),
            (lambda c: c.list_schedule_tasks("p1"), "/projects/p1/schedule/tasks"),
        ],
    )
    def test_each_list_reads_its_path(self, call, path):
        wire = Wire(session_reply(), page([{"id": "x"}]))

        assert list(call(make_client(wire))) == [{"id": "x"}]
        assert wire.requests[1].url.path == f"/t/buildertrend{path}"

    def test_naive_updated_since_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            make_client(Wire()).list_projects(updated_since=dt.datetime(2025, 1, 1))

    def test_unknown_status_is_refused(self):
        with pytest.raises(ValueError, match="status"):
            make_client(Wire()).list_projects(status="archived")


BUILDERTREND_ONLY = [
    ("create_selection", lambda c: c.create_selection("p1", {})),
    ("list_schedule_tasks", lambda c: c.list_schedule_tasks("p1")),
    ("update_schedule_task", lambda c: c.update_schedule_task("p1", "t1", {})),
]
COCONSTRUCT_ONLY = [("create_purchase_order", lambda c: c.create_purchase_order("p1", {}))]


class TestNotSupported:
    @pytest.mark.parametrize(
        ("cls", "operation", "call"),
        [(CoConstructClient, *case) for case in BUILDERTREND_ONLY]
        + [(BuildertrendClient, *case) for case in COCONSTRUCT_ONLY],
    )
    def test_an_operation_the_portal_lacks_fails_without_a_request(self, cls, operation, call):
        wire = Wire()

        with pytest.raises(errors.NotSupported, match=operation):
            call(make_client(wire, cls=cls))

        assert wire.requests == []

    @pytest.mark.parametrize(
        ("cls", "call"),
        [(BuildertrendClient, case[1]) for case in BUILDERTREND_ONLY]
        + [(CoConstructClient, case[1]) for case in COCONSTRUCT_ONLY],
    )
    def test_an_operation_the_portal_offers_is_sent(self, cls, call):
        wire = Wire(session_reply(), reply(201, {"data": [], "nextCursor": None}))

        result = call(make_client(wire, cls=cls))
        if not isinstance(result, dict):
            list(result)  # a list pulls lazily

        assert len(wire.requests) == 2

    def test_offers_follow_the_contract_table(self):
        assert BuildertrendClient.offers - CoConstructClient.offers == {
            "create_selection",
            "list_schedule_tasks",
            "update_schedule_task",
        }
        assert CoConstructClient.offers - BuildertrendClient.offers == {"create_purchase_order"}

    def test_404_not_supported_from_the_layer_maps_to_the_same_error(self):
        wire = Wire(session_reply(), portal_error(404, "not_supported", "Not offered"))

        with pytest.raises(errors.NotSupported, match="Not offered"):
            list(make_client(wire).list_schedule_tasks("p1"))


class TestErrors:
    def test_validation_error_names_its_field(self):
        wire = Wire(session_reply(), portal_error(400, "invalid", "End before start", "endDate"))

        with pytest.raises(errors.ValidationFailed) as caught:
            make_client(wire).update_schedule_task("p1", "t1", {"endDate": "2020-01-01"})

        assert (caught.value.code, caught.value.field) == ("invalid", "endDate")

    @pytest.mark.parametrize(
        ("status", "error_class"),
        [(403, errors.Forbidden), (404, errors.NotFound), (409, errors.Conflict)],
    )
    def test_status_maps_to_its_class(self, status, error_class):
        wire = Wire(session_reply(), portal_error(status, "some_code"))

        with pytest.raises(error_class):
            make_client(wire).create_change_order("p1", {})

    def test_429_on_a_post_waits_retry_after_and_keeps_the_key(self):
        fake = FakeTime()
        limited = portal_error(429, "rate_limited")
        limited.headers["Retry-After"] = "4"
        wire = Wire(session_reply(), limited, reply(201, {"id": "x"}))

        make_client(wire, fake).create_change_order("p1", {})

        assert fake.sleeps[0] >= 4
        assert (
            wire.requests[1].headers["Idempotency-Key"]
            == wire.requests[2].headers["Idempotency-Key"]
        )

    def test_a_page_that_is_not_a_page_fails_clearly(self):
        wire = Wire(session_reply(), reply(200, [{"id": 1}]))

        with pytest.raises(errors.ApiError, match="not a page"):
            list(make_client(wire).list_projects())


def test_portal_client_class_finds_each_portal():
    assert portal_client_class("buildertrend") is BuildertrendClient
    assert portal_client_class("coconstruct") is CoConstructClient
    with pytest.raises(ValueError, match="unknown portal"):
        portal_client_class("procore")


def test_password_mfa_codes_and_tokens_never_reach_logs_or_errors(caplog):
    caplog.set_level(logging.DEBUG)
    fake = FakeTime(now=1_700_000_000.0)
    code = totp(MFA_SECRET, at=fake.now)
    wire = Wire(
        session_reply("access-tok-1", "refresh-tok-1"),
        reply(401),
        portal_error(401, "invalid_token"),
        portal_error(401, "mfa_required", "MFA code required"),
    )
    client = make_client(wire, fake, mfa_secret=MFA_SECRET)

    with pytest.raises(errors.Unauthorized) as caught:
        list(client.list_projects())

    shown = caplog.text + str(caught.value) + repr(client) + repr(client.session)
    for secret in (PASSWORD, MFA_SECRET, code, "access-tok-1", "refresh-tok-1", "Bearer"):
        assert secret not in shown
    assert "/sessions" in caplog.text


def test_threads_sharing_a_client_refresh_an_expired_session_once():
    """The refresh token rotates: concurrent refreshes would all but one be refused."""
    import threading
    import time as real_time

    seen = []
    lock = threading.Lock()

    def answer(request):
        with lock:
            seen.append(request.url.path)
        if request.url.path.endswith("/sessions/refresh"):
            real_time.sleep(0.05)  # give the other threads time to pile up behind the lock
            return session_reply("a2", "r2")
        assert request.headers["Authorization"] == "Bearer a2"
        return page([{"id": "p1"}])

    client = make_client(Wire(), transport=httpx.MockTransport(answer))
    CacheSessionStore().set(
        client.session.key, {"access_token": "a1", "refresh_token": "r1", "renew_at": 0}
    )
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(list(client.list_projects())))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [[{"id": "p1"}]] * 6
    assert seen.count("/t/buildertrend/sessions/refresh") == 1
    assert client.request_count == 7
