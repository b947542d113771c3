"""`GET /healthz` reports the database, the broker and each external system — in detail only to
staff and to the monitoring token; anyone else learns "ok" or "unavailable" (issue 11)."""

import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.contrib.auth import get_user_model

from tests.factories import superuser
from tests.fixtures.processes import ROOT

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-for-tests"


@pytest.fixture
def monitor(client, settings):
    """A client presenting the monitoring token, as an uptime checker would."""
    settings.HEALTHZ_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.mark.parametrize("healthy", [True, False])
def test_anonymous_callers_learn_only_the_status(client, settings, healthy):
    settings.HEALTHZ_TOKEN = TOKEN
    if not healthy:
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    plain = client.get("/healthz")
    wrong = client.get("/healthz", HTTP_AUTHORIZATION="Bearer not-the-token")
    for response in (plain, wrong):
        assert response.status_code == (200 if healthy else 503)
        assert response.json() == {"status": "ok" if healthy else "unavailable"}


def test_staff_see_the_details(client):
    client.force_login(superuser())
    body = client.get("/healthz").json()
    assert body["database"]["ok"] is True
    assert "builderbacked" in body["external_systems"]


def test_a_logged_in_non_staff_user_sees_only_the_status(client):
    client.force_login(get_user_model().objects.create_user("someone", password="x"))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthy_on_the_configured_backend(monitor, settings):
    client = monitor
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": body["database"]["vendor"]}
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == settings.CELERY_BROKER_URL.split("://")[0]
    assert "builderbacked" in body["external_systems"]


def test_broker_down_answers_503(monitor, settings):
    client = monitor
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


def test_never_reveals_a_secret(monitor, settings):
    client = monitor
    settings.BUILDERBACKED_CLIENT_SECRET = "s3cr3t-value-never-shown"
    settings.BUILDERBACKED_CLIENT_ID = ""
    response = client.get("/healthz")
    assert b"s3cr3t-value-never-shown" not in response.content
    status = response.json()["external_systems"]["builderbacked"]
    assert status == {"configured": False, "missing": ["BUILDERBACKED_CLIENT_ID"]}


HEALTHZ_IN_SUBPROCESS = (
    "import django, json; django.setup(); from django.test import Client; "
    f"r = Client(HTTP_HOST='localhost', HTTP_AUTHORIZATION='Bearer {TOKEN}').get('/healthz'); "
    "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
)


def healthz_with(database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "builderops.settings.local",
        "HEALTHZ_TOKEN": TOKEN,
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_IN_SUBPROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def test_healthy_on_sqlite(tmp_path):
    answer = healthz_with(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    assert answer["status"] == 200
    assert answer["body"]["database"] == {"ok": True, "vendor": "sqlite"}


def test_healthy_on_postgresql():
    try:
        url = postgres_url().replace("postgres://", "postgresql://")
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server at TEST_POSTGRES_URL (CI always has one)")
    answer = healthz_with(postgres_url())
    assert answer["status"] == 200
    assert answer["body"]["database"] == {"ok": True, "vendor": "postgresql"}


def test_database_down_answers_503():
    answer = healthz_with("postgres://postgres@127.0.0.1:1/nothing")
    assert answer["status"] == 503
    assert answer["body"]["database"]["ok"] is False
