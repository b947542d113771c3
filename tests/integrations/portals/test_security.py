"""Issue 11: a stored portal password stays with its host, Viewers never read a remote's words,
cached tokens are encrypted, and secrets rotate (Fernet keys, webhook secrets)."""

import json
import os
import subprocess
import sys

import httpx
import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from integrations import errors
from integrations.portals import services
from integrations.portals.client import PortalClient
from integrations.portals.crypto import secret_decrypt
from integrations.portals.models.connection import PortalConnection, PullStatus
from integrations.portals.pull.context import error_public
from integrations.portals.pull.run import portal_pull
from integrations.portals.session import CacheSessionStore
from tests.core.test_settings import PRODUCTION_ENV
from tests.factories import superuser, user_in_role
from tests.fixtures.processes import ROOT
from tests.integrations.portals.factories import PORTAL_PASSWORD, PortalConnectionFactory

pytestmark = pytest.mark.django_db

MFA_SECRET = "JBSWY3DPEHPK3PXP"
REMOTE_WORDS = "Internal error at db-07.corp.example: password=letmein <script>alert(1)</script>"


def change_url(connection) -> str:
    return reverse("admin:integrations_portalconnection_change", args=[connection.pk])


def change_form(connection, **overrides) -> dict:
    data = {
        "name": connection.name, "portal": connection.portal, "base_url": connection.base_url,
        "username": connection.username, "enabled": "on", "pull_interval_minutes": "15",
        "home_type_default": "Single Family", "password": "", "mfa_secret": "",
    }  # fmt: skip
    return {**data, **overrides}


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


# --- credentials stay with their host ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("base_url", "http://127.0.0.1:9999/elsewhere"), ("username", "someone@else.example")],
)
def test_changing_the_host_or_username_without_the_password_is_refused(client, field, value):
    connection = PortalConnectionFactory()
    client.force_login(superuser())
    response = client.post(change_url(connection), change_form(connection, **{field: value}))
    assert response.status_code == 200
    [message] = form_errors(response)["password"]
    assert "enter the password again" in message
    connection.refresh_from_db()
    assert getattr(connection, field) != value

    response = client.post(
        change_url(connection), change_form(connection, **{field: value}, password="new-one")
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert getattr(connection, field) == value
    assert connection.credentials_match


def test_a_kept_mfa_secret_must_be_entered_again_too(client):
    connection = PortalConnectionFactory()
    connection.set_mfa_secret(MFA_SECRET)
    connection.save()
    client.force_login(superuser())
    moved = change_form(connection, base_url="http://localhost:9999", password="new-one")
    response = client.post(change_url(connection), moved)
    assert "enter the MFA secret again" in form_errors(response)["mfa_secret"][0]
    assert (
        client.post(change_url(connection), {**moved, "clear_mfa_secret": "on"}).status_code == 302
    )


def test_a_password_is_never_sent_to_a_host_it_was_not_entered_for(monkeypatch):
    """Even when the base URL is changed behind the form's back (a shell, a script)."""
    built = []
    monkeypatch.setattr(services, "portal_client_class", lambda portal: built.append(portal))
    connection = PortalConnectionFactory()
    PortalConnection.objects.filter(pk=connection.pk).update(base_url="http://localhost:9")
    run = portal_pull(connection_id=connection.pk)
    connection.refresh_from_db()
    assert run.status == PullStatus.FAILED
    assert "enter the password again" in connection.last_error
    assert built == []  # no client, so no request, was ever made


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://portal.example.com/bt", "must start with https://"),
        ("http://127.0.0.1:8102", "must start with https://"),
        ("https://127.0.0.1:8102", "must not point at this server"),
        ("https://10.0.0.8/bt", "internal network address"),
        ("https://169.254.169.254/latest", "internal network address"),
        ("https://[fd00::1]/bt", "internal network address"),
    ],
)
def test_production_settings_demand_https_to_a_public_host(client, settings, url, message):
    settings.PORTAL_ALLOW_INSECURE_LOOPBACK = False  # as builderops/settings/production.py
    connection = PortalConnectionFactory(base_url="https://api.example.com/bt")
    client.force_login(superuser())
    response = client.post(change_url(connection), change_form(connection, base_url=url,
                                                               password="pw"))  # fmt: skip
    assert message in " ".join(form_errors(response)["base_url"])


def insecure_loopback_under(module: str, env: dict) -> bool:
    """Read PORTAL_ALLOW_INSECURE_LOOPBACK from a settings module in a fresh interpreter."""
    code = "from django.conf import settings; print(settings.PORTAL_ALLOW_INSECURE_LOOPBACK)"
    environment = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": module}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return result.stdout.strip() == "True"


def test_production_settings_turn_insecure_loopback_off():
    asked = {"PORTAL_ALLOW_INSECURE_LOOPBACK": "true"}
    assert insecure_loopback_under("builderops.settings.local", {})
    assert not insecure_loopback_under(
        "builderops.settings.production", {**PRODUCTION_ENV, **asked}
    )


def test_the_allowlist_limits_hosts(client, settings):
    settings.PORTAL_ALLOWED_HOSTS = ["api.buildertrend.example", ".coconstruct.example"]
    connection = PortalConnectionFactory(base_url="https://api.buildertrend.example/t1")
    client.force_login(superuser())
    url = change_url(connection)
    refused = client.post(url, change_form(connection, base_url="https://evil.example/",
                                           password="pw"))  # fmt: skip
    assert "not in PORTAL_ALLOWED_HOSTS" in form_errors(refused)["base_url"][0]
    accepted = client.post(url, change_form(connection, base_url="https://eu.coconstruct.example/",
                                            password="pw"))  # fmt: skip
    assert accepted.status_code == 302


# --- Viewers read our words, never the remote's ---------------------------------------------------


def failing_portal(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/sessions"):
        body = {"accessToken": "a1", "refreshToken": "r1", "tokenType": "Bearer", "expiresIn": 900}
        return httpx.Response(200, json=body)
    return httpx.Response(403, json={"error": {"code": "forbidden", "message": REMOTE_WORDS}})


def test_a_viewer_never_sees_what_the_portal_answered(client):
    connection = PortalConnectionFactory()
    transport = httpx.MockTransport(failing_portal)
    remote = PortalClient(connection.base_url, connection.username, PORTAL_PASSWORD,
                          transport=transport, connection_key="c")  # fmt: skip
    run = portal_pull(connection_id=connection.pk, client=remote)
    assert run.status == PullStatus.FAILED
    connection.refresh_from_db()
    assert connection.last_error == "The portal refused access (HTTP 403, GET /projects)."
    client.force_login(user_in_role("Viewer"))
    pages = [
        client.get(reverse("admin:integrations_portalconnection_changelist")),
        client.get(change_url(connection)),
        client.get(reverse("admin:integrations_pullrun_change", args=[run.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for remote_words in ("db-07", "letmein", "alert(1)"):
            assert remote_words not in text
    assert "HTTP 403" in pages[1].content.decode()


def test_a_project_that_fails_is_recorded_in_our_words():
    error = errors.ServerError(REMOTE_WORDS, status=502, method="GET",
                               path="/projects/7/selections")  # fmt: skip
    assert (
        error_public(error) == "The portal failed to answer (HTTP 502, GET /projects/7/selections)."
    )
    assert error_public(RuntimeError(REMOTE_WORDS)) == "Unexpected error (RuntimeError)."


# --- tokens in the cache --------------------------------------------------------------------------


def test_cached_portal_tokens_are_not_plaintext():
    store = CacheSessionStore()
    session = {"access_token": "acc-SECRET-1", "refresh_token": "ref-SECRET-2", "renew_at": 1.0}
    store.set("conn-1", session)
    raw = cache.get("portals:session:conn-1")
    assert "SECRET" not in json.dumps(raw)
    assert store.get("conn-1") == session


def test_a_cached_session_no_key_reads_means_logging_in_again(settings):
    store = CacheSessionStore()
    store.set("conn-1", {"access_token": "a", "refresh_token": "r", "renew_at": 1.0})
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert store.get("conn-1") is None


def test_a_client_uses_only_encrypted_sessions_from_the_cache():
    wire = []

    def answer(request):
        wire.append(request.url.path)
        if request.url.path.endswith("/sessions"):
            return httpx.Response(200, json={"accessToken": "tok-PLAIN", "refreshToken": "r",
                                             "tokenType": "Bearer", "expiresIn": 900})  # fmt: skip
        return httpx.Response(200, json={"data": [], "nextCursor": None})

    remote = PortalClient("https://p.example", "u", "pw", transport=httpx.MockTransport(answer),
                          connection_key="conn-9")  # fmt: skip
    list(remote.list_projects())
    list(remote.list_projects())
    assert wire == ["/sessions", "/projects", "/projects"]
    assert "tok-PLAIN" not in str(cache.get("portals:session:conn-9"))


# --- rotation -------------------------------------------------------------------------------------


def test_portal_rotate_keys_re_encrypts_every_secret_with_the_newest_key(settings, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PORTAL_ENCRYPTION_KEYS = [old]
    with_mfa = PortalConnectionFactory()
    with_mfa.set_mfa_secret(MFA_SECRET)
    with_mfa.save()
    PortalConnectionFactory()
    settings.PORTAL_ENCRYPTION_KEYS = [new, old]
    call_command("portal_rotate_keys")
    output = capsys.readouterr().out
    assert "Re-encrypted 5 secrets of 2 connections with the newest key." in output
    settings.PORTAL_ENCRYPTION_KEYS = [new]  # the old key can go
    with_mfa.refresh_from_db()
    assert secret_decrypt(with_mfa.password_encrypted) == PORTAL_PASSWORD
    assert secret_decrypt(with_mfa.mfa_secret_encrypted) == MFA_SECRET
    assert with_mfa.webhook_secret()


def test_portal_rotate_keys_names_connections_no_key_reads(settings, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PORTAL_ENCRYPTION_KEYS = [old]
    lost = PortalConnectionFactory(name="Lost key")
    settings.PORTAL_ENCRYPTION_KEYS = [new]
    PortalConnectionFactory(name="Fine")
    with pytest.raises(CommandError, match=r"1 connection left as they were.*Lost key"):
        call_command("portal_rotate_keys")
    assert "Re-encrypted 2 secrets of 1 connection with" in capsys.readouterr().out
    before = lost.password_encrypted
    lost.refresh_from_db()
    assert lost.password_encrypted == before


def rotate(client, connection, **extra):
    url = reverse("admin:integrations_portalconnection_changelist")
    data = {"action": "rotate_webhook_secret", "_selected_action": [connection.pk], **extra}
    return client.post(url, data)


def test_rotate_webhook_secret_asks_then_shows_the_new_secret_once(client):
    connection = PortalConnectionFactory()
    old_secret = connection.webhook_secret()
    client.force_login(superuser())
    confirm = rotate(client, connection)
    assert b"Yes, rotate" in confirm.content
    connection.refresh_from_db()
    assert connection.webhook_secret() == old_secret
    shown = rotate(client, connection, post="yes")
    connection.refresh_from_db()
    new_secret = connection.webhook_secret()
    assert new_secret != old_secret
    page = shown.content.decode()
    assert new_secret in page
    assert old_secret not in page
    assert "shown only on this page" in page
    assert "no-store" in shown["Cache-Control"]
    assert new_secret not in client.get(change_url(connection)).content.decode()


@pytest.mark.parametrize("role", ["Viewer", "Editor", "Approver"])
def test_rotate_webhook_secret_needs_change_permission(client, role):
    connection = PortalConnectionFactory()
    old_secret = connection.webhook_secret()
    client.force_login(user_in_role(role))
    changelist = client.get(reverse("admin:integrations_portalconnection_changelist"))
    assert b"rotate_webhook_secret" not in changelist.content
    response = rotate(client, connection, post="yes")
    connection.refresh_from_db()
    assert connection.webhook_secret() == old_secret
    assert old_secret.encode() not in response.content
