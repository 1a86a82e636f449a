"""Meshutaf settings: one file, driven by environment variables through typed helpers.

Everything an operator may change is read here; see docs/operator.md for the list.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from meshutaf.core.datadir import data_dir_path, secret_key_read
from meshutaf.core.env import env_bool, env_int, env_list, env_str
from meshutaf.core.storage import uploads_storage

BASE_DIR = Path(__file__).resolve().parent

# Settings only read: the entry points (the `meshutaf` command, wsgi.py) make the data
# directory and its secret key first (core.datadir.data_dir_prepare).
DATA_DIR = data_dir_path()
# The database, uploads, logs and keys are for the site's own user only: every file it
# creates is 0600 and every folder 0700 (the command line and the WSGI entry set the umask).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# MESHUTAF_SECRET_KEY, else DATA_DIR/secret_key. Without either (settings imported by hand
# before any entry point ran) the key is empty and Django refuses to sign anything with it.
SECRET_KEY = secret_key_read(data_dir=DATA_DIR)
DEBUG = env_bool("MESHUTAF_DEBUG", False)
ALLOWED_HOSTS = env_list("MESHUTAF_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MESHUTAF_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("MESHUTAF_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "csp",
    "ninja",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "meshutaf.core",
    "meshutaf.accounts",
    "meshutaf.directory",
    "meshutaf.initiatives",
    "meshutaf.search",
    "meshutaf.notifications",
    "meshutaf.meetings",
    "meshutaf.stakeholder_map",
    "meshutaf.knowledge",
    "meshutaf.workshops",
    "meshutaf.deliberation",
    "meshutaf.discourse",
    "meshutaf.measurement",
    "meshutaf.programs",
    # Above the features: pages that gather from several of them.
    "meshutaf.reports",
    "meshutaf.home",
    "meshutaf.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "meshutaf.core.middleware.RequestSizeLimitMiddleware",
    "meshutaf.core.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    "meshutaf.accounts.middleware.UserLanguageMiddleware",
    "meshutaf.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts, the sessions list, and two-factor enrolment for those
    # who must have it (accounts.middleware).
    "meshutaf.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in after the view has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "meshutaf.urls"
WSGI_APPLICATION = "meshutaf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meshutaf.core.context_processors.interface",
                "meshutaf.home.context_processors.background_jobs",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "meshutaf.sqlite3"),
            "OPTIONS": {
                # WAL lets readers and one writer work together; IMMEDIATE avoids
                # "database is locked" when a read transaction later needs to write.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Kept open between requests: a new SQLite connection re-reads the whole schema,
            # about 5 ms of CPU per request (bench/load.py), more than a light page's queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-in (the site's and the admin's) after repeated failures; see AXES_* below.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "he"
LANGUAGES = [("he", _("Hebrew")), ("ar", _("Arabic")), ("en", _("English"))]
LANGUAGES_BIDI = ["he", "ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "meshutaf_language"
TIME_ZONE = env_str("MESHUTAF_TIME_ZONE", "Asia/Jerusalem")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are served only through permission-checked views, never from MEDIA_URL.
MEDIA_URL = "/media/"
MESHUTAF_MAX_UPLOAD_MB = env_int("MESHUTAF_MAX_UPLOAD_MB", 25, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = DATA_DIR / "uploads"
# Uploads in MEDIA_ROOT, or with MESHUTAF_STORAGE=s3 in an S3-compatible bucket (core.storage).
STORAGES = {
    "default": uploads_storage(),
    "staticfiles": {
        "BACKEND": (
            "meshutaf.core.staticfiles.StaticFilesStorage"
            if env_bool("MESHUTAF_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = env_bool("MESHUTAF_STATIC_FINDERS", False)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker records a heartbeat this often; one silent for four beats is taken for dead and
# its running job is queued again (see core/worker.py).
WORKER_BEAT_SECONDS = env_int("MESHUTAF_WORKER_BEAT_SECONDS", 10, minimum=1)

# The cache is shared by every web and worker process of the site, never one process's memory:
# Redis when MESHUTAF_REDIS_URL (or REDIS_URL) is set, else a table in the database (made by
# `meshutaf migrate`), which every process on every machine already shares. Sessions stay in
# the database, not in the cache: "sign out everywhere" deletes them there, and a cached copy
# would outlive that. Rate limits (core.ratelimit) and failed sign-ins (django-axes) are
# counted in the database too.
REDIS_URL = env_str("MESHUTAF_REDIS_URL") or env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "meshutaf",
            # A Redis that does not answer fails the request in seconds, not minutes.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "meshutaf_cache",
        }
    )
}

# The Discourse Index may add a local Hugging Face encoder's embeddings to its features (the
# `transformers` extra); a directory on disk, never a download.
DISCOURSE_ENCODER = env_str("MESHUTAF_DISCOURSE_ENCODER")

# Without a mail server, messages are written to DATA_DIR/outbox (one file each), where a
# new installation's invitations and reminders can be read.
EMAIL_BACKEND = env_str(
    "MESHUTAF_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("MESHUTAF_EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = env_str("MESHUTAF_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MESHUTAF_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("MESHUTAF_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("MESHUTAF_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("MESHUTAF_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("MESHUTAF_FROM_EMAIL", "meshutaf@localhost")
# A site reached over the network will not start with mail that stays on the server (outbox
# files, the console) unless this says so (core.checks).
ALLOW_LOCAL_MAIL = env_bool("MESHUTAF_ALLOW_LOCAL_MAIL", False)

INVITATION_VALID_DAYS = env_int("MESHUTAF_INVITATION_DAYS", 14, minimum=1)

BEHIND_PROXY = env_bool("MESHUTAF_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Trust the proxy's X-Forwarded-Proto/Host, so links (invitations) use the public address.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account,
# or from one address, sign-in is refused there for the cool-off period, whatever the password.
AXES_FAILURE_LIMIT = env_int("MESHUTAF_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("MESHUTAF_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try during the pause does not restart it, so "try again in 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "meshutaf.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "meshutaf.core.http.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# No log of every sign-in with its address and browser: only the failures the throttle needs,
# which the worker forgets once their cool-off is over (core.worker).
AXES_DISABLE_ACCESS_LOG = True
# Two-factor sign-in (django-otp): who must enrol a second factor before using the site.
# "staff" (backbone staff and administrators), "facilitators" (a facilitator of any initiative),
# "everyone", or "none"; everyone else may enrol on their account page.
TWO_FACTOR_REQUIRED_FOR = env_list("MESHUTAF_2FA_REQUIRED_FOR", ["staff", "facilitators"])
if set(TWO_FACTOR_REQUIRED_FOR) - {"staff", "facilitators", "everyone", "none"}:
    raise ImproperlyConfigured(
        "MESHUTAF_2FA_REQUIRED_FOR takes a comma-separated list of staff, facilitators, "
        f"everyone or none, not {','.join(TWO_FACTOR_REQUIRED_FOR)!r}."
    )
OTP_TOTP_ISSUER = env_str("MESHUTAF_2FA_ISSUER", "Meshutaf")
# Wrong codes are limited by django-axes with wrong passwords (per account and per address);
# django-otp's own growing delay would, on top of it, refuse a right code typed soon after a
# typo and call it wrong.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Sessions end after this long without a request, and this long after sign-in whatever happens.
SESSION_IDLE_MINUTES = env_int("MESHUTAF_SESSION_IDLE_MINUTES", 240, minimum=1)
SESSION_MAX_HOURS = env_int("MESHUTAF_SESSION_MAX_HOURS", 168, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Password-reset e-mails: per address and per e-mail address, in an hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("MESHUTAF_PASSWORD_RESET_PER_ADDRESS", 10, minimum=0)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("MESHUTAF_PASSWORD_RESET_PER_EMAIL", 3, minimum=0)

# Content-Security-Policy: scripts only from the site itself (or inline with this response's
# nonce), no plugins, no framing, forms post only here. Styles may be inline: the charts are SVG
# with style attributes, and htmx adds its indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MESHUTAF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS: a browser that has reached the site over HTTPS keeps to HTTPS for this many seconds.
# Off (0) until the site is known to stay on HTTPS: a browser that has seen it cannot be told
# otherwise before the time is up. Sent only on HTTPS requests (behind a proxy, with
# MESHUTAF_BEHIND_PROXY=true so the proxy's X-Forwarded-Proto is believed).
SECURE_HSTS_SECONDS = env_int("MESHUTAF_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MESHUTAF_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("MESHUTAF_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOG_DIR = DATA_DIR / "logs"
# Values of many kinds, which tests/settings.py builds on: typed loosely on purpose.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "meshutaf.log",
            "maxBytes": 5_000_000,
            "backupCount": 3,
            "formatter": "plain",
            # Opened on the first record, not when logging is set up.
            "delay": True,
        },
    },
    "root": {
        "handlers": ["console", "file"],
        "level": env_str(
            "MESHUTAF_LOG_LEVEL",
            "WARNING",
            choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        ),
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "meshutaf.core.schemas.Pagination"

FORM_RENDERER = "meshutaf.core.forms.FormRenderer"
FORMAT_MODULE_PATH = ["meshutaf.formats"]
