"""Settings, all read from the environment (see README.md for each variable).

The defaults are the embedded development mode of ``make run``: SQLite, tasks run in-process,
e-mails written to ``var/mail``. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to
PostgreSQL, Redis and a real Celery worker; ``DJANGO_DEBUG=0`` switches on the production
hardening that ``manage.py check --deploy`` expects.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("INNOHEALTH_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# What the environment said, kept apart from DEBUG, which the test runner always switches off:
# `load_demo` refuses in production, not in the tests.
PRODUCTION = not DEBUG
# The development key is only accepted while DEBUG is on; production must bring its own.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET
)
# Production names its own hosts: a wrong default there would answer to any Host header we forgot.
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else environ.Env.NOTSET,
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# What e-mails, calendar entries and authenticator apps call the portal.
PORTAL_NAME = "InnoHealth Matchmaking"
# Absolute links in e-mails; by default the address `make run` / `make serve` listen on.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip(
    "/"
)

INSTALLED_APPS = [
    # Before the admin, so the admin edits each language of a translated field side by side.
    "modeltranslation",
    # Django's admin with the organisers' site, which opens on their control room.
    "matchmaking.apps.OrganisersAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "innohealth.apps.ImportExportConfig",  # import-export, without loading NumPy
    "matchmaking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The profile's language and zone first, so even a refused request's page speaks them.
    "matchmaking.middleware.UserPreferencesMiddleware",
    # Before any view reads the body (CSRF's check included), after the user is known for the page.
    "matchmaking.middleware.BadInputMiddleware",
    "matchmaking.middleware.ActingUserMiddleware",
    "matchmaking.middleware.TourFromLinkMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "matchmaking.middleware.StaffMFAMiddleware",
    "matchmaking.middleware.ConsentMiddleware",
]

ROOT_URLCONF = "innohealth.urls"
WSGI_APPLICATION = "innohealth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "matchmaking.context_processors.viewer_zones",
                "matchmaking.context_processors.tour_switcher",
            ],
        },
    },
]

# Forms render through the project's templates, so templates/django/forms/ can adjust them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps connections for a minute (`make serve`; development opens one per request).
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
)
# A persistent connection is checked before a request reuses it: after a PostgreSQL restart the
# web process reconnects by itself (a query that fails meanwhile gets the 503 page).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Simultaneous answers in the embedded mode: readers do not block the writer (WAL), and a
    # transaction takes the write lock when it begins and waits up to 20 s for it, instead of
    # failing with "database is locked" when two try to turn a read into a write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "matchmaking.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# The first stores new passwords (matchmaking/passwords.py); the others only verify older hashes.
PASSWORD_HASHERS = [
    "matchmaking.passwords.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: e-mail and password only, verified e-mail, no open sign-up (see matchmaking.adapters).
ACCOUNT_ADAPTER = "matchmaking.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[InnoHealth] "
# Tell people of every change to their account security (password, addresses, second factor).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Behind a TLS proxy every request comes from the proxy: allauth's rate limits count the client
# address the proxy appended to X-Forwarded-For (or a header it sets) instead (docs/deployment.md).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default=None)

# Second factor: an authenticator app (TOTP) and recovery codes, for everyone who wants it and for
# every staff account in production before the admin site opens (matchmaking.middleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PORTAL_NAME
INNOHEALTH_REQUIRE_STAFF_MFA = env.bool("INNOHEALTH_REQUIRE_STAFF_MFA", default=PRODUCTION)
LOGIN_URL = "account_login"
CSRF_FAILURE_VIEW = "matchmaking.views.errors.csrf_failure"
LOGIN_REDIRECT_URL = "dashboard"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("zh-hans", _("Simplified Chinese"))]
# locale_allauth/ holds allauth's German strings in the formal "Sie" (allauth's own say "du") and
# the Chinese greeting of its e-mails (allauth's own is half English);
# apart from locale/, which makemessages rewrites, and ahead of allauth's catalogue.
# locale_admin/ holds the admin's strings that Django 5.2's own German and Chinese catalogues lack
# (the selection boxes of many-to-many fields, the hidden headings of the model lists).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth", BASE_DIR / "locale_admin"]
# Content (tour texts, sessions, profiles) is written in each language; English is required and
# stands in wherever a German or Chinese text is missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A text created in code under its plain name (``Tour(name=…)``) is English too, whatever language
# the request speaks, so the required language is never left empty.
MODELTRANSLATION_AUTO_POPULATE = "required"
FORMAT_MODULE_PATH = ["innohealth.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by the project itself (no outside host); in development straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Bounded input: Django refuses bigger form bodies and more fields with a 400; BadInputMiddleware
# answers any larger request (an upload included) with a 413 before reading it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=10 * 1024 * 1024)

# Content-Security-Policy: everything from this host, no inline script or style. The public tour
# page alone adds the impressions video's own origin to frame-src/media-src (views/public.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the QR code of the authenticator set-up, drawn inline as an image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# E-mail: written to files by default so nothing leaves a development machine.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="InnoHealth Matchmaking <noreply@innohealth.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets an e-mail for each server error when Sentry is not used (comma-separated addresses).
ADMINS = [(address, address) for address in env.list("DJANGO_ADMINS", default=[])]

# Celery: without REDIS_URL, tasks run in-process so `make run` needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
# Redis is allowed to be away: every connection gives up after this, and after a failure the
# portal goes on without Redis for REDIS_RETRY_SECONDS (see innohealth/outage.py).
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=10.0)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# max_retries 0 and short timeouts: when Redis is down or frozen, queueing gives up within
# REDIS_TIMEOUT_SECONDS instead of holding the web request; the outbox row stays pending and the
# sweeper queues it when Redis is back. (Workers reconnect through their own loop, and their
# blocking reads are not subject to socket_timeout.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "max_retries": 0,
}
CELERY_TIMEZONE = "UTC"
# Lets two deployments (or two test sessions) share one Redis without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Periodic work driven from database rows (never long ETA tasks, which Redis would redeliver).
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-outbox": {"task": "matchmaking.tasks.sweep_outbox", "schedule": 60.0},
    "send-due-reminders": {"task": "matchmaking.tasks.send_due_reminders", "schedule": 60.0},
    "ask-for-outcomes": {"task": "matchmaking.tasks.ask_for_outcomes", "schedule": 300.0},
    "nudge-and-expire-requests": {
        "task": "matchmaking.tasks.nudge_and_expire_requests",
        "schedule": 600.0,
    },
    "send-follow-up-reminders": {
        "task": "matchmaking.tasks.send_follow_up_reminders",
        "schedule": 600.0,
    },
    "worker-heartbeat": {
        "task": "matchmaking.tasks.record_worker_heartbeat",
        "schedule": 30.0,
    },
}
# The readiness check (/readyz) calls the workers alive while their heartbeat is this fresh.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 90

# Outbox: every e-mail is a row; see matchmaking/notifications/outbox.py (writing),
# matchmaking/services/outbox.py (sending) and docs/operations.md.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=60.0)
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", default=600)
OUTBOX_REQUEUE_AFTER_SECONDS = env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=300)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
OUTBOX_DATABASE_RETRY_SECONDS = env.float("OUTBOX_DATABASE_RETRY_SECONDS", default=5.0)
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
# One invitation import or data import (institutions, representatives, tandems) reads at most
# this many rows (header and blank rows included) and gives up after this many seconds; the file
# itself, and the text of all its cells, is at most this large.
INVITATION_IMPORT_MAX_ROWS = env.int("INVITATION_IMPORT_MAX_ROWS", default=2000)
INVITATION_IMPORT_MAX_SECONDS = env.int("INVITATION_IMPORT_MAX_SECONDS", default=30)
INVITATION_IMPORT_MAX_BYTES = env.int("INVITATION_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
REQUEST_NUDGE_HOURS = env.int("REQUEST_NUDGE_HOURS", default=48)
# The owner of a follow-up is reminded this long before its due date passes (and once after).
FOLLOW_UP_REMINDER_HOURS = env.int("FOLLOW_UP_REMINDER_HOURS", default=48)

# django-import-export (admin/exchange.py): an import is tried in a transaction that is rolled
# back (the preview) and saved only when confirmed; organisers import what they may add and
# export what they may view; changes are logged in the activity log, not Django's admin log.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

CACHES = (
    {
        "default": {
            "BACKEND": "innohealth.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

# Video rooms for meetings: a self-hostable Jitsi server by default.
VIDEO_BASE_URL = env.str("VIDEO_BASE_URL", default="https://meet.jit.si").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "permission_denied_one_line": {"()": "innohealth.log.PermissionDeniedAsOneLine"},
        "production": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Each server error to DJANGO_ADMINS (docs/deployment.md, error reporting).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["production"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Filters of a logger see only its own records, so each logger that reports a 403.
        "django.request": {
            "filters": ["permission_denied_one_line"],
            "handlers": ["mail_admins"],
        },
        "django.security": {"filters": ["permission_denied_one_line"]},
    },
}

# Error reporting to Sentry, only when a DSN is given; no personal data is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps these cookies only from this exact host over HTTPS with Path=/,
    # so no sibling subdomain can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
