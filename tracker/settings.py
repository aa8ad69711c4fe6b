"""Settings for the task-division tracker.

Everything that differs between a laptop demo and a city's server comes from the environment
(see README "Production"). With no environment at all the product runs embedded: SQLite under
var/, Celery on kombu's filesystem transport under var/, e-mails written as files to var/mail/.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tracker.env import (
    database_from_url,
    env_bool,
    env_decimal,
    env_decimals,
    env_int,
    env_list,
    env_path,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("TRACKER_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required unless DJANGO_DEBUG=true "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-key-for-local-debugging-only"  # noqa: S105 - debug mode only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The site's absolute address for e-mailed links (a worker has no request to read it from).
# `make run` serves on TRACKER_ADDR, so that is the default address.
SITE_URL = env_str(
    "TRACKER_SITE_URL", "http://" + env_str("TRACKER_ADDR", "127.0.0.1:8000")
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # The API's OpenAPI schema (/api/schema/) and its documentation page, Swagger UI served from
    # the sidecar's vendored files rather than a CDN the government network cannot reach.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "tracker",
]

MIDDLEWARE = [
    "tracker.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed when the browser asks (WhiteNoise serves static files
    # precompressed); province-scale pages are hundreds of KB of repetitive HTML. The CSRF token
    # is masked afresh on every response, which is Django's answer to BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.ChosenLanguageMiddleware",
    # A NUL in a parameter is a 400 before any view passes it to the database (tracker.http).
    "tracker.http.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Sign-in abuse ------------------------------------------------------------------------------
# django-axes counts failed sign-ins (pages, the back office and the API alike) and locks an
# account, and separately an address, after this many in a row; a supervisor unlocks them on
# 登录锁定 (/lockouts/), or the lock lifts after the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TRACKER_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRACKER_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# By account and by address; a wrong API token counts against its address only.
AXES_LOCKOUT_PARAMETERS = "tracker.api.authentication.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.views.lockouts.locked_out"
AXES_CLIENT_IP_CALLABLE = "tracker.proxies.client_ip"
AXES_VERBOSE = False
# 忘记密码: mails per address (and per client address) per hour.
TRACKER_PASSWORD_RESET_PER_HOUR = env_int("TRACKER_PASSWORD_RESET_PER_HOUR", 3, minimum=1)
# Counters of the throttles: Redis when TRACKER_CACHE_URL names one (several web processes share
# it), else each process's memory.
_CACHE_URL = env_str("TRACKER_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # The supervisors' kept figures (tracker.selectors.cached), apart from the throttles'
    # counters so that a province's large entries never push a counter out; in a process's
    # memory, at most 64 of them (a province's ranking is about 1 MB).
    "figures": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "figures",
        }
        if _CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "figures",
            "OPTIONS": {"MAX_ENTRIES": 64},
        }
    ),
}

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "django.template.context_processors.i18n",
                "tracker.context_processors.navigation",
                "tracker.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}")
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tracker.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Reporters work on shared office machines; an idle session ends after this many seconds.
SESSION_COOKIE_AGE = env_int("TRACKER_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = True

# Chinese first; English for the occasional outside reader.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
USE_I18N = True
# Every date decision (due days, overdue days) is taken in this zone; see tracker/periods.py.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tracker" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env_path("TRACKER_MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"

# Exports built by the worker (季度分析 .xlsx/.docx): a job's hard time limit in seconds, and how
# long a finished file waits for its download before the daily prune deletes it.
TRACKER_EXPORT_TIME_LIMIT = env_int("TRACKER_EXPORT_TIME_LIMIT", 300, minimum=10)
TRACKER_EXPORT_RETENTION = timedelta(days=env_int("TRACKER_EXPORT_RETENTION_DAYS", 7, minimum=1))

# --- Security (switched on when served over HTTPS) -------------------------------------------
HTTPS = env_bool("TRACKER_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The reverse proxies (addresses or networks, e.g. 10.0.0.5,10.1.0.0/24) whose X-Forwarded-*
# headers are believed; from anyone else they are dropped (tracker/proxies.py).
TRACKER_PROXY_ADDRESSES = env_list("TRACKER_PROXY_ADDRESSES", [])
try:
    from ipaddress import ip_network

    for _address in TRACKER_PROXY_ADDRESSES:
        ip_network(_address, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"TRACKER_PROXY_ADDRESSES: {_exc}") from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRACKER_PROXY_ADDRESSES else None
# A year, subdomains included, once the site is served over HTTPS (TRACKER_HSTS_PRELOAD=false
# keeps the domain off browsers' preload lists).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TRACKER_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from the site's own files, no
# inline script or style in any template; a template that needs one uses request.csp_nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# A hung SMTP server must not hold a worker forever; the send is retried with backoff.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "任务调度系统 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The calendar's e-mails (tracker/services/reminders/) -------------------------------------
# Notices tied to a day (window open, 7/3/1 days before, due day, overdue, escalation,
# checkpoints) go out from this Shanghai time on; the first sweep after it sends the day's
# digest, later sweeps catch up if the machine was off. Returned reports and problems go at once.
try:
    TRACKER_REMINDER_SEND_FROM = time.fromisoformat(env_str("TRACKER_REMINDER_SEND_FROM", "08:30"))
except ValueError:
    raise ImproperlyConfigured("TRACKER_REMINDER_SEND_FROM must be a time such as 08:30.") from None
# A claimed e-mail not sent this long after it was due to start (a worker died, a queued task
# was lost) is queued again by the next sweep. Also the sender's lease, so it must outlast one
# send task's hard time limit, or a slow send could be doubled by a requeue.
TRACKER_REMINDER_RECLAIM_SECONDS = env_int("TRACKER_REMINDER_RECLAIM_SECONDS", 600, minimum=2)
TRACKER_REMINDER_SEND_TIME_LIMIT = env_int("TRACKER_REMINDER_SEND_TIME_LIMIT", 120, minimum=1)
if TRACKER_REMINDER_RECLAIM_SECONDS <= TRACKER_REMINDER_SEND_TIME_LIMIT:
    raise ImproperlyConfigured(
        "TRACKER_REMINDER_RECLAIM_SECONDS must exceed TRACKER_REMINDER_SEND_TIME_LIMIT."
    )
# SMTP failures: attempts in all, and the exponential backoff between them (with jitter).
TRACKER_REMINDER_MAX_ATTEMPTS = env_int("TRACKER_REMINDER_MAX_ATTEMPTS", 8, minimum=1)
TRACKER_REMINDER_RETRY_BASE_SECONDS = env_int("TRACKER_REMINDER_RETRY_BASE_SECONDS", 60, minimum=1)
TRACKER_REMINDER_RETRY_MAX_SECONDS = env_int("TRACKER_REMINDER_RETRY_MAX_SECONDS", 1800, minimum=1)
# The daily overdue chaser stops after this many days (the period is normally locked by then).
TRACKER_REMINDER_OVERDUE_MAX_DAYS = env_int("TRACKER_REMINDER_OVERDUE_MAX_DAYS", 30, minimum=1)
# Overdue this many days: co-units' missing reports go to the lead unit (the lead unit's own
# go straight to the supervisors); then, this many days overdue, to the supervisors with a 督办.
TRACKER_REMINDER_ESCALATE_LEAD_DAYS = env_int("TRACKER_REMINDER_ESCALATE_LEAD_DAYS", 3, minimum=1)
TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS = env_int(
    "TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS", 6, minimum=1
)
# The second dispatch checkpoint is caught up for this many days after its day.
TRACKER_REMINDER_CATCH_UP_DAYS = env_int("TRACKER_REMINDER_CATCH_UP_DAYS", 2, minimum=0)
# Automatic 督办 records written per sweep (each is a few writes); the rest wait for the next.
TRACKER_REMINDER_URGE_BATCH = env_int("TRACKER_REMINDER_URGE_BATCH", 200, minimum=1)
# The right-hand side of every Message-ID the calendar sends.
TRACKER_REMINDER_MESSAGE_ID_DOMAIN = env_str(
    "TRACKER_REMINDER_MESSAGE_ID_DOMAIN",
    SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost",
)

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu reads and writes one folder per direction; pointing both at the same folder makes it
    # a queue. Consumed messages are renamed into processed/ on the same filesystem, which is
    # atomic, so two worker processes never take the same message (moving them to /tmp, the
    # default, is a copy across filesystems and is not).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": True,
    }
else:
    # An unacknowledged message (acks_late) goes back to the queue after this long. It must
    # exceed the longest retry countdown, or Redis hands a waiting retry to a second worker; a
    # redelivered send is harmless anyway (the sender's lease refuses it) but wasteful.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": max(3600, 2 * TRACKER_REMINDER_RETRY_MAX_SECONDS)
    }
# Several deployments (or a test run) can share one Redis by using different queue names.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tracker")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # tasks record their outcome in the database, not a result store
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs are declared here and only here; each one is an idempotent sweep.
# The sweep claims what is due, queues one send per recipient, requeues stalled sends, escalates
# problems past their limit and records the automatic 督办; it runs every ten minutes, off the
# hour, and the daily digest entry runs the same sweep at the hour the day's notices start.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "reminders-sweep": {
        "task": "tracker.tasks.reminders_sweep",
        "schedule": crontab(minute="5-59/10"),
    },
    "reminders-daily-digest": {
        "task": "tracker.tasks.reminders_sweep",
        "schedule": crontab(
            hour=TRACKER_REMINDER_SEND_FROM.hour, minute=TRACKER_REMINDER_SEND_FROM.minute
        ),
    },
    "worker-heartbeat": {
        "task": "tracker.tasks.worker_heartbeat",
        "schedule": crontab(),
    },
    "prune-processed-broker-messages": {
        "task": "tracker.tasks.broker_processed_prune",
        "schedule": crontab(minute=17),
    },
    "prune-export-jobs": {
        "task": "tracker.tasks.export_jobs_prune",
        "schedule": crontab(hour=3, minute=41),
    },
    "prune-summary-changes": {
        "task": "tracker.tasks.summary_changes_prune",
        "schedule": crontab(hour=3, minute=53),
    },
}
# A sweep is one set-based claim (seconds even for a province); a send is one SMTP exchange.
CELERY_TASK_ANNOTATIONS = {
    "tracker.tasks.reminders_sweep": {"soft_time_limit": 240, "time_limit": 300},
    # The soft limit interrupts a send that may already be at the server (which would then
    # get it again), so it keeps most of the hard limit: 110 s of 120, 4 s of a test's 5.
    "tracker.tasks.reminder_digest_send": {
        "soft_time_limit": TRACKER_REMINDER_SEND_TIME_LIMIT
        - max(1, min(10, TRACKER_REMINDER_SEND_TIME_LIMIT // 5)),
        "time_limit": TRACKER_REMINDER_SEND_TIME_LIMIT,
    },
    "tracker.tasks.export_run": {
        "soft_time_limit": max(1, TRACKER_EXPORT_TIME_LIMIT - 10),
        "time_limit": TRACKER_EXPORT_TIME_LIMIT,
    },
}

# /health/ and the reminders page: the sweep runs every 10 minutes, the worker heartbeat every
# minute; older than this (seconds) and beat or the workers are taken to have stopped.
TRACKER_HEALTH_SWEEP_MAX_AGE = env_int("TRACKER_HEALTH_SWEEP_MAX_AGE", 25 * 60, minimum=60)
TRACKER_HEALTH_WORKER_MAX_AGE = env_int("TRACKER_HEALTH_WORKER_MAX_AGE", 5 * 60, minimum=60)

# --- The quarterly cycle (季度调度) -----------------------------------------------------------
# Defaults used when a document does not state its own reporting rule.
TRACKER_DUE_MONTH_OF_QUARTER = env_int("TRACKER_DUE_MONTH_OF_QUARTER", 3, minimum=1)
TRACKER_DUE_DAY = env_int("TRACKER_DUE_DAY", 25, minimum=1)
# The reporting window opens on this day of the due month (一般为末月初).
TRACKER_WINDOW_OPEN_DAY = env_int("TRACKER_WINDOW_OPEN_DAY", 1, minimum=1)
# 一季两调度: the first dispatch checkpoint is this day of the quarter's second month; the second
# is the due date.
TRACKER_FIRST_CHECKPOINT_DAY = env_int("TRACKER_FIRST_CHECKPOINT_DAY", 15, minimum=1)
# 遇节假日顺延: a due date on a weekend or holiday moves to the next working day (off by default:
# documents' dates are kept as written).
TRACKER_DUE_ROLLS_TO_WORKING_DAY = env_bool("TRACKER_DUE_ROLLS_TO_WORKING_DAY", False)
# 限时3日内: each rung of the problem-escalation ladder lasts this many days.
TRACKER_ESCALATION_DAYS = env_int("TRACKER_ESCALATION_DAYS", 3, minimum=1)
# Progress colours (DESIGN §3): thresholds are settings, never literals in the code.
# Yellow (滞后) down to this pace (completion ÷ elapsed share); below it red (严重滞后).
TRACKER_YELLOW_PACE = env_decimal("TRACKER_YELLOW_PACE", "0.9", minimum="0.01", maximum="1")
# Growth and share targets: yellow within this many percentage points below the target.
TRACKER_GROWTH_YELLOW_GAP_PP = env_decimal("TRACKER_GROWTH_YELLOW_GAP_PP", "1.0", minimum="0")
# "左右" (about): a rate this many points short still meets the target; a level this share short.
TRACKER_ABOUT_TOLERANCE_PP = env_decimal("TRACKER_ABOUT_TOLERANCE_PP", "0.5", minimum="0")
TRACKER_ABOUT_TOLERANCE_RATIO = env_decimal(
    "TRACKER_ABOUT_TOLERANCE_RATIO", "0.02", minimum="0", maximum="0.5"
)
# A rank target: yellow when at most this many places short.
TRACKER_RANK_YELLOW_PLACES = env_int("TRACKER_RANK_YELLOW_PLACES", 2, minimum=0)
# A qualitative task still 未启动 turns red once this share of its time has elapsed.
TRACKER_NOT_STARTED_RED_AFTER = env_decimal(
    "TRACKER_NOT_STARTED_RED_AFTER", "0.5", minimum="0", maximum="1"
)
# A missing report turns red (严重滞后) after this many days overdue; before that it is grey.
TRACKER_OVERDUE_RED_DAYS = env_int("TRACKER_OVERDUE_RED_DAYS", 3, minimum=0)
# Unit rankings: weights of (share of green/blue responsibilities, on-time submission rate,
# problems closed in time).
# How long the supervisors' province-wide figures (rankings, the year's trend) stay in the cache
# at most; any change they count is seen at once regardless (tracker.selectors.cached). 0: off.
TRACKER_FIGURES_CACHE_SECONDS = env_int("TRACKER_FIGURES_CACHE_SECONDS", 600, minimum=0)
TRACKER_RANKING_WEIGHTS = env_decimals("TRACKER_RANKING_WEIGHTS", "0.6,0.3,0.1", count=3)
# Importing: the largest document file accepted, and the size above which publishing runs in
# the background on a Celery worker (a province's plan creates thousands of rows).
TRACKER_IMPORT_MAX_BYTES = env_int("TRACKER_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
TRACKER_PUBLISH_BACKGROUND_ABOVE = env_int("TRACKER_PUBLISH_BACKGROUND_ABOVE", 300, minimum=1)
# Evidence files (佐证材料): the largest accepted upload.
TRACKER_EVIDENCE_MAX_BYTES = env_int("TRACKER_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# …and per report: how many files, and their total size.
TRACKER_EVIDENCE_MAX_FILES = env_int("TRACKER_EVIDENCE_MAX_FILES", 20, minimum=1)
TRACKER_EVIDENCE_MAX_TOTAL_BYTES = env_int(
    "TRACKER_EVIDENCE_MAX_TOTAL_BYTES", 100 * 1024 * 1024, minimum=1024
)
# Reading an imported file and extracting from it run in a child process under these budgets
# (CPU seconds each, and memory beyond what the server process maps); a hostile file that
# exhausts one is refused instead of holding a worker for minutes.
TRACKER_IMPORT_CPU_SECONDS = env_int("TRACKER_IMPORT_CPU_SECONDS", 30, minimum=1)
TRACKER_IMPORT_MEMORY_BYTES = env_int(
    "TRACKER_IMPORT_MEMORY_BYTES", 1024 * 1024 * 1024, minimum=64 * 1024 * 1024
)
# An invitation (or reset) link sets a password once, within this many days.
TRACKER_INVITATION_DAYS = env_int("TRACKER_INVITATION_DAYS", 7, minimum=1)
# A new API token works for this many days (0: until it is revoked).
TRACKER_API_TOKEN_DAYS = env_int("TRACKER_API_TOKEN_DAYS", 365, minimum=0)
# Processed broker files older than this are deleted by the hourly prune.
TRACKER_BROKER_PROCESSED_RETENTION = timedelta(days=1)

REST_FRAMEWORK = {
    # Programs' per-person tokens (`Authorization: Bearer …`, only ever over HTTPS in
    # production: TRACKER_HTTPS), and pages' sessions. The token class comes first so an
    # unauthenticated call is answered 401 with `WWW-Authenticate: Bearer`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON whose nesting is bounded (a deep body was a RecursionError), forms, multipart.
    "DEFAULT_PARSER_CLASSES": [
        "tracker.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # One error body: {"detail": "…", "errors": {"field": "…"}} (tracker/api/errors.py).
    "EXCEPTION_HANDLER": "tracker.api.errors.exception_handler",
    # Requests per client: signed-in programs and people, and anonymous callers.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("TRACKER_API_ANON_RATE", "30/minute"),
        "user": env_str("TRACKER_API_USER_RATE", "600/minute"),
    },
    "PAGE_SIZE": 50,
    # The OpenAPI contract (tracker/api/schema.py describes what inference gets wrong).
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "进度跟踪系统 API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "供其他系统读取任务、填报周期和进度报告，并保存或提交本单位的进度报告。"
        "每个账号只能看到其单位有权看到的对象，其他单位的对象一律答复 404。"
        '出错时的答复格式统一为 {"detail": "原因", "errors": {"字段": "问题"}}；'
        "他人先保存了同一份报告时答复 409，请求过于频繁时答复 429。"
    ),
    # The contract itself is for signed-in people and programs only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # A report sent in and a report answered are different shapes (ReportInput, Report).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TRACKER_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# 督办单 (issue 17): the time limit of the automatic 督办 the calendar issues, in days; a
# webhook call's timeout in seconds.
TRACKER_DUBAN_AUTO_DAYS = env_int("TRACKER_DUBAN_AUTO_DAYS", 3, minimum=1)
TRACKER_WEBHOOK_TIMEOUT = env_int("TRACKER_WEBHOOK_TIMEOUT", 10, minimum=1)
