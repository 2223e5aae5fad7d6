"""Settings shared by every environment. Everything that varies is read from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "mail",
    "csp",
    "events",
    "exhibitors",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "qr_code",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database that is down answers 503 with Retry-After (core/middleware.py), never a 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: answers a locked-out login with templates/core/lockout.html (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

# --- Security headers (core/security.py) -----------------------------------------------------
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        # No 'unsafe-inline': every script of ours is a static file (Wagtail's admin excepted).
        "script-src": [_SELF],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "media-src": [_SELF, "blob:"],
        "worker-src": [_SELF, "blob:"],
        # blob: the walk-in's badge printed from a frame; https: embedded videos in pages.
        "frame-src": [_SELF, "blob:", "https:"],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_SELF],
    }
}

# Guessing is slow and noisy (django-axes): after 10 failed logins for one account OR from one
# address within 15 minutes, the admin and exhibitor logins refuse further tries (even the right
# password) for 15 minutes; each failure and lockout is logged (AccessAttempt, AccessFailureLog,
# the "axes.watch_login" logger). The client address is core.ratelimit.client_ip (honours
# RATE_LIMIT_IP_HEADER behind a proxy).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several door scanners write at once on the embedded default: WAL lets readers go on while
    # one writer writes, IMMEDIATE takes the write lock at BEGIN (no upgrade deadlocks), and the
    # busy timeout makes a writer wait instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    INSTALLED_APPS.append("django.contrib.postgres")
    # A restarted database costs no 500 (a kept connection is checked before reuse); a frozen
    # one costs seconds, not minutes: DATABASE_CONNECT_TIMEOUT (seconds, default 5) and
    # DATABASE_STATEMENT_TIMEOUT (milliseconds, default 30000; 0 turns it off).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")))
    _statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30000"))
    if _statement_timeout > 0:
        _db_options["options"] = " ".join(
            filter(
                None, [_db_options.get("options", ""), f"-c statement_timeout={_statement_timeout}"]
            )
        )
    # The door scan sends its two statements as prepared statements (planned once per
    # connection; the ORM's queries are bound client-side and never prepared). Django turns
    # psycopg's preparing off unless a threshold is given. Set DATABASE_PREPARED_STATEMENTS=0
    # behind a pooler that cannot keep prepared statements (PgBouncer before 1.21 in
    # transaction mode), and DATABASE_SERVER_SIDE_CURSORS=0 there too (a named cursor lives
    # across transactions: docs/deploy.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = not env_bool(
        "DATABASE_SERVER_SIDE_CURSORS", True
    )
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Added to the URL's own options (sslmode=… and the like), never in their place.
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
#: The model the activity log files its entries under (core imports no app: see core/admin.py).
ACTIVITY_EVENT_MODEL = "events.Event"
# The event an organizer's email texts belong to (mail names no app: it finds it here).
MAIL_EVENT_MODEL = "events.Event"

# --- Cache and sessions ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The cache is an accelerator: a dead or frozen Redis is a miss, never a 500 or a hang
    # (core/cache.py). REDIS_TIMEOUT (seconds) bounds each connect and each answer.
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Every gunicorn worker and app server must see the same cache (rate limits, the site's
    # content version): the database's, never a process's memory. `make migrate` and the test
    # database create its table (createcachetable).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "forumhall_cache",
        }
    }

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Seconds a long job (badge sheets, proceedings) stays its worker's without a progress write:
# a job whose worker died is taken up again within about 1.25 × this (core/leases.py).
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "180"))
# Seconds between two sweeps of the payment deadlines by each task worker (core/periodic.py).
PAYMENT_SWEEP_SECONDS = int(os.environ.get("PAYMENT_SWEEP_SECONDS", "300"))

# --- Passwords ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
CURRENCY = "VND"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm (package.json + lock), never copied into the repo.
    ("vendor/be-vietnam-pro", NODE_MODULES / "@expo-google-fonts" / "be-vietnam-pro"),
    ("vendor/jsqr", NODE_MODULES / "jsqr" / "dist"),
]
# Media (speaker photos, logos, papers, badge sheets, built books) go through Django's storage
# API only: the local folder MEDIA_ROOT by default; MEDIA_STORAGE=s3 puts them in an
# S3-compatible bucket (django-storages) that every app server and task worker shares.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
if MEDIA_STORAGE == "s3":
    # AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL (MinIO, Ceph, moto… or empty for AWS),
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME. The browser fetches media
    # from the site's own origin (the CSP allows no other): nginx proxies /media/ to the bucket
    # and AWS_S3_CUSTOM_DOMAIN names that place ("forum.example.vn/media"); without it the
    # URLs point at the bucket itself, signed for AWS_QUERYSTRING_EXPIRE seconds.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": os.environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            # Path-style addresses work with every S3-compatible server.
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # As on disk: a second file of the same name gets a new name, never replaces the
            # first (a badge sheet, a rendition, an uploaded paper).
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Forum <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Attempts to send one email of the outbox before giving up (1, 2, 4 … minutes apart).
# REGISTRATION_EMAIL_MAX_ATTEMPTS is its former name, still read.
MAIL_MAX_ATTEMPTS = int(
    os.environ.get("MAIL_MAX_ATTEMPTS", os.environ.get("REGISTRATION_EMAIL_MAX_ATTEMPTS", "8"))
)
# Seconds a sender holds one email before another may send it (its worker died mid-send).
MAIL_SEND_LEASE_SECONDS = int(os.environ.get("MAIL_SEND_LEASE_SECONDS", "300"))
# Each announcement goes out at most this many emails per minute (0: as fast as the mail server
# takes them; two announcements sent at once go out side by side, each at this rate); the
# reminder the day before an event is queued this many hours before it starts.
ANNOUNCEMENT_SEND_RATE = int(os.environ.get("ANNOUNCEMENT_SEND_RATE", "600"))
REMINDER_HOURS_BEFORE = int(os.environ.get("REMINDER_HOURS_BEFORE", "24"))

# --- Registration ---------------------------------------------------------------------------
# Hours a confirmation link works; unconfirmed registrations expire after that.
REGISTRATION_CONFIRM_HOURS = int(os.environ.get("REGISTRATION_CONFIRM_HOURS", "48"))
# Public form submissions per IP: "hits/seconds" ("0/0" turns the limit off).
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10/600")
# Per scanning device: searches ("30/60") and walk-ins ("20/3600"); "0/0" turns one off.
CHECKIN_SEARCH_RATE_LIMIT = os.environ.get("CHECKIN_SEARCH_RATE_LIMIT", "30/60")
CHECKIN_WALKIN_RATE_LIMIT = os.environ.get("CHECKIN_WALKIN_RATE_LIMIT", "20/3600")
# Email + code attempts at a self check-in kiosk, per kiosk (a guessing guest is slowed down).
CHECKIN_KIOSK_CODE_RATE_LIMIT = os.environ.get("CHECKIN_KIOSK_CODE_RATE_LIMIT", "10/300")
# A device works until this long after its event ends (unless the organizer sets its expiry).
CHECKIN_DEVICE_LIFETIME_HOURS = int(os.environ.get("CHECKIN_DEVICE_LIFETIME_HOURS", "24"))
# Badge scans per exhibitor member at their booth (lead scanning): "hits/seconds", "0/0" off.
LEAD_SCAN_RATE_LIMIT = os.environ.get("LEAD_SCAN_RATE_LIMIT", "60/60")
# Emails a stranger can cause (exhibitor sign-up, password resets, "someone registered again"):
# at most this many per address and per client IP ("hits/seconds"; "0/0" turns one off).
EMAIL_RATE_LIMIT_ADDRESS = os.environ.get("EMAIL_RATE_LIMIT_ADDRESS", "3/3600")
EMAIL_RATE_LIMIT_IP = os.environ.get("EMAIL_RATE_LIMIT_IP", "10/3600")
# Behind a proxy: the META key holding the client's address (e.g. HTTP_X_REAL_IP).
RATE_LIMIT_IP_HEADER = os.environ.get("RATE_LIMIT_IP_HEADER", "")
# Empty: the site's own /privacy/ (cms.views.privacy_policy: the privacy page in each language).
PRIVACY_POLICY_URL = os.environ.get("PRIVACY_POLICY_URL", "")
#: The slug of the privacy page under the site's root (its translations follow it).
PRIVACY_PAGE_SLUG = os.environ.get("PRIVACY_PAGE_SLUG", "chinh-sach-bao-mat")

# --- Proceedings ----------------------------------------------------------------------------
# A paper PDF with more pages is left out of the book (the pre-flight says so).
PROCEEDINGS_MAX_PAPER_PAGES = int(os.environ.get("PROCEEDINGS_MAX_PAPER_PAGES", "200"))

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Diễn đàn Chuyển đổi số")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# Documents (papers, built books in a private collection) always go through Wagtail's view,
# which checks the collection's privacy and streams the file from the storage; never a redirect
# to the file's own URL (Wagtail's default when the storage is a bucket). nginx refuses
# /media/documents/ (deploy/nginx/forumhall.conf).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "pptx", "ppt", "docx", "doc", "xlsx", "csv", "txt", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin's password reset, at most a few emails per address and per client an hour.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "core.auth.RateLimitedPasswordResetForm"  # noqa: S105 (a dotted path)
# Page slugs are ASCII in both languages (the admin transliterates "đ" and tones as one types;
# cms.models.AsciiSlugMixin folds whatever else arrives): no percent-encoded URLs.
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# No avatars from gravatar.com: blocked without internet, and a leak of the editors' emails.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The public base URL, for links in emails and badges.
BASE_URL = WAGTAILADMIN_BASE_URL

LOGIN_URL = "/admin/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets in URLs (manage links, keys, tokens) never reach a log line: core/logging.py.
    "filters": {"redact_secrets": {"()": "core.logging.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        # runserver's request lines (Django's own handler, with the filter).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint's progress ("Step 5 - Creating layout - Page 12"): read by the proceedings
        # build for its progress bar (cms.proceedings.render), never printed.
        "weasyprint.progress": {"level": "INFO", "propagate": False},
    },
}

# --- Offline-first scanner (events/checkin/sync.py, static/js/scanner.js) -------------------
#: A paired scanner warns when its copy of the list has not been refreshed for this long (s).
CHECKIN_OFFLINE_STALE_AFTER = int(os.environ.get("CHECKIN_OFFLINE_STALE_AFTER", "600"))
#: The change feed re-sends what changed this long before its cursor (s): a row stamped before
#: its transaction commits, clocks of the application and the database a little apart.
CHECKIN_SYNC_OVERLAP = 120
#: A scanner takes a whole new copy this often (s): it drops deleted registrations.
CHECKIN_SNAPSHOT_EVERY = 900
#: A scan queued offline is recorded at the device's time, trusted this far back (s).
CHECKIN_OFFLINE_MAX_AGE = 24 * 3600
#: A scan waits this long for the server before the scanner decides it offline (ms).
CHECKIN_ONLINE_TIMEOUT_MS = 1500
#: While online, the scanner sends its queue and fetches the list's changes this often (ms).
CHECKIN_SYNC_EVERY_MS = 4000
