"""Fixtures for the Builder Backed tests: a superuser, and a recorder of queued sync tasks."""

import pytest

from tests.factories import superuser

from .sync_support import queued_catch


@pytest.fixture
def boss():
    return superuser(username="boss")


@pytest.fixture
def queued(monkeypatch):
    """Record the sync's task sends instead of queueing them."""
    return queued_catch(monkeypatch)
