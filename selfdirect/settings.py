"""Settings for selfdirect.

Everything a council deploys differently comes from the environment:
DATABASE_URL (PostgreSQL in production and tests; SQLite when unset), SECRET_KEY, DEBUG,
ALLOWED_HOSTS, COUNCIL_NAME, COUNCIL_LA_CODE, EMAIL_BACKEND.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-selfdirect" if DEBUG or os.environ.get("PYTEST_VERSION") else ""
)
if not SECRET_KEY:
    raise RuntimeError("Set SECRET_KEY in the environment (or DEBUG=1 for local development).")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Northmoor Borough Council")
COUNCIL_LA_CODE = os.environ.get("COUNCIL_LA_CODE", "X99")
# Shown wherever someone says a person is at immediate risk.
COUNCIL_EMERGENCY_PHONE = os.environ.get("COUNCIL_EMERGENCY_PHONE", "01632 960 999")
# Where failed arrangements are reported when a person has no allocated worker or team manager.
COUNCIL_DUTY_EMAIL = os.environ.get("COUNCIL_DUTY_EMAIL", "duty@example.org")
PRODUCT_NAME = "selfdirect"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "selfdirect.core",
    "selfdirect.workforce",
    "selfdirect.people",
    "selfdirect.assessments",
    "selfdirect.money",
    "selfdirect.market",
    "selfdirect.planning",
    "selfdirect.safeguarding",
    "selfdirect.reviews",
    "selfdirect.payments",
    "selfdirect.reablement",
    "selfdirect.reporting",
    "selfdirect.directory",
    "selfdirect.portal",
    "selfdirect.api",
    "selfdirect.governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "selfdirect.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "selfdirect.core.middleware_db.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "selfdirect.urls"
WSGI_APPLICATION = "selfdirect.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "selfdirect" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "selfdirect.core.context_processors.service",
            ],
        },
    },
]
# Every Django form renders with GOV.UK Frontend markup (templates/django/forms/...).
FORM_RENDERER = "selfdirect.core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Staff must confirm a second factor (an authenticator app code) after their password. Councils must keep this on;
# SECOND_FACTOR_REQUIRED=0 is for local development only (docs/security.md).
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "selfdirect"
# Failed codes are throttled with failed passwords from the audit log (core/throttle.py), not per device.
OTP_TOTP_THROTTLE_FACTOR = 0
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NCSC guidance: length over complexity rules; block common and user-similar passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or os.environ.get("PYTEST_VERSION"))
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Production (docs/deployment.md): SMTP for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, the public
# address used in emailed links, HTTPS origins behind a proxy, and the council's payment-run weekdays.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "selfdirect@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Calls a minute an API token may make unless its own limit says otherwise (a token over it gets 429).
API_CALLS_PER_MINUTE = int(os.environ.get("API_CALLS_PER_MINUTE", "300"))
PAYMENT_RUN_WEEKDAYS = os.environ.get("PAYMENT_RUN_WEEKDAYS", "mon,tue,wed,thu,fri")
# Load balancers and container health checks call /health/ over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not os.environ.get("PYTEST_VERSION") and env_bool("HTTPS", True):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
