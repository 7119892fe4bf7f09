"""Mailadmin settings: every value comes from an environment variable with a working default.

See README.md, "Production configuration", for the list.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from mailadmin.addresses import check_recipient_delimiter
from mailadmin.datadir import generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """An environment variable, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


DATA_DIR = Path(env("MAILADMIN_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    # The one file written while settings are read: Django needs the value now.
    key = env("SECRET_KEY")
    if key:
        return key
    return generated_secret(DATA_DIR / "secret_key", 50)


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "mailadmin",  # signals: the SQLite file private, a staff login's idle clock
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "domains",
    "aliases",
    "accounts",
    "selfservice",
    "audit",
    "vacation",
    "limits",  # per-domain limits (panel-owned)
    "usage",  # how full each mailbox is (`mail usage collect`)
    "api",  # the REST API and its tokens (/api/v1/, /tokens/)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from here, no CDN
    # Staff accounts: login throttling and optional TOTP two-factor (accounts.twofactor).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mailadmin.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the menu's cookie, else the browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mailadmin.middleware.RequestSizeMiddleware",  # before anything reads the body
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mailadmin.middleware.StaffIdleMiddleware",
    "accounts.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "mailadmin.urls"
WSGI_APPLICATION = "mailadmin.wsgi.application"

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

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mailadmin.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # (The file's directory is created at start-up, by mailadmin.apps.)
    # A writer takes the write lock when its transaction begins (not at its first write,
    # where two readers turning writers fail at once with "database is locked"), and the
    # others wait for it up to `timeout` seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("MAILADMIN_SQLITE_TIMEOUT", 20),
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
# `mail usage collect` writes through its own account when this is set (`mail config grants`
# creates one that may write only the usage table); unset, it uses DATABASE_URL's.
USAGE_DATABASE_URL = env("MAILADMIN_USAGE_DATABASE_URL", "")
if USAGE_DATABASE_URL:
    try:
        DATABASES["usage"] = dj_database_url.parse(USAGE_DATABASE_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"MAILADMIN_USAGE_DATABASE_URL is not a database URL: {exc}"
        ) from None
    DATABASES["usage"]["OPTIONS"] = DATABASES["default"].get("OPTIONS", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mailadmin.password_validation.VarietyValidator"},
]

# django-axes first: it refuses a locked-out client before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The panel's languages (README, "Languages"); the `mail` command always speaks English.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mailadmin.formats"]
LANGUAGE_COOKIE_NAME = "mailadmin_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
WHITENOISE_USE_FINDERS = DEBUG  # STATIC_ROOT is created at start-up (mailadmin.apps)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django's database sessions, read by a prepared query (mailadmin.sessions).
SESSION_ENGINE = "mailadmin.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# HTTPS=1 when the panel is served over TLS (directly or behind a proxy that sets
# X-Forwarded-Proto): secure cookies, HSTS and a redirect of plain HTTP.
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Preloading is hard to undo, so it is the postmaster's explicit choice, not a warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: JavaScript lives in static/js/, CSS in static/css/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- request bodies --------------------------------------------------------------------
# mailadmin.middleware refuses (413) a body larger than this before anything reads it:
# a staff login's requests are sized for the bulk import upload (the import form's limit,
# too; nginx's client_max_body_size in docs/DEPLOY.md matches), anyone else's (login
# pages, self-service) need a few KB.
MAILADMIN_MAX_REQUEST_BYTES = env_int("MAILADMIN_MAX_REQUEST_BYTES", 100 * 1024 * 1024)
MAILADMIN_MAX_ANONYMOUS_REQUEST_BYTES = env_int("MAILADMIN_MAX_ANONYMOUS_REQUEST_BYTES", 256 * 1024)
if MAILADMIN_MAX_REQUEST_BYTES < 1 or MAILADMIN_MAX_ANONYMOUS_REQUEST_BYTES < 1:
    raise ImproperlyConfigured("MAILADMIN_MAX_*REQUEST_BYTES must be positive")

# --- staff logins ----------------------------------------------------------------------
# django-axes counts failed staff logins in the database (shared by every worker): after
# MAILADMIN_STAFF_LOGIN_FAILURES failures from one client address, or for one username,
# further attempts are refused (429) for MAILADMIN_STAFF_LOCKOUT_MINUTES. Unlock early with
# `python manage.py axes_reset_username USER` or `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("MAILADMIN_STAFF_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MAILADMIN_STAFF_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True  # for the username that logged in only (StaffLoginHandler)
AXES_HANDLER = "accounts.staff_throttle.StaffLoginHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "mailadmin.client.client_address"  # MAILADMIN_CLIENT_IP_HEADER
AXES_VERBOSE = False
# Optional TOTP two-factor for staff (enrol at /2fa/); with this on, a superuser without
# a confirmed authenticator can open nothing but the enrolment page.
MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS = env_bool("MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS")
OTP_TOTP_ISSUER = env("MAILADMIN_OTP_ISSUER", "Mailadmin")
# A staff session ends after this many seconds without a request (mailadmin.middleware).
MAILADMIN_STAFF_IDLE_SECONDS = env_int("MAILADMIN_STAFF_IDLE_SECONDS", 8 * 3600)
if MAILADMIN_STAFF_IDLE_SECONDS < 1:
    raise ImproperlyConfigured("MAILADMIN_STAFF_IDLE_SECONDS must be positive")

# --- the mail database -----------------------------------------------------------------
# SHA512-CRYPT rounds written for new passwords. Every IMAP/SMTP login makes the mail
# server recompute the hash, so rounds are server CPU per login: 5,000 (glibc's default,
# what `doveadm pw -s SHA512-CRYPT` writes) costs ~3 ms; see docs/PERFORMANCE.md.
MAILADMIN_CRYPT_ROUNDS = env_int("MAILADMIN_CRYPT_ROUNDS", 5000)
if not 1000 <= MAILADMIN_CRYPT_ROUNDS <= 999_999_999:
    raise ImproperlyConfigured("MAILADMIN_CRYPT_ROUNDS must be between 1000 and 999999999")
MAILADMIN_MAIL_HOME = env("MAILADMIN_MAIL_HOME", "/var/spool/mail/virtual")
MAILADMIN_MAIL_UID = env_int("MAILADMIN_MAIL_UID", 5000)
MAILADMIN_MAIL_GID = env_int("MAILADMIN_MAIL_GID", 5000)
# A browser import hashes its clear passwords while the request waits, so it must end
# within gunicorn's timeout (30 s). Measured on the 2-core reference machine, busy: 1,000
# rows in 10 s, 3,000 in 24 s (whole `mail import`). Larger files: `mail import`.
MAILADMIN_WEB_IMPORT_PASSWORDS = env_int("MAILADMIN_WEB_IMPORT_PASSWORDS", 1000)

# --- the mail servers' files (`mail config`, mailstack.config) -------------------------
# The Postfix alias map style assumed (guide or no-backscatter; mailstack.config checks it).
MAILADMIN_ALIAS_STYLE = env("MAILADMIN_ALIAS_STYLE", "guide")
# Postfix's recipient_delimiter, written into main.cf.mailadmin and assumed by the routing
# model: `user+tag@domain` goes where `user@domain` goes (docs/ROUTING.md). One or more
# characters, each a delimiter, as Postfix allows; empty: no address extensions.
MAILADMIN_RECIPIENT_DELIMITER = env("MAILADMIN_RECIPIENT_DELIMITER", "+").strip()
try:
    check_recipient_delimiter(MAILADMIN_RECIPIENT_DELIMITER)
except ValidationError as error:
    raise ImproperlyConfigured(f"MAILADMIN_RECIPIENT_DELIMITER: {error.messages[0]}") from None
# The mail servers' MySQL password; empty: one generated once into the data directory.
MAILADMIN_MAILSERVER_DB_PASSWORD = env("MAILADMIN_MAILSERVER_DB_PASSWORD")
# The vacation responder's reserved domain (mailadmin.autoreply): Postfix hands its mail to
# the vacation pipe service. Under .invalid by default, so it can never leave this host.
MAILADMIN_AUTOREPLY_DOMAIN = env("MAILADMIN_AUTOREPLY_DOMAIN", "autoreply.mailadmin.invalid")
MAILADMIN_AUTOREPLY_DOMAIN = MAILADMIN_AUTOREPLY_DOMAIN.strip().lower().rstrip(".")
if not MAILADMIN_AUTOREPLY_DOMAIN or "@" in MAILADMIN_AUTOREPLY_DOMAIN:
    raise ImproperlyConfigured("MAILADMIN_AUTOREPLY_DOMAIN must be a domain name")
# The program the vacation responder sends its replies with (Postfix's sendmail).
MAILADMIN_SENDMAIL = env("MAILADMIN_SENDMAIL", "/usr/sbin/sendmail")

# --- end-user self-service (/account/) -------------------------------------------------
# Failed logins are counted (selfservice.throttle) in the database by default, shared by
# every worker and host. MAILADMIN_LOGIN_THROTTLE=cache counts them in the cache below
# instead; that must then be shared and atomic: Redis, e.g.
# CACHE_BACKEND=django.core.cache.backends.redis.RedisCache
# CACHE_LOCATION=redis://127.0.0.1:6379/1 (with the `redis` package).
MAILADMIN_LOGIN_THROTTLE = env("MAILADMIN_LOGIN_THROTTLE", "database").strip().lower()
if MAILADMIN_LOGIN_THROTTLE not in ("database", "cache"):
    raise ImproperlyConfigured(
        f"MAILADMIN_LOGIN_THROTTLE must be database or cache, not {MAILADMIN_LOGIN_THROTTLE!r}"
    )
# --- the REST API (api/) ---------------------------------------------------------------
# Requests per token, DRF's notation ("600/min"); counted in the cache below (per process
# with the default cache: use a shared one, e.g. Redis, with several workers).
MAILADMIN_API_RATE = env("MAILADMIN_API_RATE", "600/min")
MAILADMIN_API_PAGE_SIZE = env_int("MAILADMIN_API_PAGE_SIZE", 100)  # default; at most 1000
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.v1.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.v1.permissions.TokenPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.v1.authentication.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.v1.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mailadmin API",
    "DESCRIPTION": "Domains, mailboxes and aliases of the flurdy mail tables, scoped as the panel.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

CACHES = {
    "default": {
        "BACKEND": env("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env("CACHE_LOCATION", "mailadmin"),
    }
}
# A mailbox session ends after this many idle seconds.
MAILADMIN_SELFSERVICE_IDLE_SECONDS = env_int("MAILADMIN_SELFSERVICE_IDLE_SECONDS", 30 * 60)
# The request header carrying the client address when a proxy is in front (e.g.
# X-Real-IP set by nginx); empty: the TCP peer. Behind a proxy without it, every client
# shares the proxy's address and one per-client limit.
MAILADMIN_CLIENT_IP_HEADER = env("MAILADMIN_CLIENT_IP_HEADER")

# LOG_FORMAT=json: one JSON object per line (for journald, Loki, Elasticsearch...).
LOG_FORMAT = env("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")


def _refusal_without_traceback(record) -> bool:
    """django.request: an expected refusal (PermissionDenied: a 403, or a rate limit's 429)
    stays one warning line ("Forbidden (Permission denied): /path"), without a traceback."""
    if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
        record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "mailadmin.logformat.JsonFormatter"},
    },
    "filters": {"refusal_without_traceback": {"()": lambda: _refusal_without_traceback}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "loggers": {"django.request": {"filters": ["refusal_without_traceback"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
