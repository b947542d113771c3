"""Sessions (portals.md, "Sessions"): login, refresh with rotation, MFA by TOTP, bearer checks."""

import time

import pytest

from integrations.sandbox.portals.totp import decode_secret, totp

from .portal_sandbox_support import LOGIN, Portal, error, error_of

SECRET = "JBSWY3DPEHPK3PXP"


def current_code(secret: str = SECRET) -> str:
    return totp(decode_secret(secret), time.time())


@pytest.fixture
def portal():
    return Portal(login=False, projects=2, access_token_lifetime=900, refresh_token_lifetime=3600)


def test_login_answers_the_token_shape_and_the_token_opens_the_api(portal):
    tokens = portal.login()
    assert set(tokens) == {"accessToken", "refreshToken", "tokenType", "expiresIn"}
    assert (tokens["tokenType"], tokens["expiresIn"]) == ("Bearer", 900)
    assert portal.get("/projects").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {**LOGIN, "password": "wrong"},
        {**LOGIN, "username": "someone@else.example"},
        {"username": LOGIN["username"]},
        {},
    ],
)
def test_bad_credentials_are_401_invalid_credentials(portal, body):
    answer = portal.http.post("/sessions", json=body)
    assert (answer.status_code, error_of(answer)) == (401, error("invalid_credentials"))


def test_refresh_rotates_and_the_old_refresh_token_stops_working(portal):
    first = portal.login()
    answer = portal.http.post("/sessions/refresh", json={"refreshToken": first["refreshToken"]})
    assert answer.status_code == 200
    second = answer.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    replay = portal.http.post("/sessions/refresh", json={"refreshToken": first["refreshToken"]})
    assert (replay.status_code, error_of(replay)["code"]) == (401, "invalid_token")
    again = portal.http.post("/sessions/refresh", json={"refreshToken": second["refreshToken"]})
    assert again.status_code == 200


def test_expired_refresh_token_is_401(portal):
    tokens = portal.login()
    portal.tenant.sessions.now = lambda: time.time() + 3601
    answer = portal.http.post("/sessions/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert (answer.status_code, error_of(answer)["code"]) == (401, "token_expired")


def test_access_token_expires_after_its_lifetime(portal):
    portal.login()
    portal.tenant.sessions.now = lambda: time.time() + 899
    assert portal.get("/projects").status_code == 200
    portal.tenant.sessions.now = lambda: time.time() + 901
    answer = portal.get("/projects")
    assert (answer.status_code, error_of(answer)["code"]) == (401, "token_expired")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [(None, "unauthorized"), ("Basic abc", "unauthorized"), ("Bearer nope", "invalid_token")],
)
def test_every_api_call_needs_a_live_bearer_token(portal, authorization, code):
    headers = {"Authorization": authorization} if authorization else {}
    for path in ("/projects", "/projects/100001/selections", "/nowhere"):
        answer = portal.http.get(path, headers=headers)
        assert (answer.status_code, error_of(answer)) == (401, error(code))


def test_sandbox_expiry_kills_access_tokens_and_optionally_refresh_tokens(portal):
    tokens = portal.login()
    assert portal.http.post("/_sandbox/sessions/expire").status_code == 200
    assert portal.get("/projects").status_code == 401
    refreshed = portal.http.post("/sessions/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200
    portal.http.post("/_sandbox/sessions/expire", json={"refresh": True})
    answer = portal.http.post(
        "/sessions/refresh", json={"refreshToken": refreshed.json()["refreshToken"]}
    )
    assert (answer.status_code, error_of(answer)["code"]) == (401, "token_expired")


def test_mfa_tenant_wants_the_current_totp_code():
    portal = Portal(login=False, projects=1, mfa_secret=SECRET)
    for extra in ({}, {"mfaCode": "000000"}, {"mfaCode": None}):
        answer = portal.http.post("/sessions", json={**LOGIN, **extra})
        assert (answer.status_code, error_of(answer)) == (401, error("mfa_required"))
    wrong_password = {**LOGIN, "password": "x", "mfaCode": current_code()}
    answer = portal.http.post("/sessions", json=wrong_password)
    assert error_of(answer) == error("invalid_credentials")
    assert (
        portal.http.post("/sessions", json={**LOGIN, "mfaCode": current_code()}).status_code == 200
    )


def test_a_code_from_two_steps_ago_is_refused():
    portal = Portal(login=False, projects=1, mfa_secret=SECRET)
    stale = totp(decode_secret(SECRET), time.time() - 60)
    if stale == current_code():  # a one-in-a-million collision would make this test meaningless
        pytest.skip("stale and current codes coincide")
    answer = portal.http.post("/sessions", json={**LOGIN, "mfaCode": stale})
    assert error_of(answer) == error("mfa_required")


def test_mfa_can_be_demanded_and_dropped_at_runtime(portal):
    assert portal.http.post("/_sandbox/mfa", json={"secret": SECRET}).json() == {"mfa": True}
    assert portal.http.post("/sessions", json=LOGIN).status_code == 401
    assert (
        portal.http.post("/sessions", json={**LOGIN, "mfaCode": current_code()}).status_code == 200
    )
    assert portal.http.post("/_sandbox/mfa", json={"secret": None}).json() == {"mfa": False}
    assert portal.http.post("/sessions", json=LOGIN).status_code == 200
    bad = portal.http.post("/_sandbox/mfa", json={"secret": "!!"})
    assert (bad.status_code, error_of(bad)) == (400, error("invalid", "secret"))


def test_a_bad_mfa_secret_option_is_refused_at_start():
    with pytest.raises(ValueError, match="base32"):
        Portal(login=False, projects=1, mfa_secret="not base32!")
