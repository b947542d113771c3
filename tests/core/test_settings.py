"""Settings switch by environment, and production settings pass `check --deploy`."""

import json
import os
import subprocess
import sys

import pytest

from tests.fixtures.processes import ROOT

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL, "
    "'backend': s.CELERY_RESULT_BACKEND, 'debug': s.DEBUG}))"
)


def settings_under(env: dict, module: str = "builderops.settings.local") -> dict:
    """Load settings in a fresh interpreter with exactly these overrides."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults_need_no_server():
    loaded = settings_under({})
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"].endswith("var/db.sqlite3")
    assert loaded["broker"] == "filesystem://"
    assert loaded["backend"].startswith("file://")


def test_database_url_switches_to_postgresql_via_psycopg3():
    loaded = settings_under({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/builderops"})
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "builderops"
    import psycopg  # the engine above loads psycopg 3 when present

    assert psycopg.__version__.startswith("3.")


def test_broker_url_switches_to_redis_and_results_follow():
    loaded = settings_under({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert loaded["broker"] == "redis://127.0.0.1:6379/0"
    assert loaded["backend"] == "redis://127.0.0.1:6379/0"


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 64 + "-dummy-production-secret-key-for-check-deploy",
    "DJANGO_ALLOWED_HOSTS": "ops.builder.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/builderops",
    "BUILDERBACKED_CLIENT_ID": "dummy-client",
    "BUILDERBACKED_CLIENT_SECRET": "dummy-secret",
    "PORTAL_ENCRYPTION_KEYS": "dGhpcy1pcy1hLWR1bW15LWtleS1mb3ItY2hlY2tzLTA=",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
}


def run_manage(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_URL"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_check_deploy_is_clean():
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "builderops.settings.production"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secrets():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "builderops.settings.production"
    result = run_manage(["check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL must name a shared broker"),
        ({"CELERY_BROKER_URL": "filesystem://"}, "got filesystem://"),
        ({"CACHE_URL": None}, "CACHE_URL must name a shared cache"),
        ({"CACHE_URL": "filecache:///tmp/cache"}, "got FileBasedCache"),
        ({"CACHE_URL": "locmemcache://"}, "got LocMemCache"),
    ],
)
def test_production_refuses_a_broker_or_cache_each_host_would_keep_to_itself(overrides, named):
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "builderops.settings.production"}
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    result = run_manage(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Production settings:" in result.stderr
    assert named in result.stderr


def test_a_visibility_timeout_below_the_longest_task_is_refused():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "builderops.settings.production",
        "CELERY_VISIBILITY_TIMEOUT": "3600",
    }
    result = run_manage(["check", "--deploy"], env)
    assert result.returncode != 0
    assert "integrations.E010" in result.stderr, result.stderr
    assert "CELERY_VISIBILITY_TIMEOUT (3600 s) must exceed the longest task" in result.stderr


def test_the_default_visibility_timeout_outlasts_the_csv_import():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "builderops.settings.production"}
    result = run_manage(["check"], env)
    assert result.returncode == 0, result.stderr
