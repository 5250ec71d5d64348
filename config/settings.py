"""Settings for the leads service.

Everything that differs between a laptop and production comes from the environment, read
once here with django-environ. Defaults are safe for development; with DJANGO_DEBUG=false
the service refuses to start without a secret key.
"""

from datetime import timedelta
from pathlib import Path

import environ
import orjson
from corsheaders.defaults import default_headers as corsheaders_default_headers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    "organizations.apps.LeadsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "common",
    "organizations",
    "booking",
    "leads",
    "transfers",
    "intake",
    "messaging",
    "desk",
]

MIDDLEWARE = [
    # /healthz and /readyz first: probes skip host validation, the HTTPS redirect and sign-in.
    "common.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp; the policy is CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "desk.static_files.DeskWhiteNoiseMiddleware",  # whitenoise, Vite's hashed names immutable too
    "corsheaders.middleware.CorsMiddleware",
    # Sessions, request.user, messages and (for reads) history: Django's and simple-history's,
    # skipped by token-authenticated API calls (organizations/middleware.py).
    "organizations.middleware.SessionMiddleware",
    # The language of the admin, the receipt and the error pages: the `django_language` cookie (the
    # admin's and the desk's language switch set it), else the browser's Accept-Language, else English.
    # After sessions, before CommonMiddleware (Django's order). API answers stay English (common/languages.py).
    "common.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "organizations.middleware.AuthenticationMiddleware",
    "organizations.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "organizations.middleware.HistoryRequestMiddleware",
    # Too many sign-in attempts in a view that does not answer it itself: a 429, not a 500.
    "organizations.middleware.LoginThrottledMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates that replace Django's own (admin/base_site.html: the language switch); the
        # admin's app directory comes before every other app's, so an app cannot override them.
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

WSGI_APPLICATION = "config.wsgi.application"

# --- Database ---------------------------------------------------------------------------
# SQLite, the default: several users (runserver threads, gunicorn workers) write at once. Readers
# never block the writer (WAL); a write transaction takes the lock when it begins (IMMEDIATE, so
# two of them never fail upgrading a read lock: "database is locked"); a waiting writer queues up
# to the timeout (seconds) instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env.int("DJANGO_SQLITE_TIMEOUT", default=20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # The covering indexes (Index(include=...): the report cohort, follow-ups due, open loan money)
    # are for PostgreSQL's index-only scans; SQLite has no INCLUDE, so Django builds them on their key
    # columns alone (plain indexes there, as intended) and warns models.W040 on every migrate and
    # runserver. Django's hint for it: silence it if you don't care. Only on SQLite, so any other
    # backend without covering indexes still warns.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process when REDIS_URL is set (throttling, claims) -----------
# While Redis is down or hung the service keeps serving: reads miss, writes are dropped, after
# at most one short timeout per process every few seconds (common/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=0.25),
                "RETRY_AFTER": env.float("REDIS_RETRY_AFTER", default=5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------------------
# Token → user → branch scope answered from the shared cache for this many seconds, invalidated at
# once on logout, expiry and user or membership changes (organizations/token_cache.py). On by
# default only with a cache every process shares (REDIS_URL); 0 turns it off.
AUTH_CACHE_SECONDS = env.int("DJANGO_AUTH_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Every sign-in (API token, API session, admin, any future form) goes through Django's
# `authenticate()`, so the login limits live in the one backend it asks (organizations/backends.py).
AUTHENTICATION_BACKENDS = ["organizations.backends.LoginLimitedModelBackend"]
# Database sessions whose rows name their user, so signing out everywhere finds them (organizations/sessions.py).
SESSION_ENGINE = "organizations.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time: the business day is the organization's local day ------------------------------
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Karachi")
USE_TZ = True

# --- Languages: English and Urdu (right to left) -----------------------------------------
# The project's own strings are translated in locale/ur/LC_MESSAGES/django.po; the compiled .mo is
# committed, so a deployment needs no gettext tools (`make messages` regenerates both). Each user's
# choice is kept in the `django_language` cookie (the admin's switch and the desk's, one view:
# organizations/languages.py) and on the user (`UserPreferences`) for the emails sent to them.
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # a year: the choice outlives the browser session

# --- Static files: served by the app itself (whitenoise), so docs and admin need no web server
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security: production defaults switch on when debug is off ---------------------------
# TLS usually ends at a proxy that sets X-Forwarded-Proto; trust it unless told the app faces clients directly.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=True) else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every answer: the admin, the desk (/desk/), /api/docs/ (Swagger UI),
# /api/redoc/ and the browsable API load scripts, styles, fonts and data from the service only, with
# no inline script (Swagger UI's start-up script is a request of its own, common/docs.py; the desk's
# page links its built module, desk/views.py) and no inline style, except on the two pages
# that need one: ReDoc writes its CSS at run time (and runs its search in a blob: worker) and DRF's
# browsable API page has a style attribute (each adds 'unsafe-inline' to style-src for its own answers). data: images are the icons Swagger
# UI and ReDoc inline. Checked in headless Chromium: e2e/test_csp.py. Nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The SPA: cross-origin calls to the API only, with the session cookie; CSRF accepts its origins.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
# Every API path but the intake's: `POST /api/leads/intake/` answers cross-origin calls from the origins its
# intake sources allow, and from no other (intake/cors.py, through corsheaders' check_request_enabled signal).
CORS_URLS_REGEX = r"^/api/(?!leads/intake/).*$"
CORS_ALLOW_HEADERS = (*corsheaders_default_headers, "x-intake-key")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SAMESITE = env.str("DJANGO_SESSION_COOKIE_SAMESITE", default="Lax")
CSRF_COOKIE_SAMESITE = env.str("DJANGO_CSRF_COOKIE_SAMESITE", default="Lax")

# --- REST framework ---------------------------------------------------------------------
# Paginated counts: exact up to this many matches, an estimate beyond (common/api/pagination.py);
# a list found to be past it is remembered as such in the cache for this many seconds.
LEADS_EXACT_COUNT_LIMIT = 10_000
LEADS_ESTIMATED_COUNT_SECONDS = env.int("DJANGO_ESTIMATED_COUNT_SECONDS", default=60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Clients send JSON (the contract); form encodings are not parsed, so one body format is validated.
    # The browsable API's raw-data form posts JSON too. Size and nesting are checked before decoding.
    "DEFAULT_PARSER_CLASSES": ["common.api.parsers.JSONParser"],
    # orjson (drf-orjson-renderer): the same compact UTF-8 JSON as DRF's renderer, a list page
    # rendered several times faster (docs/performance.md).
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "common.api.renderers.BrowsableAPIRenderer",  # DRF's, under the CSP
    ],
    # A list field's 400 names the bad items by index ({"merge": {1: ["…"]}}): orjson must accept int keys.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    # Fixed-window counters, one atomic cache round trip per check, fail-open while the cache is
    # down (common/api/throttling.py; docs/performance.md).
    "DEFAULT_THROTTLE_CLASSES": ["common.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("DJANGO_THROTTLE_USER", default="1000/minute"),
        "login": env.str("DJANGO_THROTTLE_LOGIN", default="10/minute"),
        # Password attempts on every sign-in form (API token and session, admin), counted by the
        # authentication backend (organizations/backends.py): per address, per account from one
        # address, and per account from all addresses together (a backstop, far higher).
        "login_account": env.str("DJANGO_THROTTLE_LOGIN_ACCOUNT", default="20/hour"),
        "login_account_ceiling": env.str("DJANGO_THROTTLE_LOGIN_ACCOUNT_CEILING", default="200/hour"),
        "search": env.str("DJANGO_THROTTLE_SEARCH", default="60/minute"),
        # Enquiries posted to `intake/`: per intake key and, separately, per client address.
        "intake": env.str("DJANGO_THROTTLE_INTAKE", default="60/minute"),
    },
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # No OPTIONS self-description (it would instantiate serializers without their context); the
    # OpenAPI schema describes every operation, and CORS preflights are answered by corsheaders.
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "common.api.exceptions.api_exception_handler",
}

# Audit trail (django-simple-history): history pages show, never revert (reverts would bypass the services).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Hashed, expiring tokens (django-rest-knox); `Authorization: Token <key>` as the contract says.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("DJANGO_TOKEN_TTL_HOURS", default=24 * 7)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Leads API",
    "DESCRIPTION": "Lead generation and area customers for a travel business's branches.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema_hooks.document_query_conventions",
        "common.api.schema_hooks.require_bodies_with_alternatives",
    ],
    # Several models have a `status`; name each enum after its model so the components never collide.
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "booking.models.BookingStatus",
        "LoanStatusEnum": "leads.models.LoanStatus",
        # A new lead's status (create) next to every status (update, filters, output).
        "LeadStatusEnum": "leads.models.LeadStatus",
        "OpenLeadStatusEnum": "leads.models.OPEN_LEAD_STATUS_CHOICES",
        "ImportStatusEnum": "transfers.models.ImportStatus",
        "FollowUpOutcomeEnum": "leads.models.FollowUpOutcome",
        "ConsentViaEnum": "leads.models.ConsentVia",
        "MessageChannelEnum": "messaging.models.ChannelKind",
        "MessageStatusEnum": "messaging.models.MessageStatus",
        # A membership's role (`me/`) next to the roles a branch member may hold (team/, members/).
        "MembershipRoleEnum": "organizations.models.MembershipRole",
        "BranchRoleEnum": "leads.serializers.team.BRANCH_ROLE_CHOICES",
    },
}

# --- Email (follow-up reminders) ----------------------------------------------------------
# One URL says where mail goes (django-environ's email_url): smtp+tls://user:pass@host:587,
# smtp+ssl://…:465, smtp://host:25, consolemail://, filemail:///path. Development defaults to the
# console; production without DJANGO_EMAIL_URL sends nothing: the reminders command refuses to
# run and `check --deploy` says why (common/checks.py).
EMAIL_URL = env.str("DJANGO_EMAIL_URL", default="")
EMAIL_CONFIGURED = bool(EMAIL_URL) or DEBUG
vars().update(env.email_url_config(EMAIL_URL or "consolemail://"))
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="leads@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: `leads` events reach the console; JSON lines with LOG_FORMAT=json ------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    # Every record passes the redaction filter: no passport, CNIC or phone number reaches a log line.
    "filters": {"redact_personal_data": {"()": "common.log_redaction.RedactPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "leads": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "booking": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "messaging": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # runserver's request lines carry query strings; route them through the same filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Background jobs (Celery) --------------------------------------------------------------
# A broker from the environment (amqp://guest:guest@127.0.0.1:5672// or redis://…); with none,
# tasks run in-process when enqueued (after the commit that enqueues them), so `make run` needs nothing.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged when it ends, and redelivered when its worker dies: imports resume where
# the last committed chunk left them (their services are written to be run again).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="leads")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Largest file an import accepts (bytes).
LEADS_IMPORT_MAX_BYTES = env.int("LEADS_IMPORT_MAX_BYTES", default=25 * 1024 * 1024)
# What an import reads of a file (transfers/files.py), checked before and while reading it:
# data rows (the last row read is row MAX_ROWS + 1, the header being row 1), columns of the header,
# characters in a cell; for an XLSX (a zip), its parts' total size once unzipped, the size of each
# part read whole into memory (shared strings, styles: all but the worksheets, which are streamed),
# and how many times its stored size a part may unzip to.
LEADS_IMPORT_MAX_ROWS = env.int("LEADS_IMPORT_MAX_ROWS", default=100_000)
LEADS_IMPORT_MAX_COLUMNS = env.int("LEADS_IMPORT_MAX_COLUMNS", default=50)
LEADS_IMPORT_MAX_CELL_CHARS = env.int("LEADS_IMPORT_MAX_CELL_CHARS", default=10_000)
LEADS_IMPORT_MAX_UNZIPPED_BYTES = env.int("LEADS_IMPORT_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
LEADS_IMPORT_MAX_PART_BYTES = env.int("LEADS_IMPORT_MAX_PART_BYTES", default=50 * 1024 * 1024)
LEADS_IMPORT_MAX_ZIP_RATIO = env.int("LEADS_IMPORT_MAX_ZIP_RATIO", default=100)
# Without a broker an import runs on this many threads of the web process (never in the request).
LEADS_IMPORT_THREADS = env.int("LEADS_IMPORT_THREADS", default=1)
LEADS_IMPORT_RUN_INLINE = False  # the test settings run it in the caller
# A Celery worker stops a run after this many seconds (soft limit; killed 30 s later) and queues the rest again.
LEADS_IMPORT_TIME_LIMIT = env.int("LEADS_IMPORT_TIME_LIMIT", default=600)
# `resume_imports` takes up an import queued or running with no progress for this long, and fails it
# after this many resumes without progress.
LEADS_IMPORT_STALE_MINUTES = env.int("LEADS_IMPORT_STALE_MINUTES", default=15)
LEADS_IMPORT_MAX_ATTEMPTS = env.int("LEADS_IMPORT_MAX_ATTEMPTS", default=3)
# `purge_imports` deletes dry runs and failed imports, and drops stored files, older than this.
LEADS_IMPORT_RETENTION_DAYS = env.int("LEADS_IMPORT_RETENTION_DAYS", default=90)

# --- Intake: web forms and Meta Lead Ads (docs/intake.md) ----------------------------------
# The largest enquiry body `POST /api/leads/intake/` reads (bytes; 413 beyond), and the largest Meta webhook.
INTAKE_MAX_BODY_BYTES = env.int("INTAKE_MAX_BODY_BYTES", default=16 * 1024)
META_WEBHOOK_MAX_BYTES = env.int("META_WEBHOOK_MAX_BYTES", default=256 * 1024)
# The service's Meta app: the webhooks' signature secret and the subscription check's token (empty: refused).
META_APP_SECRET = env.str("META_APP_SECRET", default="")
META_VERIFY_TOKEN = env.str("META_VERIFY_TOKEN", default="")
# The Graph API (tests point it at a local fake), its version, each call's timeout (seconds), and how many
# times a lead's fetch is retried (back-off from 30 s, doubling, at most an hour) before it is marked failed.
META_GRAPH_URL = env.str("META_GRAPH_URL", default="https://graph.facebook.com").rstrip("/")
META_GRAPH_VERSION = env.str("META_GRAPH_VERSION", default="v23.0")
META_GRAPH_TIMEOUT = env.float("META_GRAPH_TIMEOUT", default=10.0)
META_FETCH_MAX_RETRIES = env.int("META_FETCH_MAX_RETRIES", default=6)
# --- Customer messages (WhatsApp Cloud API, Twilio SMS; docs/messaging.md) -------------------
# Fernet keys that encrypt the channels' secrets at rest, comma-separated, newest first (rotation:
# put the new key in front, `manage.py rotate_channel_secrets`, drop the old one). Required when
# debug is off and a channel is connected (`check --deploy` says so); development derives one from
# SECRET_KEY when unset.
FIELD_ENCRYPTION_KEYS = env.list("DJANGO_FIELD_ENCRYPTION_KEY", default=[])
FIELD_ENCRYPTION_DERIVE_FROM_SECRET_KEY = DEBUG
# Twilio's API base URL (tests point it at a local fake; the Graph API's is META_GRAPH_URL above).
TWILIO_API_URL = env.str("TWILIO_API_URL", default="https://api.twilio.com").rstrip("/")
# Where Twilio posts delivery statuses (the public address of /api/messaging/twilio/); unset: none asked for.
TWILIO_STATUS_CALLBACK_URL = env.str("TWILIO_STATUS_CALLBACK_URL", default="")
# Business-time hours in which no reminder goes out ("HH:MM-HH:MM", may cross midnight; empty: none).
MESSAGING_QUIET_HOURS = env.str("MESSAGING_QUIET_HOURS", default="21:00-09:00")
# Without a connected channel, messages are written to the log instead of sent: development only, as email.
MESSAGING_LOG_PROVIDER = env.bool("MESSAGING_LOG_PROVIDER", default=DEBUG)
# One provider request's limit (seconds), attempts before a message is failed, the first retry's
# delay (doubled each time, with jitter, capped at an hour), the least gap between two messages to
# one customer, and how long a claim may stay unfinished before the sweep fails it as "delivery unknown".
MESSAGING_HTTP_TIMEOUT = env.float("MESSAGING_HTTP_TIMEOUT", default=10.0)
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=6)
MESSAGING_RETRY_BASE_SECONDS = env.int("MESSAGING_RETRY_BASE_SECONDS", default=30)
MESSAGING_CUSTOMER_GAP_SECONDS = env.int("MESSAGING_CUSTOMER_GAP_SECONDS", default=6)
MESSAGING_STALE_CLAIM_MINUTES = env.int("MESSAGING_STALE_CLAIM_MINUTES", default=10)
