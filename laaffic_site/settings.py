"""Settings for the Laaffic campaign manager.

Everything that varies between a laptop and production is read from the
environment (or a `.env` file beside manage.py); see `.env.example`.
"""
import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A fixed key is only acceptable for local use; production sets DJANGO_SECRET_KEY.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS. Off by default so that `make run` works over plain http; production turns
# them on (README.md, "Running in production").
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Load balancers probe over plain http and do not follow redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Only behind a proxy that sets X-Forwarded-Proto itself; otherwise any client could claim https.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp 4): scripts, styles, images and fonts come from the site's
# own files (no CDN), and no inline script or style runs: the admin needs none, and a template that
# ever does gives its <script> nonce="{{ request.csp_nonce }}". No framing, plugins, foreign <base>
# or form targets. Report-only mode, to try a change on production first, sends the same policy
# as Content-Security-Policy-Report-Only.
_csp = {"DIRECTIVES": {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF],
    # Bootstrap's CSS draws its form arrows, check marks and close buttons as SVG data: images.
    "img-src": [SELF, "data:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": env("DJANGO_CSP_REPORT_URI", default="") or None,
}}
if env.bool("DJANGO_CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "csp",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times are shown and entered in the user's own zone (their studio settings).
    "campaigns.studio.middleware.UserTimeZoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "laaffic_site.urls"
WSGI_APPLICATION = "laaffic_site.wsgi.application"

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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Keep connections between requests: opening one cost 7 ms per status push (bench/results_100k.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django turns psycopg's prepared statements off; only the server-side binding cursor that
    # stores call records uses them (every other query binds client-side): a backfill page then
    # costs PostgreSQL one plan instead of a hundred (campaigns/services/tracking.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a lock instead of failing when a worker and the site write at once;
    # tests use a file too, so that threads share it the same way.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # One file per test process, so that parallel runs do not share (and delete) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
# The zone staff enter and read times in. The provider's zone is LAAFFIC_TIME_ZONE.
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed file names (cacheable forever) need a manifest that only collectstatic
# writes; without it every page using {% static %} fails. So the manifest is
# opt-in for deployments that run collectstatic, and tests and `make run` work
# without it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", default=False)
        else "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. The default broker is kombu's filesystem transport under var/, so a
# laptop needs no Redis; production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task a dead worker never acknowledged comes back after visibility_timeout seconds;
    # it must exceed the longest retry countdown (LAAFFIC_RETRY_MAX_SECONDS).
    CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS",
                                               default={"visibility_timeout": 3600})
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks are kept in the database; beat rewrites the entries below at every start,
# so change their intervals here (LAAFFIC_SYNC_SECONDS), not in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The periodic jobs, in one place (beat copies them into its database table).
CELERY_BEAT_SCHEDULE = {
    "sync-campaigns": {"task": "campaigns.tasks.sync_campaigns",
                       "schedule": env.int("LAAFFIC_SYNC_SECONDS", default=30)},
    "backfill-call-records": {"task": "campaigns.tasks.backfill_call_records", "schedule": 600.0},
    "resume-stalled-submissions": {"task": "campaigns.tasks.resume_stalled_submissions", "schedule": 300.0},
}

# Laaffic. Credentials have no default: without them the site works, and
# submitting says what is missing.
LAAFFIC_API_URL = env("LAAFFIC_API_URL", default="https://api.laaffic.com/v3")
LAAFFIC_API_KEY = env("LAAFFIC_API_KEY", default="")
LAAFFIC_API_SECRET = env("LAAFFIC_API_SECRET", default="")
LAAFFIC_APP_ID = env("LAAFFIC_APP_ID", default="")
LAAFFIC_TIMEOUT = env.float("LAAFFIC_TIMEOUT", default=30.0)
LAAFFIC_TIME_ZONE = env("LAAFFIC_TIME_ZONE", default="Asia/Shanghai")
# The secret part of the status-push URL given to Laaffic: /laaffic/voice-report/<token>/.
# Empty turns the endpoint off.
LAAFFIC_WEBHOOK_TOKEN = env("LAAFFIC_WEBHOOK_TOKEN", default="")
# How long a campaign left unknown must be missing from Laaffic's task list before
# it is declared never received (and safe to submit again).
LAAFFIC_UNKNOWN_GRACE_MINUTES = env.int("LAAFFIC_UNKNOWN_GRACE_MINUTES", default=10)
# The longest wait between two attempts at a temporary failure (the wait doubles each time).
LAAFFIC_RETRY_MAX_SECONDS = env.float("LAAFFIC_RETRY_MAX_SECONDS", default=1800.0)

# Whether an approver may approve (and so launch) a campaign they asked approval for themselves.
APPROVE_OWN_REQUESTS = env.bool("APPROVE_OWN_REQUESTS", default=False)


# Largest CSV file staff may upload as a callee or do-not-call list.
CALLEE_IMPORT_MAX_MB = env.int("CALLEE_IMPORT_MAX_MB", default=50)
# Rows an import's preview checks inside the web request (its counts say "in the first N rows");
# the whole file is checked by the worker once the import is confirmed.
CALLEE_IMPORT_PREVIEW_ROWS = env.int("CALLEE_IMPORT_PREVIEW_ROWS", default=10_000)
# Largest recording staff may upload as a voice file (Laaffic documents no limit).
VOICE_FILE_MAX_MB = env.int("VOICE_FILE_MAX_MB", default=20)
# Uploads over 2.5 MB go to a temporary file, and no more of one is kept than the largest
# limit above: the form refuses it by its size, which is still the size sent.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "laaffic_site.uploads.CappedUploadHandler"]

# Marketing staff log in to the studio; the admin keeps its own login page for operators.
LOGIN_URL = "studio:login"
LOGIN_REDIRECT_URL = "studio:home"
AUTH_PASSWORD_VALIDATORS = [{"NAME": f"django.contrib.auth.password_validation.{name}"} for name in (
    "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
    "NumericPasswordValidator")]
# Password-reset mails. EMAIL_URL sets EMAIL_BACKEND and the SMTP server in one value (django-environ):
# smtp+tls://user:password@smtp.example.com:587. With DEBUG on, mails are printed to the console.
globals().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="campaigns@localhost")
EMAIL_TIMEOUT = 10  # seconds: a reset page never hangs on an unreachable mail server

# Password guessing (django-axes). After LOGIN_FAILURE_LIMIT wrong passwords in a row, that user
# name is refused from that address for LOGIN_LOCKOUT_MINUTES (counted from the last try, so
# hammering on keeps it locked). Per name *and* address: a guesser elsewhere cannot lock a user
# out everywhere, and colleagues behind the same office address are not locked with one of them.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Reverse proxies in front of the site that append the client's address to X-Forwarded-For;
# 0 ignores the header (a client could write any address into it).
LOGIN_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "laaffic_site.logins.client_ip"
AXES_LOCKOUT_CALLABLE = "laaffic_site.logins.lockout_response"

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# Everything goes to the console (the process manager keeps it), DEBUG or not. Django's own
# default prints the `django` loggers only with DEBUG on and mails errors to ADMINS otherwise,
# so without this a 500 in production left no line at all. Celery's worker puts its own
# handler on the root logger; task errors are logged there with their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Warnings and errors of every library (django-axes' lockouts among them).
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Unhandled errors of requests (django.request, with their traceback), refused hosts.
        "django": {"level": "INFO"},
        "campaigns": {"level": LOG_LEVEL},
        "laaffic_site": {"level": LOG_LEVEL},
    },
}
