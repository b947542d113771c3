"""Embedded defaults for a first run and for tests: SQLite, file-system broker, local sandboxes."""

from .base import *  # noqa: F403
from .base import SANDBOX_BUILDERBACKED_PORT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production"
)

# The run command starts the Builder Backed sandbox on its port; the client publishes there.
BUILDERBACKED_BASE_URL = env.str(
    "BUILDERBACKED_BASE_URL", default=f"http://127.0.0.1:{SANDBOX_BUILDERBACKED_PORT}"
)
BUILDERBACKED_TOKEN_URL = env.str(
    "BUILDERBACKED_TOKEN_URL", default=f"{BUILDERBACKED_BASE_URL}/oauth2/token"
)
BUILDERBACKED_CLIENT_ID = env.str("BUILDERBACKED_CLIENT_ID", default="builderops-local")
BUILDERBACKED_CLIENT_SECRET = env.str("BUILDERBACKED_CLIENT_SECRET", default="local-sandbox-secret")

# A fixed development key so a first run can store portal passwords; production demands its own.
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=["dGhpcy1pcy1hLWxvY2FsLW9ubHktZGV2LWtleS0wMDA="]
)
# The portal sandboxes listen on http://127.0.0.1 (integrations/portals/hosts.py).
PORTAL_ALLOW_INSECURE_LOOPBACK = env.bool("PORTAL_ALLOW_INSECURE_LOOPBACK", default=True)

# `make run` serves with DEBUG off, like production, but without `collectstatic`: whitenoise
# serves static files straight from the apps' folders.
WHITENOISE_USE_FINDERS = True
