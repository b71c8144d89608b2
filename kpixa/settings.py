"""Django settings for kpixa, read once from the environment (docs/settings.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kpixa.env import env_bool, env_int, env_list, env_str, require_in_production

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KPIXA_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_str("KPIXA_MODE", "demo")
if MODE not in {"demo", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"KPIXA_MODE must be 'demo' or 'production', got {MODE!r}")
PRODUCTION = MODE == "production"
DEMO_MODE = not PRODUCTION
require_in_production(PRODUCTION, ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])

SECRET_KEY = env_str("SECRET_KEY", "kpixa-demo-only-not-secret")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "pgtrigger",  # append-only triggers of the audit log and snapshots (PostgreSQL)
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "django_tasks_db",  # the database queue of Django's tasks framework (TASKS below)
    "kpixa.accounts",
    "kpixa.units",
    "kpixa.workdays",
    "kpixa.dossiers",
    "kpixa.accountability",
    "kpixa.frameworks",
    "kpixa.scoring",
    "kpixa.evaluations",
    "kpixa.reporting",
    "kpixa.warnings",
    "kpixa.review",
    "kpixa.web",
    "kpixa.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kpixa.db_busy.DatabaseBusyMiddleware",  # SQLite busy beyond its timeout: 503, not 500
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpixa.urls"
WSGI_APPLICATION = "kpixa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kpixa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kpixa.accounts.context_processors.notifications",
                "kpixa.web.navigation.menu",
            ],
        },
    },
]

# Database: DATABASE_URL picks it; the demo default is an embedded SQLite file in var/.
DEFAULT_SQLITE = VAR_DIR / "kpixa.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_SQLITE}"
DATABASE_URL = env_str("DATABASE_URL", DEFAULT_DATABASE_URL)
if DATABASE_URL == DEFAULT_DATABASE_URL:
    DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; busy timeout avoids spurious locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # SQLite has one writer at a time and an import batch is one transaction: other writers
        # (API posts, logins) wait for its commit up to this many seconds (docs/settings.md).
        "timeout": env_int("KPIXA_SQLITE_BUSY_TIMEOUT", 180),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file beside the database, not in shared-cache memory: threads then meet
    # the production locking (WAL, busy timeout) instead of immediate "table is locked" errors.
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        DATABASES["default"]["TEST"] = {"NAME": str(DATABASES["default"]["NAME"]) + ".test"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions in the database, read through the per-process cache: one query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Login throttling (django-axes, kpixa/accounts/throttle.py): lock a username+address pair after
# KPIXA_LOGIN_FAILURE_LIMIT failures, and an address after KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT
# failures whatever the usernames (password spraying); docs/security.md, "Login protection".
AXES_HANDLER = "kpixa.accounts.throttle.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("KPIXA_LOGIN_FAILURE_LIMIT", 5)
KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("KPIXA_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True  # forgets the pair's failures only (LoginThrottle.reset_user_attempts)
# The client address (django-ipware): REMOTE_ADDR; behind reverse proxies, only the header they
# set (KPIXA_CLIENT_IP_HEADER, e.g. X-Forwarded-For or X-Real-IP), read from the right:
# KPIXA_TRUSTED_PROXIES proxies each appended one address, so the client is that many from the end.
KPIXA_CLIENT_IP_HEADER = env_str("KPIXA_CLIENT_IP_HEADER", "")
AXES_IPWARE_PROXY_COUNT: int | None
if KPIXA_CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_" + KPIXA_CLIENT_IP_HEADER.upper().replace("-", "_"),)
    AXES_IPWARE_PROXY_COUNT = max(env_int("KPIXA_TRUSTED_PROXIES", 1) - 1, 0)
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
IPWARE_STRICT = False  # a longer chain (a client's own forged entries on the left) is read from the right
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# Language and time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kpixa" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kpixa.formats"]

# An API batch may hold 5,000 portal records of a few kilobytes each.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KPIXA_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
# Import limits of one batch (kpixa/dossiers/limits.py, docs/settings.md "Import limits"):
# beyond any of them the batch stops with one reason and nothing written.
KPIXA_IMPORT_MAX_ROWS = env_int("KPIXA_IMPORT_MAX_ROWS", 2_000_000)
KPIXA_IMPORT_MAX_REJECTIONS = env_int("KPIXA_IMPORT_MAX_REJECTIONS", 10_000)
KPIXA_IMPORT_MAX_XLSX_BYTES = env_int("KPIXA_IMPORT_MAX_XLSX_BYTES", 200 * 1024 * 1024)
KPIXA_IMPORT_MAX_XLSX_RATIO = env_int("KPIXA_IMPORT_MAX_XLSX_RATIO", 100)
# An API batch waits at most this many seconds for an earlier batch of its source system
# (PostgreSQL), then answers 503 with Retry-After (kpixa/db_busy.py).
KPIXA_API_LOCK_WAIT = env_int("KPIXA_API_LOCK_WAIT", 60)
# The accountability pass (docs/flags.md) after every committed dossier batch; off, the
# detect_flags command runs it instead.
KPIXA_DETECT_AFTER_BATCH = env_bool("KPIXA_DETECT_AFTER_BATCH", True)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kpixa" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Private files (evidence, uploads): outside any web root, served only through views.
PRIVATE_MEDIA_ROOT = Path(env_str("KPIXA_PRIVATE_MEDIA", str(VAR_DIR / "private")))

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("KPIXA_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0

# Content-Security-Policy (django-csp 4): everything from our own origin, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Background jobs (web uploads) run through Django's tasks framework (django.tasks). The default
# backend keeps the queue in our database (django-tasks-db), run by `manage.py run_worker`; a
# province whose imports outgrow one machine names another backend here, e.g. a Celery one,
# and runs that backend's workers instead (docs/settings.md, "Background jobs").
TASKS = {"default": {"BACKEND": env_str("KPIXA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Dossier on-time rule (docs/rules.md, "Dossier outcome", a default): after a supplement, add the
# waiting time to the due date before the first supplement ("truoc", NgayHenTraTruoc) or to
# NgayHenTra ("hentra").
KPIXA_SUPPLEMENT_DUE_BASE = env_str("KPIXA_SUPPLEMENT_DUE_BASE", "truoc")
if KPIXA_SUPPLEMENT_DUE_BASE not in {"truoc", "hentra"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("KPIXA_SUPPLEMENT_DUE_BASE must be 'truoc' or 'hentra'")

# Reporting and the period lifecycle (docs/reporting.md).
KPIXA_EVIDENCE_MAX_BYTES = env_int("KPIXA_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
KPIXA_APPEAL_DAYS = env_int("KPIXA_APPEAL_DAYS", 10)  # unverified default: the province sets it
# Signs the audit heads published with each snapshot (docs/security.md); empty: heads unsigned.
KPIXA_AUDIT_HMAC_KEY = env_str("KPIXA_AUDIT_HMAC_KEY", "")
KPIXA_SITE_URL = env_str("KPIXA_SITE_URL", "")  # absolute links in e-mails, e.g. https://kpi.example.gov.vn

# E-mail (docs/settings.md): the console in the demo, SMTP in production, the server from the environment.
EMAIL_BACKEND = env_str(
    "KPIXA_EMAIL_BACKEND",
    f"django.core.mail.backends.{'smtp' if PRODUCTION else 'console'}.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("KPIXA_EMAIL_FROM", "kpixa@localhost")
EMAIL_HOST = env_str("KPIXA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KPIXA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KPIXA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KPIXA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KPIXA_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("KPIXA_EMAIL_SSL", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KPIXA_LOG_LEVEL", "WARNING")},
}
