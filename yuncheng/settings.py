"""Settings for 运城市巩固衔接工作平台.

One file, read from environment variables through strict helpers: a value that cannot be
parsed stops start-up instead of silently becoming a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "yuncheng.admin_site.YunchengAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "django_q",
    "axes",
    "yuncheng",
    "villages",
    "accounts",
    "monitoring",
    "assistance",
    "resident_teams",
    "rectification",
    "screening",
    "dashboard",
    "reports",
    "submissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yuncheng.personal_numbers.PersonalNumberQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database refusal of a write becomes a Chinese message, never a 500 (issue #10).
    "accounts.middleware.IntegrityErrorMiddleware",
    "yuncheng.middleware.ContentSecurityPolicyMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yuncheng.urls"

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
                "accounts.context_processors.user_scope",
                "yuncheng.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "yuncheng.wsgi.application"

# The platform's whole area: 运城市 (140800), or 山西省 (140000) for the province on one server
# (`seed_demo --province`). Cities are then areas like counties: a city administrator sees only their city.
PLATFORM_AREA = env_str("PLATFORM_AREA", "140800")
if PLATFORM_AREA not in ("140800", "140000"):
    raise ImproperlyConfigured(f"PLATFORM_AREA={PLATFORM_AREA!r}: use 140800 (运城市) or 140000 (山西省)")

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a kept connection that a database restart closed is replaced at the next request
    # instead of failing it.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                                                  conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # The dashboards' sets of households ("has this quarter's income", "identified as of") are IN subqueries
        # that PostgreSQL hashes only when the hash fits in work_mem; a province's (1.4 million ids) does not at
        # the default 4 MB, and the plan then re-runs the subquery per household (minutes instead of ms).
        # No JIT: PostgreSQL compiles a query whose estimated cost passes jit_above_cost, and for the
        # grouped aggregates of the summaries and data-quality checks the compiling took longer than the
        # query (rebuilding the 录入进度 of every village: 2.8 s of JIT for 0.5 s of work; docs/performance.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c work_mem={env_str('PG_WORK_MEM', '64MB')} -c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                # WAL lets the web process read while the job worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # In the database so that several web processes share it (no per-process state). The figures' cache
    # (dashboard.figures_cache) keeps a few thousand entries: room for every area and period in use.
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "yc_cache",
                "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)}}
}
# The dashboards' figures kept in that cache until a table they were read from is written.
DASHBOARD_CACHE = env_bool("DASHBOARD_CACHE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.ProfileModelBackend"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed by npm (package.json); nothing is loaded from the internet.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))

_STATIC_BACKEND = {
    "manifest": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    # Tests and first-run checks serve from the finders without a collectstatic step.
    "simple": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
_static_storage = env_str("STATIC_STORAGE", "manifest")
if _static_storage not in _STATIC_BACKEND:
    raise ImproperlyConfigured(f"STATIC_STORAGE={_static_storage!r} must be one of {sorted(_STATIC_BACKEND)}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND[_static_storage]},
}
WHITENOISE_USE_FINDERS = _static_storage == "simple"

# Uploads (evidence files, import workbooks)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The bootstrap5 table rendered in Python (yuncheng/fast_tables.py): the same HTML, a fraction of the CPU.
DJANGO_TABLES2_TEMPLATE = "tables/bootstrap5.html"
DJANGO_TABLES2_PAGE_RANGE = 8

# Background jobs. The ORM broker needs nothing beyond the database; setting Q_REDIS_URL moves the
# broker to Redis without code changes.
Q_CLUSTER = {
    "name": "yuncheng",
    "workers": env_int("Q_WORKERS", 1),
    "timeout": 1800,
    "retry": 3600,
    "queue_limit": 20,
    "bulk": 1,
    "orm": "default",
    "catch_up": False,
    "label": "后台任务",
}
if env_str("Q_REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = env_str("Q_REDIS_URL")

# Security: production defaults; the run script serves plain HTTP on loopback, so it turns the
# HTTPS-only flags off explicitly through the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks ID and mobile numbers (yuncheng/personal_numbers.py); gunicorn's access log
    # uses the same filter through deploy/gunicorn.conf.py.
    "filters": {"mask_personal_numbers": {"()": "yuncheng.personal_numbers.MaskPersonalNumbersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_numbers"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every sight of a full ID number by a role that does not normally need it (yuncheng.templatetags.yc).
        "yuncheng.audit.full_id": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a username is locked for
# AXES_COOLOFF_HOURS, or until the city administrator unlocks it (账号解锁 page). Locked by username, not
# by address: a county office's staff share one outgoing address, and locking it would lock them all.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too; deliberately not (see above): the username alone cannot be rotated.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
if env_bool("BEHIND_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Demo accounts (seed_demo) carry a known password. Outside DEBUG they must choose a new password at
# their first login before any page opens.
DEMO_ACCOUNTS_ALLOWED = env_bool("DEMO_ACCOUNTS_ALLOWED", DEBUG)

# Content-Security-Policy: scripts and everything else only from this site, no inline script (the
# templates keep data in json_script tags and behaviour in static files). Inline style attributes stay
# allowed: Bootstrap components and the admin set them, and they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=(), "
    "accelerometer=(), display-capture=()"
)
