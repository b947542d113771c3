"""Settings shared by every environment, read from the environment by django-environ.

Every variable is listed with its default and meaning in README.md ("Configuration").
`local` adds embedded defaults (SQLite, a file-system Celery broker); `production` demands secrets;
`test` is local's, made fast and isolated for pytest.

Reading settings creates nothing on disk: `manage.py bootstrap` (run by `make run`) creates the
folders named here (`builderops.core.folders`), the test session creates its own.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("BUILDEROPS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "builderops.core.apps.BuilderOpsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "builderops.core.apps.CoreConfig",
    "builderops.csvio.apps.CsvioConfig",
    "locations",
    "homes",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the body: oversized bodies are refused unread (issue 11).
    "builderops.core.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it answers locked-out logins
]

ROOT_URLCONF = "builderops.urls"
WSGI_APPLICATION = "builderops.wsgi.application"
ASGI_APPLICATION = "builderops.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The red banner while a remote refuses our credentials (issue 10).
                "integrations.breaker.context_processors.breaker_banner",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# DATABASE_URL switches to PostgreSQL (postgres://…, served by psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL lets readers run beside a
    # writer, IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so a worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by web and every worker (OAuth tokens live here) ---------------------------
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env.str("BUILDEROPS_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("BUILDEROPS_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- Celery ------------------------------------------------------------------------------------
# The embedded broker is kombu's file-system transport: no server, no extra package, and every
# process on this machine (web, worker, beat) shares it through a folder under var/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_folder = VAR_DIR / "celery" / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        # Above the longest task's time limit (a CSV import: 3 h + 2 min), or Redis hands a
        # task that is still running to a second worker (checked: builderops/celery.py).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600),
        # Fail fast when Redis is down: the web never waits on the broker (issue 10).
        "socket_connect_timeout": 1,
    }
)
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else f"file://{VAR_DIR / 'celery' / 'results'}"
    ),
)
CELERY_RESULT_EXPIRES = 24 * 3600
# The web never waits on the broker (issue 10): nothing reads task results (the `ping` task of the
# round-trip check asks for its own), so none are stored — no result-backend connection on
# "Save and approve" — and a send to a broker that is down gives up at once instead of retrying
# for seconds; what was due is re-queued by the sweeper once the broker is back.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Late ack + reject on worker loss: a task whose worker dies is delivered again, so every task
# must be safe to run twice (README, "Tasks are idempotent").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None) or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

# --- Builder Backed (shared/contracts/builder-backed.md) ---------------------------------------
BUILDERBACKED_BASE_URL = env.str("BUILDERBACKED_BASE_URL", default="")
BUILDERBACKED_TOKEN_URL = env.str("BUILDERBACKED_TOKEN_URL", default="")
BUILDERBACKED_CLIENT_ID = env.str("BUILDERBACKED_CLIENT_ID", default="")
BUILDERBACKED_CLIENT_SECRET = env.str("BUILDERBACKED_CLIENT_SECRET", default="")
BUILDERBACKED_SCOPES = env.list("BUILDERBACKED_SCOPES", default=["location.write", "home.write"])
BUILDERBACKED_TIMEOUT_SECONDS = env.float("BUILDERBACKED_TIMEOUT_SECONDS", default=10.0)
# Client-side ceiling shared by all workers (requests/s; 0 = none). The guide names no limit
# (builder-backed.md, Errors: 429 "decided here"); set it to the tenant's limit to avoid 429s.
# Set it to about 95% of the tenant's limit: our one-second windows and the server's are offset by
# the latency, so a request late in one window can land in the server's next.
BUILDERBACKED_RATE_LIMIT = env.float("BUILDERBACKED_RATE_LIMIT", default=0.0)
BUILDERBACKED_PUBLISH_THREADS = env.int("BUILDERBACKED_PUBLISH_THREADS", default=8)
BUILDERBACKED_PUBLISH_BATCH_SIZE = env.int("BUILDERBACKED_PUBLISH_BATCH_SIZE", default=100)

# --- Local sandboxes of the external APIs (`make run`'s Procfile, demo data) --------------------
SANDBOX_BUILDERBACKED_PORT = env.int("SANDBOX_BUILDERBACKED_PORT", default=8101)
SANDBOX_BUILDERTREND_PORT = env.int("SANDBOX_BUILDERTREND_PORT", default=8102)
SANDBOX_COCONSTRUCT_PORT = env.int("SANDBOX_COCONSTRUCT_PORT", default=8103)

# --- Construction portals (shared/contracts/portals.md) ----------------------------------------
# Fernet key(s) for portal passwords at rest; comma-separated, newest first, for key rotation.
PORTAL_ENCRYPTION_KEYS = env.list("PORTAL_ENCRYPTION_KEYS", default=[])
PORTAL_TIMEOUT_SECONDS = env.float("PORTAL_TIMEOUT_SECONDS", default=15.0)
# Decided with the sandboxes (integrations/portals/pull/config.py): a child's change bumps its
# project's updatedAt, so incremental pulls ask only changed projects for their children.
PORTAL_CHILD_CHANGES_BUMP_PROJECT = env.bool("PORTAL_CHILD_CHANGES_BUMP_PROJECT", default=True)
PORTAL_PULL_WORKERS = env.int("PORTAL_PULL_WORKERS", default=8)
PORTAL_PULL_BATCH_SIZE = env.int("PORTAL_PULL_BATCH_SIZE", default=50)
PORTAL_PULL_OVERLAP_SECONDS = env.float("PORTAL_PULL_OVERLAP_SECONDS", default=60.0)
# Short, and renewed every third of it while the pull runs: a killed pull frees its connection
# (and its Pull run is marked failed) within a minute (issue 10, item 3).
PORTAL_PULL_LEASE_SECONDS = env.float("PORTAL_PULL_LEASE_SECONDS", default=30.0)
# Portal outbox (issue 13): how long a worker holds a write it is sending; longer than a send's
# retry budget (60 s), so a crashed worker's write is sent again (same key) after it runs out.
PORTAL_WRITE_LEASE_SECONDS = env.float("PORTAL_WRITE_LEASE_SECONDS", default=180.0)
# Where stored portal credentials may be sent (integrations/portals/hosts.py): https only, except
# http to loopback when this is on (local settings, for the sandboxes); optionally only these hosts.
PORTAL_ALLOW_INSECURE_LOOPBACK = env.bool("PORTAL_ALLOW_INSECURE_LOOPBACK", default=False)
PORTAL_ALLOWED_HOSTS = env.list("PORTAL_ALLOWED_HOSTS", default=[])
# Webhooks (integrations/portals/webhooks.py): accepted requests per connection per minute, how
# long a burst for one project + resource is gathered into one pull, how long event ids are kept.
PORTAL_WEBHOOK_RATE_LIMIT = env.int("PORTAL_WEBHOOK_RATE_LIMIT", default=120)
PORTAL_WEBHOOK_COALESCE_SECONDS = env.float("PORTAL_WEBHOOK_COALESCE_SECONDS", default=5.0)
PORTAL_WEBHOOK_EVENT_RETENTION_DAYS = env.int("PORTAL_WEBHOOK_EVENT_RETENTION_DAYS", default=7)

# --- CSV import ---------------------------------------------------------------------------------
CSV_MAX_UPLOAD_BYTES = env.int("CSV_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
CSV_ASYNC_THRESHOLD_BYTES = env.int("CSV_ASYNC_THRESHOLD_BYTES", default=2 * 1024 * 1024)
# Queue for large imports' tasks, so a long import doesn't delay publishing; empty = the default
# queue. A worker must consume it (`celery worker -Q celery,imports`).
CSV_IMPORT_QUEUE = env.str("CSV_IMPORT_QUEUE", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security (README, "Security") -----------------------------------------------------------
# Every request body is refused above this, unread (builderops/core/request_limits.py); the
# proxy's body limit (nginx `client_max_body_size`) should match it. Bodies above
# DATA_UPLOAD_MAX_MEMORY_SIZE are accepted only from logged-in staff.
DATA_UPLOAD_MAX_BODY_SIZE = env.int(
    "DATA_UPLOAD_MAX_BODY_SIZE", default=CSV_MAX_UPLOAD_BYTES + 1024 * 1024
)
# A working day, not Django's two weeks.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 3600)
# /healthz shows its details to staff and to `Authorization: Bearer <HEALTHZ_TOKEN>` (monitoring).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# Uploaded files hold homeowners' names and emails: readable by this user only, deleted after
# this many days by a periodic task (the import's results stay).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
BUILDEROPS_UPLOAD_RETENTION_DAYS = env.int("BUILDEROPS_UPLOAD_RETENTION_DAYS", default=30)
# What one import file may hold (builderops/csvio/limits.py). An .xlsx is judged by what it
# unpacks to, read from the zip's directory before anything is decompressed.
CSV_MAX_ROWS = env.int("CSV_MAX_ROWS", default=1_000_000)
CSV_MAX_COLUMNS = env.int("CSV_MAX_COLUMNS", default=200)
XLSX_MAX_UNCOMPRESSED_BYTES = env.int("XLSX_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES; every login, logout and failure
# is kept (admin: Axes). Behind proxies, the client's address is read from X-Forwarded-For past
# BUILDEROPS_TRUSTED_PROXY_COUNT of them (builderops/core/client_ip.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
BUILDEROPS_TRUSTED_PROXY_COUNT = env.int("BUILDEROPS_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "builderops.core.client_ip.client_ip"

# --- E-mail: ops alerts and the daily digest (builderops/core/alerts.py) -----------------------
# EMAIL_URL: smtp://user:password@host:25, smtp+tls://…:587 (STARTTLS) or smtp+ssl://…:465;
# the console backend (mail printed by the worker) when unset. Unset parts keep Django's defaults.
EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({name: value for name, value in EMAIL.items() if value is not None})
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="BuilderOps <builderops@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point here (the admin's public address).
BUILDEROPS_SITE_URL = env.str("BUILDEROPS_SITE_URL", default="http://127.0.0.1:8000")
