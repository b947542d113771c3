"""Fixtures for integration tests: a fresh local-memory cache (tokens and portal sessions live in
the cache, and the file cache would leak them between tests)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def locmem_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "integration-tests",
        }
    }
    cache.clear()
    yield cache
    cache.clear()
