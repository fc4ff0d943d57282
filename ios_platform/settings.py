"""Settings for the IOS platform. Everything comes from the environment (see .env.example).

With nothing set, the platform runs on a fresh machine: SQLite in ./var and a Celery broker on
the filesystem. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis independently.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ios_platform.env import env_bool, env_int, env_list, env_optional, env_str

# Lets admin.ModelAdmin[Model] and friends be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: use development or production.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", False)
# A development key is only acceptable outside production; production must set its own.
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "creditors",
    "debtors",
    "bailiffs",
    "fees",
    "claims",
    "notifications",
    "ios_platform",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ios_platform.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ios_platform.urls"
WSGI_APPLICATION = "ios_platform.wsgi.application"

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
                "ios_platform.context_processors.portal",
            ],
        },
    },
]


DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60)


def _database_from_url(url: str) -> dict[str, object]:
    # Reusing a connection saves 3–6 ms a request on PostgreSQL (docs/benchmarks.md, portal).
    config: dict[str, object] = dict(
        dj_database_url.parse(url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # Web, worker and beat share one SQLite file: WAL lets readers run beside the writer,
        # IMMEDIATE takes the write lock at BEGIN (no deadlock on lock upgrade), and the busy
        # timeout makes a second writer wait instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "creditors.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Sign-up and login by e-mail (django-allauth): the address is verified before the first login.
ACCOUNT_ADAPTER = "creditors.adapter.PlatformAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "creditors.forms.PlatformSignupForm"}  # + organisation, invitations
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IOS] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Optional second factor: an authenticator app (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IOS platform"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ios_platform.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:  # whitenoise warns at every start when the folder is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
CLAIM_DOCUMENT_MAX_BYTES = env_int("CLAIM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "creditors.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ios_platform.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"eligibility": env_str("ELIGIBILITY_RATE", "60/min")},
    # Proxies in front of the web server (for the client address the throttle counts).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0) or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IOS platform API",
    "DESCRIPTION": "Collect unpaid, uncontested B2B invoices in Belgium (IOS procedure).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"ClaimStateEnum": "claims.states.State"},
}

REDIS_URL = env_optional("REDIS_URL")
# The throttle counts in the cache: shared through Redis when there is one.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "claims-sweep-deadlines": {
        "task": "claims.tasks.sweep_deadlines",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    "bailiffs-documents-from-events": {
        "task": "bailiffs.documents.documents_from_events",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    "bailiffs-deliver-webhooks": {
        "task": "bailiffs.tasks.deliver_webhooks",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    "fees-ledger-from-events": {
        "task": "fees.tasks.ledger_from_events",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    "fees-refunds-from-events": {
        "task": "fees.tasks.refunds_from_events",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    # E-mails about events that need the creditor, and the daily digest (Europe/Brussels).
    "notifications-event-emails": {
        "task": "notifications.tasks.send_event_emails",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
    },
    "notifications-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=env_int("DIGEST_HOUR", 7)),
    },
}

# The IOS procedure (domain.md section 2).
# Conservative reading: the PV may be drawn from the next working day on or after month end + 9
# days; the less conservative reading gives + 8. Default to the conservative one.
IOS_PV_CONSERVATIVE = env_bool("IOS_PV_CONSERVATIVE", True)
ACCEPTANCE_SLA_WORKING_HOURS = env_int("ACCEPTANCE_SLA_WORKING_HOURS", 4)
SERVICE_SLA_WORKING_DAYS = env_int("SERVICE_SLA_WORKING_DAYS", 5)
SWEEP_CHUNK_SIZE = env_int("SWEEP_CHUNK_SIZE", 500)

# Money (domain.md section 3). A cancellation within this many hours of submission refunds in
# full; later, until service, the file and solvency fees are kept. The FAQ's 48 h (72 h in one
# place) cancellation window is kept as a setting: after it the same rule applies until service.
REFUND_FULL_WINDOW_HOURS = env_int("REFUND_FULL_WINDOW_HOURS", 12)
CANCEL_WINDOW_HOURS = env_int("CANCEL_WINDOW_HOURS", 48)
# Stripe: without a secret key the advance is paid by bank transfer, which staff confirm.
STRIPE_SECRET_KEY = env_optional("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_optional("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The platform's account that receives advances paid by transfer (with the structured reference).
PLATFORM_IBAN = env_str("PLATFORM_IBAN", "BE71 0961 2345 6769")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@ios-platform.localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # PDF rendering logs hundreds of lines per document below WARNING.
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}
