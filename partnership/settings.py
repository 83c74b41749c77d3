"""Settings for the partnership commitment tracker. Everything that differs between machines comes from the
environment (documented in .env.example); the defaults are the embedded set-up of `make run`."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from accounts.oidc_config import form_action_origins, providers_from_json
from partnership.env import env_bool, env_int, env_list, env_str, mailer

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", default="insecure-key-for-local-debug-only" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The tracker's name, on every page, e-mail, calendar, authenticator app and the API's documentation.
SITE_NAME = "EU–UK Partnership Tracker"

INSTALLED_APPS = [
    # Before django.contrib.auth: the first app to provide a command wins, and accounts' createsuperuser makes the
    # tracker's administrator (Django's own makes an account with no role, which sees nothing).
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "agreement",
    "commitments",
    "dialogues",
    "onboarding",
    "reports",
    "returns",
    "audit",
    "demo",
]

# Hashed static names need `collectstatic`, which the production image runs; tests and `make run` serve sources.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "audit.log.AuditOriginMiddleware",  # where the writes below come from; the services write the entries
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if STATIC_MANIFEST else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "accounts.middleware.RoleRequiredMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "partnership.middleware.DatabaseUnavailableMiddleware",  # next to the views: it sees their exceptions first
]

ROOT_URLCONF = "partnership.urls"
FORM_RENDERER = "common.form_renderer.FormRenderer"
WSGI_APPLICATION = "partnership.wsgi.application"

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
                "django.template.context_processors.csp",
                "partnership.context_processors.site",
            ],
        },
    },
]

# The covering indexes' INCLUDE columns (commitments) serve PostgreSQL; SQLite, the embedded demo database, builds
# the same indexes without them, which is all it needs; nor does it keep the proposals' deferred uniqueness
# (onboarding), which guards renumbering against a race the one-person demo does not have.
SILENCED_SYSTEM_CHECKS = (["models.W040", "models.W038"] if env_str("DATABASE_URL", "sqlite").startswith("sqlite")
                          else [])

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.throttling.AddressThrottle",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.SingleSignOnBackend",  # finds again who signed in through a provider; accepts no password
]
# Single sign-on: the organisations' OpenID providers, a JSON list (accounts/oidc_config.py, docs/operations.md).
OIDC_PROVIDERS = providers_from_json(env_str("OIDC_PROVIDERS", ""))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads (spreadsheet returns) are small; anything bigger is refused with a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Sessions: an hour without a request ends the session (SESSION_IDLE_SECONDS); the cookie never outlives the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# However active, a session ends this long after sign-in.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)

# Sign-in throttling (django-axes): five failures for a user name from one address lock it for 15 minutes; the
# same answer is given whether or not the user name exists.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
# …and an address that fails this often within the window, whatever the names, is paused too (accounts.throttling):
# high enough for an office behind one address, low enough to stop trying passwords across many names.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20)
SIGN_IN_ADDRESS_WINDOW_MINUTES = 15
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, for the lockout and the audit log alike: X-Forwarded-For counts only from our own proxies.
AXES_CLIENT_IP_CALLABLE = "audit.log.client_address"
AXES_VERBOSE = False

# Two-factor sign-in (accounts/two_factor.py): administrators may add an authenticator app; once they have, a code
# is asked after the password. Wrong codes pause checking for 1, 2, 4, 8… seconds (django-otp's throttling).
ADMIN_TOTP_REQUIRED = env_bool("ADMIN_TOTP_REQUIRED", default=False)  # administrators must set one up
OTP_TOTP_ISSUER = SITE_NAME  # the name authenticator apps show beside the code
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key or QR code, only lets it be removed

# Security headers. The production values are the defaults; `make run` over plain HTTP turns the HTTPS ones off.
SECURE_SSL = env_bool("SECURE_SSL", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
if SECURE_SSL:
    # __Host- cookies are refused by browsers unless secure, host-only and for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
# The addresses (or networks) of the reverse proxies in front of gunicorn: only a request arriving from one of them
# has its X-Forwarded-For believed (audit.log.client_address).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *form_action_origins(OIDC_PROVIDERS)],  # signing out ends at the provider's page
    "frame-ancestors": [CSP.NONE],
}

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.api_pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["common.api_throttling.UserRateThrottle", "common.api_throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_USER_RATE", "3000/hour"), "anon": env_str("API_ANON_RATE", "60/hour")},
    "EXCEPTION_HANDLER": "common.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "common.api_errors.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Read the Partnership, its commitments, their status history and the dialogues; record status updates. "
        "Authenticate with a session or with `Authorization: Bearer <token>` (tokens are made on the API tokens page). "
        "Errors share one shape: `{status, code, detail, errors: {field: [messages]}}`. Writes to a commitment need its "
        "current ETag in `If-Match`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["accounts.permissions.HasRole"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # JavaScript, not JSON: the preset of static/js/api-docs.js (loaded first by templates/drf_spectacular/) keeps
    # Swagger UI within the page's landmarks. No deep links: they put a link inside each operation's button. No
    # syntax colouring: its theme draws some values below WCAG AA contrast, with inline colours CSS cannot override.
    "SWAGGER_UI_SETTINGS": "{deepLinking: false, presets: [SwaggerUIBundle.presets.apis, TrackerApiDocs.preset], syntaxHighlight: false}",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "commitments.status.Status",
        "MeetingStatusEnum": "dialogues.models.Meeting.Status",
        "ActionStatusEnum": "dialogues.models.FollowUpAction.Status",
    },
}

# Celery: Redis in production; a folder on disk when no REDIS_URL is given, so `make run` needs no server.
REDIS_URL = env_str("REDIS_URL", "")
# The cache holds API throttling counts only: Redis in production (shared by gunicorn workers), memory otherwise.
# Nothing else depends on it; with Redis unreachable, throttling lets requests through (common.api_throttling),
# and short timeouts keep a request from waiting on it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    if env_bool("CACHE_IN_REDIS", default=False) and REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
else:
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),  # else kombu writes it in the working directory
    }
CELERY_TASK_ALWAYS_EAGER = False
# The database says what is due; beat only says "look now": a sweep every few minutes, and one at the digest hour.
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 300)
PDF_SWEEP_SECONDS = env_int("PDF_SWEEP_SECONDS", 60)
REMINDER_DIGEST_HOUR = env_int("REMINDER_DIGEST_HOUR", 7)  # the daily digest's hour, local time
# The weekly digest's day, for those who choose it: 0 is Monday, 6 Sunday (at the digest hour).
REMINDER_DIGEST_WEEKDAY = env_int("REMINDER_DIGEST_WEEKDAY", 0)
if not 0 <= REMINDER_DIGEST_WEEKDAY <= 6:
    raise ValueError(f"REMINDER_DIGEST_WEEKDAY must be 0 (Monday) to 6 (Sunday), not {REMINDER_DIGEST_WEEKDAY}.")
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "dialogues.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_SECONDS,
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    "daily-digest": {
        "task": "dialogues.tasks.sweep_reminders",
        "schedule": crontab(hour=REMINDER_DIGEST_HOUR, minute=1),
    },
    "close-months": {"task": "commitments.tasks.close_past_months", "schedule": crontab(hour=2, minute=17)},
    # PDFs are rendered as soon as they are asked for; the sweep renders those whose task never came (reports.pdfs).
    "sweep-pdfs": {
        "task": "reports.tasks.sweep_pdfs",
        "schedule": PDF_SWEEP_SECONDS,
        "options": {"expires": PDF_SWEEP_SECONDS},
    },
}

# Reminders (dialogues.reminders)
# The address links in e-mails and calendar feeds point to; unset, the one `make run` serves on (its PORT).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
REMINDER_MEETING_OFFSETS = [int(d) for d in env_list("REMINDER_MEETING_OFFSETS", ["28", "7", "1"])]
REMINDER_UNSCHEDULED_WEEKS = env_int("REMINDER_UNSCHEDULED_WEEKS", 6)
REMINDER_CALL_FOR_UPDATES_DAYS = env_int("REMINDER_CALL_FOR_UPDATES_DAYS", 42)
REMINDER_ESCALATION_DAYS = env_int("REMINDER_ESCALATION_DAYS", 14)
REMINDER_ACTION_DAYS = env_int("REMINDER_ACTION_DAYS", 7)
# A sweep's claim on the reminders it sends lapses after this long; a later sweep sends them again (same Message-ID).
REMINDER_LEASE_MINUTES = env_int("REMINDER_LEASE_MINUTES", 10)
# Mail connections a sweep sends over at once, a batch each: fewer where the mail relay limits a client's connections.
REMINDER_MAIL_CONNECTIONS = env_int("REMINDER_MAIL_CONNECTIONS", 4)
if REMINDER_MAIL_CONNECTIONS < 1:
    raise ValueError(f"REMINDER_MAIL_CONNECTIONS must be at least 1, not {REMINDER_MAIL_CONNECTIONS}.")

MAILERS = {"default": mailer(env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The system holds OFFICIAL and OFFICIAL-SENSITIVE information only.
# The password of every demo account `seed --demo` creates (README); illustrative data only.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-partnership-2025")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "partnership.logs.JsonFormatter"},
    },
    # Structured (one JSON object a line) in production, for the log collector; plain text on a developer's machine.
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": env_str("LOG_FORMAT", "plain" if DEBUG else "json")}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
