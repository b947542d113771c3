"""Fixtures shared by the whole suite, and the test session's folders.

Settings: builderops/settings/test.py. Each xdist worker (and a run without xdist) keeps its local
state in its own folder under the run's temporary folder, created here before the first test and
removed with the run's folder when the session ends.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from builderops.core.folders import local_folders_create

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.processes"]

# No timed assertions in tests (README, "Benchmarks"): Hypothesis' per-example deadline fails a
# correct property when the machine is busy (xdist, browsers, workers), so it is off.
hypothesis_settings.register_profile("builderops", deadline=None)
hypothesis_settings.load_profile("builderops")


def pytest_sessionstart(session):
    """Create this process's folders (SQLite files, file-system broker, uploads, static files)."""
    local_folders_create()


def pytest_sessionfinish(session):
    """Remove the run's folder, from the process that started the run (not an xdist worker)."""
    run_dir = getattr(settings, "TEST_RUN_DIR", None)  # absent under other settings (--ds)
    if run_dir and not hasattr(session.config, "workerinput"):
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def cache_cleared():
    """Start every test with an empty cache: tokens, portal sessions and rate-limit windows one
    test cached must not serve the next (the cache is this process's local memory)."""
    cache.clear()


@pytest.fixture
def celery_eager():
    """Run tasks inline for this test (Celery reads its config once, so Django's settings
    fixture can't switch this); restored afterwards."""
    from builderops.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
