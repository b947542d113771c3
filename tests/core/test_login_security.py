"""Logins are throttled and audited (django-axes), and sessions last a working day (issue 11)."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings

from tests.factories import superuser, user_in_role

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


def login(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client):
    user_in_role("Editor", username="pat")  # password "pw"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "pat", "guess").status_code == 200  # the form again, with an error
    locked = login(client, "pat", "guess")
    right = login(client, "pat", "pw")

    assert locked.status_code == 429
    assert right.status_code == 429
    assert "Account locked: too many login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="pat")
    assert attempt.failures_since_start > settings.AXES_FAILURE_LIMIT  # the refused right one too


def test_a_few_wrong_passwords_then_the_right_one_logs_in_and_clears_the_count(client):
    user_in_role("Editor", username="pat")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "pat", "guess")
    assert login(client, "pat", "pw").status_code == 302
    assert client.session["_auth_user_id"]
    assert not AccessAttempt.objects.filter(username="pat").exists()


def test_the_login_audit_is_in_the_admin_for_superusers_only(client):
    user_in_role("Viewer", username="vic")
    login(client, "vic", "wrong")
    login(client, "vic", "pw")
    assert AccessLog.objects.filter(username="vic").count() == 1

    client.force_login(superuser(username="root"))
    page = client.get("/admin/axes/accesslog/").content.decode()
    failures = client.get("/admin/axes/accessfailurelog/").content.decode()
    assert "vic" in page
    assert "vic" in failures
    client.force_login(user_in_role("Viewer", username="viewer2"))
    assert client.get("/admin/axes/accesslog/").status_code == 403


def test_a_session_lasts_a_working_day(client):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    user_in_role("Editor", username="pat")
    login(client, "pat", "pw")
    assert client.session.get_expiry_age() == 12 * 3600


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: X-Forwarded-For is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),  # what our proxy saw
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry left of it is ignored
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies
        (2, "", "10.0.0.2"),  # a request that skipped the proxies
    ],
)
def test_the_client_address_is_read_past_our_own_proxies_only(
    rf, settings, trusted, forwarded, expected
):
    from builderops.core.client_ip import client_ip

    settings.BUILDEROPS_TRUSTED_PROXY_COUNT = trusted
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_one_clients_lockout_leaves_another_client_alone(client, settings):
    settings.BUILDEROPS_TRUSTED_PROXY_COUNT = 1
    user_in_role("Editor", username="pat")
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "pat", "password": "guess"}, **attacker)
    pat = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.post(LOGIN, {"username": "pat", "password": "pw"}, **pat).status_code == 302
