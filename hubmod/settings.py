"""hubmod settings: one module, every deployment knob read from the environment.

The embedded default (no DATABASE_URL, no REDIS_URL) runs on a SQLite file with a SQLite-backed
Celery broker, so a fresh clone needs no servers. Production sets DATABASE_URL and REDIS_URL.
"""

import base64
import binascii
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

from hubmod.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and env.bool("HUBMOD_REQUIRE_SECRET_KEY", default=False):
        raise environ.ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Development and tests only: a fixed key keeps signed links stable across restarts.
    SECRET_KEY = "hubmod-insecure-development-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[BASE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_countries",
    "django_ratelimit",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "health_check",
    "django_structlog",
    "simple_history",
    "axes",
    "csp",
    "hubmod",
    "hubmod.audit",
    "hubmod.staff",
    "hubmod.idempotency",
    "hub",
    "licenses",
    "policy",
    "moderation",
    "transparency",
    "review",
    "referrals",
    "policycenter",
    "reports",
    "scanning",
    "revocations",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "hubmod.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Public pages in the visitor's language: the switcher's cookie, else Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# django-axes first: it refuses a sign-in from an address that failed too often for that user.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "hubmod.auth.OneQueryPermissionBackend"]

ROOT_URLCONF = "hubmod.urls"
WSGI_APPLICATION = "hubmod.wsgi.application"

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
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'hubmod.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database too: the Celery worker of the integration tests
    # is another process and must see the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "hubmod-test.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # A new PostgreSQL connection costs ~13 ms here (PERFORMANCE.md): keep them open.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The hot hand-written look-ups are prepared once per connection (hubmod.sql.planned_once);
    # the ORM's queries never are. Off for a PgBouncer in transaction mode older than 1.21.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options.setdefault("prepare_threshold", 5)
        # Planned once means planned once: by default PostgreSQL may go on planning a prepared
        # statement for its values, which for the intake's statement costs twice its running.
        # Only prepared statements follow this setting; each of them looks rows up by key.
        options.setdefault("options", "-c plan_cache_mode=force_generic_plan")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # The cache may live in another Redis database than the broker (the tests clear it).
            "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # Every process shares the cache, so a task already queued is seen by all (enforcement_wake).
    TASKS_COALESCE = True
    # An unacknowledged task (its worker died) comes back after this; the sweeper is usually faster.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS_COALESCE = False
    # The embedded broker: kombu's SQLAlchemy transport on a SQLite file beside the database.
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{BASE_DIR / 'celery-broker.sqlite3'}")
    # kombu's SQLAlchemy transport hands every transport option to create_engine, so the
    # polling interval stays at its default of one second here.
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    # The embedded default serves from one web process, where a local-memory cache is shared by
    # every request, so rate limits hold; production uses Redis.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003"]
# django-ratelimit lists django-redis, not Django's own RedisCache, which increments atomically
# with Redis INCR all the same.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "django_ratelimit.W001"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="hubmod")
# Scanning has a queue of its own, served by its own workers: a burst of uploads (each file a
# download and an analysis that may take minutes) never waits in front of enforcement.
SCAN_QUEUE = env.str("SCAN_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}.scan")
CELERY_TASK_ROUTES = {"scanning.*": {"queue": SCAN_QUEUE}}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

# --- Auth --------------------------------------------------------------------------------------
LOGIN_URL = "console-login"
LOGIN_REDIRECT_URL = "console-queue"
LOGOUT_REDIRECT_URL = "console-login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in brute force (django-axes): after LOGIN_FAILURE_LIMIT failures for one user from one
# address, that pair is refused (429, with a page that says until when) for LOGIN_LOCKOUT_MINUTES.
# By user and address together, so nobody can lock a moderator out from elsewhere.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner on every management command; lockouts are still logged
AXES_LOCKOUT_TEMPLATE = "staff/login_locked.html"
# The client's address as the intake limits read it (RATELIMIT_IP_META_KEY behind a proxy).
AXES_CLIENT_IP_CALLABLE = "reports.throttle.client_address"

# --- Security headers and cookies ----------------------------------------------------------------
# Behind TLS in production (HUBMOD_HTTPS=true): cookies only over HTTPS, HSTS, HTTP redirected.
# Off by default so the embedded default works on http://127.0.0.1.
HTTPS = env.bool("HUBMOD_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
# The TLS proxy in front says the request was HTTPS; only trust it where there is one.
if HTTPS and env.bool("HUBMOD_BEHIND_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health probe answers on plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_REFERRER_POLICY = "same-origin"
# /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>` once it is set (production).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
X_FRAME_OPTIONS = "DENY"
# Every page's scripts, styles and images come from hubmod itself; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A Bearer key's prefix says its kind; a key no kind claims is refused by the last.
        "hub.auth.HubKeyAuthentication",
        "hubmod.staff.auth.StaffTokenAuthentication",
        "hubmod.auth.UnknownBearerKey",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["hubmod.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "hubmod.schema.AutoSchema",
    "EXCEPTION_HANDLER": "hubmod.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hubmod API",
    "DESCRIPTION": "Trust-and-safety back office of a model hub: reports, cases, decisions, enforcement and appeals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The Bearer header is one scheme however many key kinds read it: the schema shows it once.
    "AUTHENTICATION_WHITELIST": [
        "hubmod.auth.UnknownBearerKey",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RepositoryKindEnum": "hub.models.Repository.Kind",
        "VisibilityEnum": "hub.models.Repository.Visibility",
        "StandingEnum": "hub.models.Account.Standing",
        "CaseStateEnum": "moderation.models.Case.State",
        "ActionKindEnum": "moderation.models.EnforcementAction.Kind",
        "ActionStateEnum": "moderation.models.EnforcementAction.State",
        "AppealKindEnum": "moderation.models.Appeal.Kind",
        "AppealStateEnum": "moderation.models.Appeal.State",
        "DismissalReasonEnum": "moderation.models.Decision.DismissalReason",
        "ReportCategoryEnum": "hubmod.categories.CATEGORY_KEYS",
        "EscalatedToEnum": "moderation.models.Case.EscalatedTo",
        "ReviewKindEnum": "review.models.Review.Kind",
        "ReviewStateEnum": "review.models.Review.State",
        "ReviewOutcomeEnum": "review.models.Review.Outcome",
    },
}
# Bodies larger than this are refused before parsing (the API answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# --- The hub -----------------------------------------------------------------------------------
HUB_WEBHOOK_URL = env.str("HUB_WEBHOOK_URL", default="")
# Space-separated `whsec_...` secrets: the first signs, all are sent during a rotation.
HUB_WEBHOOK_SECRET = env.str("HUB_WEBHOOK_SECRET", default="")
HUB_WEBHOOK_CONNECT_TIMEOUT = env.float("HUB_WEBHOOK_CONNECT_TIMEOUT", default=3.0)
HUB_WEBHOOK_READ_TIMEOUT = env.float("HUB_WEBHOOK_READ_TIMEOUT", default=10.0)
# Called in the transaction of every repository sync, with (repository, created, changed).
DOCUMENTATION_REVIEW_SLA_HOURS = env.int("DOCUMENTATION_REVIEW_SLA_HOURS", default=168)

ENFORCEMENT_MAX_ATTEMPTS = env.int("ENFORCEMENT_MAX_ATTEMPTS", default=8)
ENFORCEMENT_RETRY_BASE_SECONDS = env.float("ENFORCEMENT_RETRY_BASE_SECONDS", default=5.0)
# A pending action untouched this long was lost (broker outage, dead worker): beat sends it again.
ENFORCEMENT_SWEEP_AFTER_SECONDS = env.int("ENFORCEMENT_SWEEP_AFTER_SECONDS", default=120)
# Actions go out in batches: each batch one transaction, its actions locked while they are sent.
ENFORCEMENT_BATCH = env.int("ENFORCEMENT_BATCH", default=50)
# A batch starts no new delivery after this; the rest go in the next batch.
ENFORCEMENT_BATCH_SECONDS = env.float("ENFORCEMENT_BATCH_SECONDS", default=5.0)
# How long a queued drain stands for decisions made after it (its key's lifetime in the cache).
ENFORCEMENT_WAKE_SECONDS = env.int("ENFORCEMENT_WAKE_SECONDS", default=60)
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=182)
APPEAL_SLA_DAYS = env.int("APPEAL_SLA_DAYS", default=7)
# Statements of reasons to the DSA Transparency Database (Art. 24(5)): off unless configured.
DSA_TDB_ENABLED = env.bool("DSA_TDB_ENABLED", default=False)
DSA_TDB_URL = env.str("DSA_TDB_URL", default="https://transparency.dsa.ec.europa.eu/api/v1")
DSA_TDB_TOKEN = env.str("DSA_TDB_TOKEN", default="")

# --- E-mail ----------------------------------------------------------------------------------
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hubmod <moderation@localhost>")

# --- i18n, static ----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Public pages and notices; notices follow the recipient's language, falling back to English.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Structured logs (structlog): every line carries the request id (django-structlog) and, for
# audit events, the verb and target, so a case's story can be followed across web and worker.
LOG_FORMAT = env.str("LOG_FORMAT", default="console")  # "json" in production
LOGGING = logging_config(fmt=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# A broker outage must not hold a request for long: publish fails fast and the sweeper re-sends.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))

# --- Evidence storage ------------------------------------------------------------------------
# Evidence files go through Django's storage API ("default"), never by filesystem path, so they may
# live on a volume shared by web and worker (the default: MEDIA_ROOT) or in an S3-compatible bucket
# (EVIDENCE_STORAGE=s3). Either way they are private: nothing links to the bucket; a file is read
# only through hubmod's access-checked download views (reports/evidence.py).
EVIDENCE_STORAGE = env.str("EVIDENCE_STORAGE", default="filesystem")
if EVIDENCE_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not AWS_STORAGE_BUCKET_NAME:
        raise environ.ImproperlyConfigured("EVIDENCE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset: AWS itself; set for MinIO, Ceph, R2 and the like.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Unset: boto3 finds credentials itself (instance role, ~/.aws, its own variables).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "path" for most self-hosted stores, whose buckets are not DNS names.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "location": env.str("EVIDENCE_S3_PREFIX", default=""),
            "default_acl": "private",
            # Should anything ask for a URL, it gets a short-lived signed one, never a public link.
            "querystring_auth": True,
            "querystring_expire": 60,
            # Names are the file's sha256: the same name is the same bytes.
            "file_overwrite": True,
        },
    }
elif EVIDENCE_STORAGE != "filesystem":
    raise environ.ImproperlyConfigured("EVIDENCE_STORAGE is filesystem (MEDIA_ROOT) or s3.")


# --- Audit checkpoints ---------------------------------------------------------------------------
# The chain's head, signed with Ed25519 and published (log, operator's sink, public endpoint) where
# the database's writers cannot rewrite it; verify_audit_log checks the chain against them.
# AUDIT_CHECKPOINT_SIGNING_KEY: the raw 32-byte private key, base64 (`manage.py audit_signing_key
# --generate`). Unset in development: a key derived from SECRET_KEY, which says so wherever it signs.
def _is_raw_ed25519_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except binascii.Error:
        return False


AUDIT_CHECKPOINT_SIGNING_KEY = env.str("AUDIT_CHECKPOINT_SIGNING_KEY", default="")
if AUDIT_CHECKPOINT_SIGNING_KEY and not _is_raw_ed25519_key(AUDIT_CHECKPOINT_SIGNING_KEY):
    raise environ.ImproperlyConfigured(
        "AUDIT_CHECKPOINT_SIGNING_KEY must be a raw 32-byte Ed25519 private key in base64 "
        "(python manage.py audit_signing_key --generate prints one)."
    )
if not AUDIT_CHECKPOINT_SIGNING_KEY and not DEBUG and env.bool("HUBMOD_REQUIRE_SECRET_KEY", default=False):
    raise environ.ImproperlyConfigured(
        "AUDIT_CHECKPOINT_SIGNING_KEY must be set in production (python manage.py audit_signing_key --generate)."
    )
# Public keys (base64, raw 32 bytes) of earlier signing keys, so checkpoints they signed still verify.
AUDIT_CHECKPOINT_VERIFY_KEYS = env.list("AUDIT_CHECKPOINT_VERIFY_KEYS", default=[])
if not all(_is_raw_ed25519_key(key) for key in AUDIT_CHECKPOINT_VERIFY_KEYS):
    raise environ.ImproperlyConfigured(
        "AUDIT_CHECKPOINT_VERIFY_KEYS: each is a raw 32-byte Ed25519 public key in base64, separated by commas."
    )
# The operator's sinks, both off unless set: a file each checkpoint is appended to (make it
# append-only: chattr +a, a WORM mount, a log shipper's spool), and a URL each one is POSTed to.
AUDIT_CHECKPOINT_FILE = env.str("AUDIT_CHECKPOINT_FILE", default="")
AUDIT_CHECKPOINT_URL = env.str("AUDIT_CHECKPOINT_URL", default="")
AUDIT_CHECKPOINT_URL_TOKEN = env.str("AUDIT_CHECKPOINT_URL_TOKEN", default="")  # sent as a Bearer token
AUDIT_CHECKPOINT_TIMEOUT = env.float("AUDIT_CHECKPOINT_TIMEOUT", default=5.0)
AUDIT_CHECKPOINT_MAX_ATTEMPTS = env.int("AUDIT_CHECKPOINT_MAX_ATTEMPTS", default=8)

# --- Revocation feed -----------------------------------------------------------------------------
# The public feed of what the hub has revoked, signed with Ed25519 (docs/revocation-feed.md).
# REVOCATION_SIGNING_KEY: the raw 32-byte private seed, base64 (`manage.py revocation_keygen`).
# Unset: a development key derived from SECRET_KEY; a system check warns with DEBUG on, and
# `manage.py check --deploy` fails with DEBUG off (revocations.checks).
REVOCATION_SIGNING_KEY = env.str("REVOCATION_SIGNING_KEY", default="")
if REVOCATION_SIGNING_KEY and not _is_raw_ed25519_key(REVOCATION_SIGNING_KEY):
    raise environ.ImproperlyConfigured(
        "REVOCATION_SIGNING_KEY must be a raw 32-byte Ed25519 private seed in base64 "
        "(python manage.py revocation_keygen prints one)."
    )
# Entries a page; a full page never changes, and caches may keep it for good.
REVOCATION_PAGE_SIZE = env.int("REVOCATION_PAGE_SIZE", default=1000)
# How long a cache may keep the feed's last page, which grows as entries are published (seconds).
REVOCATION_TAIL_MAX_AGE = env.int("REVOCATION_TAIL_MAX_AGE", default=60)

# --- Intake limits ---------------------------------------------------------------------------
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)
# Evidence files are deleted this many days after their case is resolved, unless a preservation
# hold stands on the case; digests and sizes are kept.
EVIDENCE_RETENTION_DAYS = env.int("EVIDENCE_RETENTION_DAYS", default=180)
# Whole requests larger than this are refused before Django reads them (413).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Rates per client address and per reporter e-mail (django-ratelimit syntax: count/period).
REPORT_RATE_PER_ADDRESS = env.str("REPORT_RATE_PER_ADDRESS", default="30/h")
REPORT_RATE_PER_REPORTER = env.str("REPORT_RATE_PER_REPORTER", default="20/h")
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# Surge: this many distinct reporters on one case within the window flags it in the queue.
SURGE_DISTINCT_REPORTERS = env.int("SURGE_DISTINCT_REPORTERS", default=10)
SURGE_WINDOW_MINUTES = env.int("SURGE_WINDOW_MINUTES", default=60)
# DSA Art. 23: manifestly unfounded notices within the window lead to a warning, then a suspension.
UNFOUNDED_WINDOW_DAYS = env.int("UNFOUNDED_WINDOW_DAYS", default=180)
UNFOUNDED_WARN_AFTER = env.int("UNFOUNDED_WARN_AFTER", default=3)
UNFOUNDED_SUSPEND_AFTER = env.int("UNFOUNDED_SUSPEND_AFTER", default=5)
UNFOUNDED_SUSPENSION_DAYS = env.int("UNFOUNDED_SUSPENSION_DAYS", default=30)
# Four-eyes: decisions with any of these actions take effect only after a second moderator
# approves (whole categories are set in the SLA table).
FOUR_EYES_ACTIONS = env.list("FOUR_EYES_ACTIONS", default=["suspend_account"])
# Active copyright strikes after which the ladder recommends suspending the account.
REPEAT_INFRINGER_STRIKES = env.int("REPEAT_INFRINGER_STRIKES", default=3)
# Automated decisions (hash-list matches) per hour before the circuit breaker stops them.
AUTOMATION_MAX_PER_HOUR = env.int("AUTOMATION_MAX_PER_HOUR", default=20)
REMEDIATION_MAX_BUSINESS_DAYS = env.int("REMEDIATION_MAX_BUSINESS_DAYS", default=15)
# How long an uploader has to answer a moderator's question; the case's SLA clock stops meanwhile.
QUESTION_ANSWER_DAYS = env.int("QUESTION_ANSWER_DAYS", default=7)
# How long the name of a removed repository or a suspended account stays reserved: a sync that
# would give it to someone else is answered "namespace": "reserved" (API.md, protected names).
NAME_RESERVATION_DAYS = env.int("NAME_RESERVATION_DAYS", default=365)

# --- Artifact scanning: fetching files -------------------------------------------------------
# Where a synced file's `url` may point: comma-separated host[:port] (IPv6 in brackets); no port
# means 80 for http, 443 for https. Unset or empty: nothing is fetched. A loopback, private or
# otherwise non-public address is fetched only when that address itself is listed: listing a name
# never vouches for what it resolves to (scanning/fetch.py says the whole rule).
SCAN_FETCH_ALLOWED_HOSTS = env.list("SCAN_FETCH_ALLOWED_HOSTS", default=[])
# Files over this are skipped ("too large"): declared larger by the hub, or grown past it mid-download.
SCAN_MAX_FILE_BYTES = env.int("SCAN_MAX_FILE_BYTES", default=5 * 1024**3)
# The whole download of one file, redirects included; a slow or hung server ends as "timed out".
SCAN_FETCH_TIMEOUT_SECONDS = env.float("SCAN_FETCH_TIMEOUT_SECONDS", default=600.0)
SCAN_FETCH_CONNECT_TIMEOUT_SECONDS = env.float("SCAN_FETCH_CONNECT_TIMEOUT_SECONDS", default=10.0)
# The longest silence between two reads of a body (never past the total above).
SCAN_FETCH_READ_TIMEOUT_SECONDS = env.float("SCAN_FETCH_READ_TIMEOUT_SECONDS", default=30.0)
# Text files over this are not searched for secrets ("skipped", saying so): detect-secrets reads
# about 5 s per MB of line-dense JSON (docs/decisions/secrets-and-clamav.md).
SCAN_SECRETS_MAX_BYTES = env.int("SCAN_SECRETS_MAX_BYTES", default=5 * 1024**2)
# ClamAV: clamd's host:port or the absolute path of its unix socket. Unset: no malware scan, and
# the health page says so. Each read or write to clamd waits at most the timeout.
SCAN_CLAMD_ADDRESS = env.str("SCAN_CLAMD_ADDRESS", default="")
SCAN_CLAMD_TIMEOUT_SECONDS = env.float("SCAN_CLAMD_TIMEOUT_SECONDS", default=120.0)
