"""Give each Builder Backed client test a fresh local-memory cache instead of the file cache."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def locmem_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "builderbacked-client-tests",
        }
    }
    cache.clear()
    yield cache
    cache.clear()
