"""Fixtures shared by the whole suite."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.processes"]


@pytest.fixture
def celery_eager():
    """Run tasks inline for this test (Celery reads its config once, so Django's settings
    fixture can't switch this); restored afterwards."""
    from builderops.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
