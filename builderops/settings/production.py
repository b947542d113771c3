"""Production: every secret comes from the environment with no default, cookies are secure."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Every web server and worker must share one broker and one cache (tokens, back-off, breaker,
# locks): the embedded file broker and file cache would give each host its own, silently.
SHARED_BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "sqs")
SHARED_CACHE_BACKENDS = ("RedisCache", "PyMemcacheCache", "PyLibMCCache")


def _require_shared_services() -> None:
    """Refuse to start unless CELERY_BROKER_URL and CACHE_URL name shared network services."""
    problems = []
    broker = env.str("CELERY_BROKER_URL", default="")
    if broker.split("://", 1)[0] not in SHARED_BROKER_SCHEMES:
        problems.append(
            f"CELERY_BROKER_URL must name a shared broker ({', '.join(SHARED_BROKER_SCHEMES)}), "
            f"got {broker.split('://', 1)[0] + '://' if broker else 'nothing'}"
        )
    cache_backend = CACHES["default"]["BACKEND"] if env.str("CACHE_URL", default="") else ""  # noqa: F405
    if not cache_backend.endswith(SHARED_CACHE_BACKENDS):
        problems.append(
            "CACHE_URL must name a shared cache (redis://host:6379/1), "
            f"got {cache_backend.rsplit('.', 1)[-1] or 'nothing'}"
        )
    if problems:
        raise ImproperlyConfigured("Production settings: " + "; ".join(problems))


_require_shared_services()

BUILDERBACKED_BASE_URL = env.str("BUILDERBACKED_BASE_URL", default="https://api.builderbacked.com")
BUILDERBACKED_TOKEN_URL = env.str(
    "BUILDERBACKED_TOKEN_URL", default=f"{BUILDERBACKED_BASE_URL}/oauth2/token"
)
BUILDERBACKED_CLIENT_ID = env.str("BUILDERBACKED_CLIENT_ID")
BUILDERBACKED_CLIENT_SECRET = env.str("BUILDERBACKED_CLIENT_SECRET")
PORTAL_ENCRYPTION_KEYS = env.list("PORTAL_ENCRYPTION_KEYS")
# Portal passwords go over https only, never to this machine (integrations/portals/hosts.py).
PORTAL_ALLOW_INSECURE_LOOPBACK = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Ops alerts and the daily digest go out by SMTP (EMAIL_URL, e.g. smtp+tls://user:pass@host:587).
EMAIL = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update({name: value for name, value in EMAIL.items() if value is not None})
BUILDEROPS_SITE_URL = env.str("BUILDEROPS_SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}")
