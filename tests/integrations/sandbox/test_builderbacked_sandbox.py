"""The Builder Backed sandbox's token endpoint, authentication, check order, routing and the
test-only `/_sandbox/` endpoints, in-process (builder-backed.md, Hosts and auth; Fine points)."""

import base64

import pytest

from .builderbacked_support import (
    CLIENT,
    DIVISIONS,
    HOMES,
    Sandbox,
    division,
    error,
    home,
)

UNAUTHENTICATED = error(401, "Unauthorized", "Invalid or missing authentication token")


@pytest.fixture
def sandbox():
    return Sandbox()


def token_call(sandbox, form, auth=CLIENT):
    return sandbox.http.post("/oauth2/token", data=form, auth=auth)


# Token endpoint -------------------------------------------------------------------------------


def test_token_without_scope_grants_every_configured_scope(sandbox):
    answer = token_call(sandbox, {"grant_type": "client_credentials"})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert body["scope"] == "location.write home.write"
    assert answer.headers["cache-control"] == "no-store"


def test_token_with_a_subset_of_scopes_grants_only_those(sandbox):
    body = token_call(sandbox, {"grant_type": "client_credentials", "scope": "home.write"}).json()
    assert body["scope"] == "home.write"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert sandbox.http.get(DIVISIONS, headers=headers).status_code == 403


def test_token_lifetime_option_sets_expires_in():
    body = token_call(Sandbox(token_lifetime=60), {"grant_type": "client_credentials"}).json()
    assert body["expires_in"] == 60


@pytest.mark.parametrize(
    "auth",
    [None, ("builderops-local", "wrong"), ("someone-else", "local-sandbox-secret")],
    ids=["no-basic-auth", "wrong-secret", "wrong-client"],
)
def test_token_with_bad_client_credentials_is_invalid_client(sandbox, auth):
    answer = token_call(sandbox, {"grant_type": "client_credentials"}, auth=auth)
    assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})


def test_token_with_undecodable_basic_credentials_is_invalid_client(sandbox):
    for header in ["Basic !!!", "Basic " + base64.b64encode("é:ü".encode()).decode(), "Basic"]:
        answer = sandbox.http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": header},
        )
        assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})


def test_token_accepts_form_encoded_basic_credentials_per_rfc_6749():
    sandbox = Sandbox(client_secret="s3cr+t/=")
    encoded = base64.b64encode(b"builderops-local:s3cr%2Bt%2F%3D").decode()
    answer = sandbox.http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {encoded}"},
    )
    assert answer.status_code == 200
    raw = token_call(sandbox, {"grant_type": "client_credentials"}, auth=(CLIENT[0], "s3cr+t/="))
    assert raw.status_code == 200


def test_token_credentials_in_the_form_body_are_not_basic_auth(sandbox):
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT[0],
        "client_secret": CLIENT[1],
    }
    answer = token_call(sandbox, form, auth=None)
    assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})


def test_token_with_another_grant_type_is_unsupported(sandbox):
    answer = token_call(sandbox, {"grant_type": "password"})
    assert (answer.status_code, answer.json()) == (400, {"error": "unsupported_grant_type"})


@pytest.mark.parametrize("scope", ["document.write", "home.write document.write", "HOME.WRITE"])
def test_token_with_an_ungranted_scope_is_invalid_scope(sandbox, scope):
    answer = token_call(sandbox, {"grant_type": "client_credentials", "scope": scope})
    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_scope"})


def test_token_without_grant_type_is_invalid_request(sandbox):
    answer = token_call(sandbox, {"scope": "home.write"})
    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_request"})


def test_configured_scopes_limit_what_a_token_may_ask_for():
    sandbox = Sandbox(scopes="location.write")
    assert token_call(sandbox, {"grant_type": "client_credentials"}).json()["scope"] == (
        "location.write"
    )
    answer = token_call(sandbox, {"grant_type": "client_credentials", "scope": "home.write"})
    assert answer.json() == {"error": "invalid_scope"}
    both = Sandbox(scopes="location.write,home.write")
    assert token_call(both, {"grant_type": "client_credentials"}).json()["scope"] == (
        "location.write home.write"
    )


# Bearer authentication and scopes ------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Token abc",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Bearer{token}",
        "bearer {token}",
        "Bearer nope",
    ],
)
def test_missing_malformed_or_unknown_token_is_401(sandbox, header):
    sandbox.token()
    headers = {} if header is None else {"Authorization": header.format(token=sandbox.token())}
    answer = sandbox.http.get("/api/v2/locations/regions", headers=headers)
    assert (answer.status_code, answer.json()) == (401, UNAUTHENTICATED)


def test_expired_tokens_are_401_and_a_new_token_works(sandbox):
    old = sandbox.headers()
    assert sandbox.http.get(DIVISIONS, headers=old).status_code == 200
    assert sandbox.http.post("/_sandbox/tokens/expire").json() == {"expired": 1}
    answer = sandbox.http.get(DIVISIONS, headers=old)
    assert (answer.status_code, answer.json()) == (401, UNAUTHENTICATED)
    fresh = token_call(sandbox, {"grant_type": "client_credentials"}).json()["access_token"]
    assert (
        sandbox.http.get(DIVISIONS, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    )


def test_regions_need_any_valid_token(sandbox):
    answer = sandbox.get("/api/v2/locations/regions", scope="home.write")
    assert answer.status_code == 200
    assert answer.json() == [
        {"id": 1, "name": "Cincinnati", "builderId": 1, "active": True},
        {"id": 2, "name": "Columbus", "builderId": 1, "active": True},
    ]


@pytest.mark.parametrize(
    ("method", "path", "missing"),
    [
        ("get", DIVISIONS, "location.write"),
        ("post", "/api/v2/locations/neighborhoods", "location.write"),
        ("put", "/api/v2/locations/master-communities", "location.write"),
        ("get", f"{DIVISIONS}/DIV_001", "location.write"),
        ("post", HOMES, "home.write"),
        ("put", HOMES, "home.write"),
        ("get", f"{HOMES}/H_001", "home.write"),
        ("post", f"{HOMES}/H_001/users", "home.write"),
    ],
)
def test_a_token_without_the_scope_is_403_naming_it(sandbox, method, path, missing):
    granted = "home.write" if missing == "location.write" else "location.write"
    headers = sandbox.headers(granted)
    answer = sandbox.http.request(method.upper(), path, headers=headers, json={})
    message = f"Token does not have required scope: {missing}"
    assert (answer.status_code, answer.json()) == (403, error(403, "Forbidden", message))


# Check order: 401 → 403 → 400 → 404/409 (builder-backed.md, Fine points) --------------------


def test_authentication_is_checked_before_scope_and_body(sandbox):
    answer = sandbox.http.post(HOMES, json={"type": "bad"}, headers={"Authorization": "Bearer"})
    assert answer.status_code == 401


def test_scope_is_checked_before_the_body(sandbox):
    answer = sandbox.post(HOMES, {"type": "bad"}, scope="location.write")
    assert answer.status_code == 403


def test_body_is_checked_before_references(sandbox):
    answer = sandbox.post(HOMES, home(neighborhood_id="NH_NOPE", type="single family"))
    assert answer.json() == error(400, "Bad Request", "Invalid value for 'type' field")
    answer = sandbox.post(DIVISIONS, division(region="Nowhere", name=" "))
    assert answer.json() == error(400, "Bad Request", "Field 'name' is required")


def test_references_404_before_duplicates_409(sandbox):
    sandbox.ok("post", DIVISIONS, division())
    answer = sandbox.post(DIVISIONS, division(region="Nowhere"))
    assert answer.json() == error(404, "Not Found", "Region 'Nowhere' not found")


# Bodies and routing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "Request body is not valid JSON"),
        (b"", "Request body must be a JSON object"),
        (b"[1, 2]", "Request body must be a JSON object"),
        (b'"text"', "Request body must be a JSON object"),
        (b"null", "Request body must be a JSON object"),
    ],
)
def test_a_body_that_is_not_one_json_object_is_400(sandbox, raw, message):
    headers = {**sandbox.headers(), "Content-Type": "application/json"}
    answer = sandbox.http.post(DIVISIONS, content=raw, headers=headers)
    assert (answer.status_code, answer.json()) == (400, error(400, "Bad Request", message))


def test_unknown_paths_are_404_in_the_error_shape_even_without_a_token(sandbox):
    answer = sandbox.http.get("/api/v2/locations/lots")
    body = error(404, "Not Found", "No endpoint at GET /api/v2/locations/lots")
    assert (answer.status_code, answer.json()) == (404, body)
    assert sandbox.http.get(f"{DIVISIONS}/").status_code == 404


def test_a_known_path_with_another_method_is_405(sandbox):
    answer = sandbox.http.delete(HOMES, headers=sandbox.headers())
    body = error(405, "Method Not Allowed", "Method DELETE is not allowed on /api/v2/homes")
    assert (answer.status_code, answer.json()) == (405, body)
    assert answer.headers["allow"] == "POST, PUT"
