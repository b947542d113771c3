"""Builder Backed client: tokens, the exact request per endpoint, errors read the contract's way."""

import base64
import logging
import time
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from integrations import errors
from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.references import (
    Duplicate,
    Level,
    Reference,
    already_exists,
    missing_reference,
)
from tests.integrations.http_fakes import FakeTime, Wire, reply, sent_json

BASE = "https://bb.example.test"
TOKEN_URL = "https://bb.example.test/oauth2/token"
SECRET = "s3cret-Client-Secret"


def token_reply(token="tok-1", expires_in=3600):
    return reply(
        200,
        {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "x"},
    )


def make_client(wire: Wire, fake: FakeTime | None = None, **options) -> BuilderBackedClient:
    fake = fake or FakeTime()
    defaults = {
        "base_url": BASE,
        "token_url": TOKEN_URL,
        "client_id": "builder-42",
        "client_secret": SECRET,
        "scopes": ["location.write", "home.write"],
        "timeout": 5,
        "transport": wire.transport,
        "retry": fake.policy(),
    }
    return BuilderBackedClient(**{**defaults, **options})


def bb_error(status, message):
    reasons = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}
    return reply(
        status, {"status": status, "error": reasons.get(status, "Error"), "message": message}
    )


class TestToken:
    def test_fetches_a_token_with_client_credentials_then_calls_with_bearer(self):
        wire = Wire(token_reply(), reply(200, []))

        assert make_client(wire).list_regions() == []

        token_call, api_call = wire.requests
        assert token_call.method == "POST"
        assert str(token_call.url) == TOKEN_URL
        expected_basic = base64.b64encode(f"builder-42:{SECRET}".encode()).decode()
        assert token_call.headers["Authorization"] == f"Basic {expected_basic}"
        assert token_call.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert parse_qs(token_call.content.decode()) == {
            "grant_type": ["client_credentials"],
            "scope": ["location.write home.write"],
        }
        assert token_call.extensions["timeout"]["read"] == 5
        assert api_call.method == "GET"
        assert str(api_call.url) == f"{BASE}/api/v2/locations/regions"
        assert api_call.headers["Authorization"] == "Bearer tok-1"

    def test_basic_credentials_are_form_encoded_first(self):
        wire = Wire(token_reply(), reply(200, []))

        make_client(wire, client_id="id:with space", client_secret="p@ss:w/rd").list_regions()

        encoded = wire.requests[0].headers["Authorization"].removeprefix("Basic ")
        assert base64.b64decode(encoded).decode() == "id%3Awith+space:p%40ss%3Aw%2Frd"

    def test_token_is_shared_by_client_instances_through_the_cache(self):
        wire = Wire(token_reply(), reply(200, []), reply(200, []))

        make_client(wire).list_regions()
        make_client(wire).list_regions()

        assert wire.paths() == [
            "POST /oauth2/token",
            "GET /api/v2/locations/regions",
            "GET /api/v2/locations/regions",
        ]

    def test_cache_key_names_url_client_and_scopes_but_not_the_secret(self):
        client = make_client(Wire())
        other_scopes = make_client(Wire(), scopes=["home.write"])
        other_secret = make_client(Wire(), client_secret="rotated")

        assert SECRET not in client.auth.cache_key
        assert client.auth.cache_key != other_scopes.auth.cache_key
        assert client.auth.cache_key == other_secret.auth.cache_key

    @pytest.mark.parametrize(("expires_in", "reuse"), [(3600, 3540), (5, 4.5)])
    def test_token_is_reused_until_shortly_before_it_expires(self, expires_in, reuse):
        stored = {}

        class SpyCache:
            def get(self, key):
                return None

            def set(self, key, value, timeout):
                stored[key] = (value, timeout)

            def add(self, key, value, timeout):  # the cross-process fetch lock
                return True

            def delete(self, key):
                pass

        wire = Wire(token_reply(expires_in=expires_in), reply(200, []))
        client = make_client(wire, cache=SpyCache())

        before = time.time()
        client.list_regions()

        (entry, timeout), *_ = stored.values()
        assert list(stored) == [client.auth.cache_key]
        assert entry["token"] == "tok-1"
        assert entry["renew_at"] - before == pytest.approx(reuse, abs=0.5)
        assert timeout == expires_in  # the entry outlives its reuse; renew_at decides

    def test_401_drops_the_token_fetches_a_new_one_and_retries_once(self):
        wire = Wire(token_reply("old"), reply(401), token_reply("new"), reply(200, []))
        client = make_client(wire)

        assert client.list_regions() == []

        assert wire.paths() == [
            "POST /oauth2/token",
            "GET /api/v2/locations/regions",
            "POST /oauth2/token",
            "GET /api/v2/locations/regions",
        ]
        assert wire.requests[3].headers["Authorization"] == "Bearer new"
        assert cache.get(client.auth.cache_key)["token"] == "new"

    def test_a_second_401_raises_unauthorized(self):
        rejected = bb_error(401, "Invalid or missing authentication token")
        wire = Wire(token_reply("a"), rejected, token_reply("b"), rejected)

        with pytest.raises(errors.Unauthorized, match="Invalid or missing authentication token"):
            make_client(wire).list_regions()
        assert len(wire.requests) == 4

    def test_401_uses_a_token_another_process_already_renewed(self):
        client = make_client(Wire())

        def expire_and_renew_elsewhere(request):
            cache.set(client.auth.cache_key, "renewed-elsewhere")
            return reply(401)

        wire = Wire(token_reply("old"), expire_and_renew_elsewhere, reply(200, []))
        client = make_client(wire)

        client.list_regions()

        assert wire.paths().count("POST /oauth2/token") == 1
        assert wire.requests[2].headers["Authorization"] == "Bearer renewed-elsewhere"

    @pytest.mark.parametrize(
        ("status", "code", "error_class"),
        [
            (401, "invalid_client", errors.Unauthorized),
            (400, "invalid_scope", errors.ValidationFailed),
            (400, "unsupported_grant_type", errors.ValidationFailed),
        ],
    )
    def test_token_endpoint_errors_follow_rfc_6749(self, status, code, error_class):
        wire = Wire(reply(status, {"error": code}))

        with pytest.raises(error_class) as caught:
            make_client(wire).list_regions()

        assert caught.value.code == code
        assert caught.value.path == "/oauth2/token"
        assert wire.paths() == ["POST /oauth2/token"]

    def test_transient_token_endpoint_failure_is_retried(self):
        fake = FakeTime()
        wire = Wire(reply(503), token_reply(), reply(200, []))

        make_client(wire, fake).list_regions()

        assert len(fake.sleeps) == 1
        assert wire.paths()[-1] == "GET /api/v2/locations/regions"

    def test_a_token_response_without_access_token_fails_clearly(self):
        wire = Wire(reply(200, {"token_type": "Bearer"}))

        with pytest.raises(errors.ApiError, match="access_token"):
            make_client(wire).list_regions()


def token_then(*answers):
    return Wire(token_reply(), *answers)


DIV = {"externalId": "DIV_001", "name": "North", "regionName": "Cincinnati"}
HOME = {"externalId": "H 1/2", "neighborhoodExternalId": "NH_001", "type": "Single Family"}
ENDPOINTS = [
    (lambda c: c.list_regions(), "GET", "/api/v2/locations/regions", None),
    (lambda c: c.location("division").list(), "GET", "/api/v2/locations/divisions", None),
    (
        lambda c: c.location("division").get("DIV_001"),
        "GET",
        "/api/v2/locations/divisions/DIV_001",
        None,
    ),
    (lambda c: c.location("division").create(DIV), "POST", "/api/v2/locations/divisions", DIV),
    (lambda c: c.location("division").update(DIV), "PUT", "/api/v2/locations/divisions", DIV),
    (
        lambda c: c.location("master_community").list(),
        "GET",
        "/api/v2/locations/master-communities",
        None,
    ),
    (
        lambda c: c.location("master_community").get("MC 1"),
        "GET",
        "/api/v2/locations/master-communities/MC%201",
        None,
    ),
    (
        lambda c: c.location("master_community").create(DIV),
        "POST",
        "/api/v2/locations/master-communities",
        DIV,
    ),
    (
        lambda c: c.location("master_community").update(DIV),
        "PUT",
        "/api/v2/locations/master-communities",
        DIV,
    ),
    (lambda c: c.location("neighborhood").list(), "GET", "/api/v2/locations/neighborhoods", None),
    (
        lambda c: c.location("neighborhood").get("NH/1"),
        "GET",
        "/api/v2/locations/neighborhoods/NH%2F1",
        None,
    ),
    (
        lambda c: c.location("neighborhood").create(DIV),
        "POST",
        "/api/v2/locations/neighborhoods",
        DIV,
    ),
    (
        lambda c: c.location("neighborhood").update(DIV),
        "PUT",
        "/api/v2/locations/neighborhoods",
        DIV,
    ),
    (lambda c: c.location("division").list(), "GET", "/api/v2/locations/divisions", None),
    (lambda c: c.get_home("H 1/2"), "GET", "/api/v2/homes/H%201%2F2", None),
    (lambda c: c.create_home(HOME), "POST", "/api/v2/homes", HOME),
    (lambda c: c.update_home(HOME), "PUT", "/api/v2/homes", HOME),
    (
        lambda c: c.add_homeowner("H 1/2", {"email": "a@example.com"}),
        "POST",
        "/api/v2/homes/H%201%2F2/users",
        {"email": "a@example.com"},
    ),
]


@pytest.mark.parametrize(("call", "method", "raw_path", "body"), ENDPOINTS)
def test_each_endpoint_sends_the_exact_request(call, method, raw_path, body):
    wire = token_then(reply(200, {"id": 1}))

    assert call(make_client(wire)) == {"id": 1}

    request = wire.requests[-1]
    assert request.method == method
    assert request.url.raw_path.decode() == raw_path
    assert request.url.host == "bb.example.test"
    assert request.headers["Authorization"] == "Bearer tok-1"
    if body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert sent_json(request) == body


class TestErrors:
    def test_404_names_the_missing_parent(self):
        wire = token_then(bb_error(404, "Division with external ID 'DIV 9' not found"))

        with pytest.raises(errors.NotFound) as caught:
            make_client(wire).location("master_community").create({"externalId": "MC_1"})

        assert caught.value.message == "Division with external ID 'DIV 9' not found"
        assert missing_reference(caught.value) == Reference(Level.DIVISION, "DIV 9")

    @pytest.mark.parametrize(
        ("message", "expected"),
        [
            ("Region 'Cincinnati' not found", ("region", "Cincinnati")),
            ("Division with external ID 'DIV_001' not found", ("division", "DIV_001")),
            ("Master Community with external ID 'MC_1' not found", ("master_community", "MC_1")),
            ("Neighborhood with external ID 'NH_001' not found", ("neighborhood", "NH_001")),
            ("Home with external ID 'H'1' not found", ("home", "H'1")),
            ("Something else not found", None),
        ],
    )
    def test_missing_reference_reads_each_contract_sentence(self, message, expected):
        error = errors.NotFound(message, status=404)

        assert missing_reference(error) == expected

    def test_missing_reference_ignores_other_errors(self):
        assert missing_reference(errors.Conflict("Region 'X' not found", status=409)) is None

    @pytest.mark.parametrize(
        ("message", "expected"),
        [
            ("A location with external ID 'DIV_001' already exists", ("location", "DIV_001", None)),
            ("A home with external ID 'H1' already exists", ("home", "H1", None)),
            (
                "Homeowner with email 'a@b.co' already exists on home 'H1'",
                ("homeowner", "a@b.co", "H1"),
            ),
            ("Idempotency key reused", None),
        ],
    )
    def test_already_exists_reads_409_sentences(self, message, expected):
        wire = token_then(bb_error(409, message))

        with pytest.raises(errors.Conflict) as caught:
            make_client(wire).create_home(HOME)

        assert already_exists(caught.value) == (Duplicate(*expected) if expected else None)

    @pytest.mark.parametrize(
        ("message", "field"),
        [
            ("Field 'addressLine1' is required", "addressLine1"),
            ("Invalid value for 'type' field", "type"),
            ("Email address is invalid", "email"),
        ],
    )
    def test_400_carries_the_field_its_message_names(self, message, field):
        wire = token_then(bb_error(400, message))

        with pytest.raises(errors.ValidationFailed) as caught:
            make_client(wire).create_home(HOME)

        assert (caught.value.message, caught.value.field) == (message, field)

    def test_403_is_forbidden_and_not_retried(self):
        message = "Token does not have required scope: home.write"
        wire = token_then(bb_error(403, message))

        with pytest.raises(errors.Forbidden, match=message):
            make_client(wire).create_home(HOME)
        assert len(wire.requests) == 2

    def test_429_waits_at_least_retry_after(self):
        fake = FakeTime()
        wire = token_then(reply(429, headers={"Retry-After": "3"}), reply(200, {"id": 1}))

        make_client(wire, fake).create_home(HOME)

        assert fake.sleeps[0] >= 3

    def test_create_is_repeated_after_a_lost_answer_and_a_duplicate_reads_as_conflict(self):
        # Contract "What the client must do": a 409 on a create means it exists; switch to PUT.
        message = "A home with external ID 'H 1/2' already exists"
        wire = token_then(httpx.ReadTimeout("lost"), bb_error(409, message))

        with pytest.raises(errors.Conflict) as caught:
            make_client(wire).create_home(HOME)

        assert already_exists(caught.value) == Duplicate("home", "H 1/2")
        assert wire.paths().count("POST /api/v2/homes") == 2


class TestFromSettings:
    def test_builds_from_settings(self, settings):
        settings.BUILDERBACKED_BASE_URL = "https://api-stage.builderbacked.test"
        settings.BUILDERBACKED_TOKEN_URL = "https://api-stage.builderbacked.test/oauth2/token"
        settings.BUILDERBACKED_CLIENT_ID = "cid"
        settings.BUILDERBACKED_CLIENT_SECRET = "csecret"
        settings.BUILDERBACKED_SCOPES = ["location.write"]
        settings.BUILDERBACKED_TIMEOUT_SECONDS = 3.0
        wire = Wire(token_reply(), reply(200, []))

        client = BuilderBackedClient.from_settings(transport=wire.transport)
        client.location("division").list()

        assert str(wire.requests[0].url) == settings.BUILDERBACKED_TOKEN_URL
        assert parse_qs(wire.requests[0].content.decode())["scope"] == ["location.write"]
        assert str(wire.requests[1].url).startswith(settings.BUILDERBACKED_BASE_URL)
        assert wire.requests[1].extensions["timeout"]["read"] == 3.0

    def test_applies_the_shared_rate_limit_setting(self, settings):
        settings.BUILDERBACKED_RATE_LIMIT = 5.0
        assert BuilderBackedClient.from_settings().rate_limit.capacity == 5

        settings.BUILDERBACKED_RATE_LIMIT = 0.0
        assert BuilderBackedClient.from_settings().rate_limit is None

    def test_names_every_missing_setting(self, settings):
        settings.BUILDERBACKED_BASE_URL = ""
        settings.BUILDERBACKED_CLIENT_SECRET = ""

        with pytest.raises(ImproperlyConfigured) as caught:
            BuilderBackedClient.from_settings()

        assert "BUILDERBACKED_BASE_URL" in str(caught.value)
        assert "BUILDERBACKED_CLIENT_SECRET" in str(caught.value)


def test_secret_and_tokens_never_reach_logs_or_errors(caplog):
    caplog.set_level(logging.DEBUG)
    wire = Wire(
        token_reply("tok-secret-1"),
        reply(401),
        token_reply("tok-secret-2"),
        bb_error(404, "Home with external ID 'H1' not found"),
        reply(401, {"error": "invalid_client"}),
    )
    client = make_client(wire)

    with pytest.raises(errors.NotFound) as not_found:
        client.get_home("H1")
    cache.clear()
    with pytest.raises(errors.Unauthorized) as unauthorized:
        client.get_home("H1")

    basic = base64.b64encode(f"builder-42:{SECRET}".encode()).decode()
    shown = caplog.text + str(not_found.value) + str(unauthorized.value) + repr(client.auth)
    for secret in (SECRET, basic, "tok-secret-1", "tok-secret-2", "Bearer", "Basic"):
        assert secret not in shown
    assert "/oauth2/token" in caplog.text


def test_threads_sharing_a_client_fetch_one_token():
    """A batch publishes from several threads: only one of them asks for a token."""
    import threading
    import time as real_time

    seen = []
    lock = threading.Lock()

    def answer(request):
        with lock:
            seen.append(request.url.path)
        if request.url.path.endswith("/oauth2/token"):
            real_time.sleep(0.05)  # let the other threads pile up behind the lock
            return token_reply("tok-threads")
        assert request.headers["Authorization"] == "Bearer tok-threads"
        return reply(200, [])

    client = make_client(Wire(), transport=httpx.MockTransport(answer))
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(client.list_regions())) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [[]] * 6
    assert sum(path.endswith("/oauth2/token") for path in seen) == 1
