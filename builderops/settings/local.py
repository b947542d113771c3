"""Embedded defaults for a first run and for tests: SQLite, file-system broker, local sandboxes."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production"
)

# The run command starts the Builder Backed sandbox on this port; the client publishes there.
SANDBOX_BUILDERBACKED_PORT = env.int("SANDBOX_BUILDERBACKED_PORT", default=8101)
BUILDERBACKED_BASE_URL = env.str(
    "BUILDERBACKED_BASE_URL", default=f"http://127.0.0.1:{SANDBOX_BUILDERBACKED_PORT}"
)
BUILDERBACKED_TOKEN_URL = env.str(
    "BUILDERBACKED_TOKEN_URL", default=f"{BUILDERBACKED_BASE_URL}/oauth2/token"
)
BUILDERBACKED_CLIENT_ID = env.str("BUILDERBACKED_CLIENT_ID", default="builderops-local")
BUILDERBACKED_CLIENT_SECRET = env.str("BUILDERBACKED_CLIENT_SECRET", default="local-sandbox-secret")

SANDBOX_BUILDERTREND_PORT = env.int("SANDBOX_BUILDERTREND_PORT", default=8102)
SANDBOX_COCONSTRUCT_PORT = env.int("SANDBOX_COCONSTRUCT_PORT", default=8103)

# A fixed development key so a first run can store portal passwords; production demands its own.
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=["dGhpcy1pcy1hLWxvY2FsLW9ubHktZGV2LWtleS0wMDA="]
)
