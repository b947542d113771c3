"""Settings for the test suite (pyproject's DJANGO_SETTINGS_MODULE): local's, fast and isolated.

- Each test run, and in it each pytest-xdist worker (gw0, gw1, …), keeps what local settings keep
  under var/ (the SQLite files, the file-system broker, uploads, static files) in a folder of its
  own under the system's temporary directory, so parallel workers and parallel runs never share
  state. The test session creates that folder and removes the run's (tests/conftest.py).
- With Redis (CELERY_BROKER_URL), each xdist worker's broker and result keys carry its own prefix.
- The cache is a fresh in-process local memory; the configured one (CACHE_URL, Redis on CI, else a
  folder) stays as SHARED_CACHE for tests whose other processes must see the same entries (a Celery
  worker's progress and tokens: the `cross_process_cache` fixture, tests/fixtures/processes.py).
- Passwords are hashed with MD5: the suite creates users by the hundred, never stores a real one.

Processes a test starts (workers, sandboxes) load these settings too and inherit the run's and
worker's names through the environment, so they find the same folders, prefixes and database.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

# Named once by the process pytest was started in; its xdist workers inherit it.
RUN = os.environ.setdefault("BUILDEROPS_TEST_RUN", f"{os.getpid()}")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_RUN_DIR = Path(tempfile.gettempdir()) / f"builderops-tests-{RUN}"


@contextmanager
def _environment(**values: str):
    """Set environment variables for the duration of the block, then restore them."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


# base.py derives every local path from it; it is set only while base.py is read, so processes a
# test starts with other settings (tests/core/test_settings.py) still see the plain environment.
with _environment(BUILDEROPS_VAR_DIR=str(TEST_RUN_DIR / WORKER)):
    from .local import *  # noqa: F403
    from .local import CACHES, CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_BROKER_URL, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Cache ------------------------------------------------------------------------------------
SHARED_CACHE = {**CACHES["default"], "KEY_PREFIX": f"tests-{RUN}-{WORKER}"}
# A process started by a test that uses the shared cache is given that test's key prefix.
_shared_cache_prefix = env.str("BUILDEROPS_TEST_SHARED_CACHE", default="")
CACHES = {
    "default": (
        {**SHARED_CACHE, "KEY_PREFIX": _shared_cache_prefix}
        if _shared_cache_prefix
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    )
}

# --- Celery -------------------------------------------------------------------------------------
# The file-system broker lives in the worker's folder. The configured Redis is shared by the run's
# xdist workers: each worker's keys get a prefix of its own, so a Celery worker started by a test
# only sees its own xdist worker's queue. A process a test points at a broker of its own
# (tests/core/test_worker_survives_redis_restart.py) shares nothing and gets no prefix.
SHARED_BROKER_URL = os.environ.setdefault("BUILDEROPS_TEST_SHARED_BROKER", CELERY_BROKER_URL)
if CELERY_BROKER_URL == SHARED_BROKER_URL and CELERY_BROKER_URL.startswith("redis"):
    _keyprefix = f"tests-{WORKER}:"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": _keyprefix,
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": _keyprefix}
