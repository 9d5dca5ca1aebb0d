"""Django settings, read from environment variables prefixed ``SFC_``.

Every variable is documented in ``docs/reference/settings.md``; keep the two in step.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SFC_VAR_DIR", PROJECT_DIR / "var"))

# A key that `sfc check` recognises and refuses in production.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


SECRET_KEY = os.environ.get("SFC_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("SFC_DEBUG", False)
ALLOWED_HOSTS = env_list("SFC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SFC_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SFC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "ninja",  # serves the API docs page from its own static files: no CDN under the CSP
    "spaceforchange.core",
    "spaceforchange.frameworks",
    "spaceforchange.portfolio",
    "spaceforchange.assessments",
    "spaceforchange.policies",
    "spaceforchange.legitimacy",
    "spaceforchange.consultations",
    "spaceforchange.budgeting",
    "spaceforchange.people",
    "spaceforchange.change",
    "spaceforchange.alerts",
    "spaceforchange.api",
    "spaceforchange.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "spaceforchange.core.tenancy.TenancyMiddleware",
]

ROOT_URLCONF = "spaceforchange.urls"
WSGI_APPLICATION = "spaceforchange.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # First, so that the web app's overrides of allauth's templates win over allauth's own.
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spaceforchange.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("SFC_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("SFC_DATABASE_PREPARED", True):
        # Server-side binding lets PostgreSQL keep the plan of a statement a connection has
        # run five times: the per-request lookups then skip parsing and planning. Switch it
        # off (SFC_DATABASE_PREPARED=0) behind a transaction-pooling PgBouncer.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "spaceforchange.sqlite3"),
            # WAL lets readers proceed while one writer works; the timeout rides out
            # short write contention between web and worker processes. Connections are
            # kept per worker thread, so the pragmas run once rather than on every request.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared between processes, so rate limits hold across gunicorn workers ----------
REDIS_URL = os.environ.get("SFC_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database, so a Redis restart
    # signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sfc_cache",
        }
    }
    # Django's database sessions, read with one fixed statement per request.
    SESSION_ENGINE = "spaceforchange.core.session_store"
# Rendered page fragments, per process. Their keys name the exact pack versions they show, so
# a fragment never goes stale and processes need not share them.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "sfc-fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's backend (a ModelBackend) with a faster lookup of the signed-in person.
    "spaceforchange.core.auth_backends.AccountBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("SFC_EMAIL_VERIFICATION", "optional")
# Accounts come from invitations or single sign-on; open sign-up is off unless asked for.
ACCOUNT_ALLOW_SIGNUPS = env_bool("SFC_ALLOW_SIGNUP", False)
ACCOUNT_ADAPTER = "spaceforchange.core.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "spaceforchange.core.adapters.SocialAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("SFC_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/5m/key",
}
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("SFC_MFA_ISSUER", "Space for Change")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

_oidc_client_id = os.environ.get("SFC_OIDC_CLIENT_ID", "")
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if _oidc_client_id:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("SFC_OIDC_PROVIDER_ID", "sso"),
                "name": os.environ.get("SFC_OIDC_NAME", "Single sign-on"),
                "client_id": _oidc_client_id,
                "secret": os.environ.get("SFC_OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": os.environ.get("SFC_OIDC_SERVER_URL", ""),
                    # Entra ID sends no email_verified claim: trust addresses in these domains.
                    "verified_email": env_list("SFC_OIDC_VERIFIED_EMAIL_DOMAINS"),
                },
            }
        ],
    }

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norsk bokmål"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("SFC_TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SFC_STATIC_ROOT", VAR_DIR / "static"))
# A read-only deployment collects static files at build time instead.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "spaceforchange.web.storage.StaticFilesStorage"},
}
# Serving straight from the app folders keeps `make demo` free of a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SFC_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = env_bool("SFC_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Behind a proxy every request comes from the proxy's address; allauth's per-address rate
# limits must read the client's address from X-Forwarded-For, skipping this many proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("SFC_TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("SFC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SFC_DEFAULT_FROM_EMAIL", "space-for-change@localhost")
EMAIL_HOST = os.environ.get("SFC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SFC_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SFC_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SFC_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SFC_EMAIL_USE_TLS", False)

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SFC_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Audit ----------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Product settings -----------------------------------------------------------------------
SFC_INVITATION_DAYS = int(os.environ.get("SFC_INVITATION_DAYS", "14"))
# Seconds between recomputations of a busy consultation's opinion map (at least twice the last run).
SFC_OPINION_DEBOUNCE_SECONDS = float(os.environ.get("SFC_OPINION_DEBOUNCE_SECONDS", "10"))
SFC_API_PAGE_SIZE = int(os.environ.get("SFC_API_PAGE_SIZE", "50"))
SFC_API_MAX_PAGE_SIZE = int(os.environ.get("SFC_API_MAX_PAGE_SIZE", "500"))
# django-ninja reads these for every paginated list: the default `limit`, and the largest allowed.
NINJA_PAGINATION_PER_PAGE = SFC_API_PAGE_SIZE
NINJA_PAGINATION_MAX_LIMIT = SFC_API_MAX_PAGE_SIZE
SFC_MAX_PACK_BYTES = int(os.environ.get("SFC_MAX_PACK_BYTES", str(2 * 1024 * 1024)))
# The largest answer file an import takes, after gzip is taken off (web uploads and the CLI).
SFC_MAX_IMPORT_BYTES = int(os.environ.get("SFC_MAX_IMPORT_BYTES", str(200 * 1024 * 1024)))
# The framework pack whose warning_rule items give the warnings their severity and thresholds.
SFC_ALERTS_PACK = os.environ.get("SFC_ALERTS_PACK", "warnings")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SFC_LOG_LEVEL", "WARNING")},
}
