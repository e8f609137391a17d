"""Settings, read from environment variables. SQLite under var/ is the default database."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from doanvien.core import dates

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("DOANVIEN_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", default=False)
# Demo mode enables the demo logins (password "demo"); never set it in production.
DEMO_MODE = env_bool("DEMO_MODE", default=False)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # A newcomer's machine: keep a generated key under var/ so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "treebeard",
    "ninja",
    "axes",
    # Before django_tasks_db: its db_worker command is the jobs app's (it first fails the jobs a
    # worker that is gone left running).
    "doanvien.notifications",
    "doanvien.jobs",
    "django_tasks_db",
    "doanvien.core",
    "doanvien.accounts",
    "doanvien.units",
    "doanvien.members",
    "doanvien.training",
    "doanvien.profiles",
    "doanvien.meetings",
    "doanvien.committees",
    "doanvien.honours",
    "doanvien.evaluations",
    "doanvien.member_accounts",
    "doanvien.dues",
    "doanvien.youth",
    "doanvien.directives",
    "doanvien.returns",
    "doanvien.activities",
    "doanvien.member_stats",
    "doanvien.reports",
    "doanvien.yearly_reports",
    "doanvien.api",
    "doanvien.demo",
]

MIDDLEWARE = [
    "doanvien.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "doanvien.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doanvien.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "doanvien.core.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "doanvien.members.middleware.DuplicateIdMiddleware",
    "doanvien.profiles.middleware.OfflineCopyMiddleware",
    "doanvien.core.middleware.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "doanvien.urls"
WSGI_APPLICATION = "doanvien.wsgi.application"

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
                "doanvien.core.context_processors.site",
                "doanvien.notifications.context_processors.bell",
                "doanvien.accounts.context_processors.roles",
            ],
        },
    }
]

# A kept connection (CONN_MAX_AGE) is checked before a request reuses it (CONN_HEALTH_CHECKS,
# on by default): after PostgreSQL restarts, or a pooler drops it, a server thread that was idle
# meanwhile opens a new one instead of failing its next request with a 500
# (tests/deploy/test_deploy_files.py, `make faults`).
CONN_HEALTH_CHECKS = os.environ.get("CONN_HEALTH_CHECKS", "1").lower() in ("1", "true", "yes", "on")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'doanvien.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=CONN_HEALTH_CHECKS,
    )
}
# SQLite (a laptop install): readers never wait for the writer (WAL); a transaction takes the
# write lock when it begins (IMMEDIATE), so it never fails half-way on a lock; a writer waits up
# to SQLITE_BUSY_SECONDS for the one before it. Work that runs long (an import's check) runs
# outside any write transaction, and an import writes IMPORT_CHUNK_ROWS rows a transaction, so
# writers wait for short writes only.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": float(os.environ.get("SQLITE_BUSY_SECONDS", "20")),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# A read replica (PostgreSQL streaming replication) for the reports and the progress of the units
# above the branches (core/replica.py): a user reads the primary for REPLICA_STICKY_SECONDS
# after he wrote. Tests read the primary through the alias unless they point it elsewhere.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=CONN_HEALTH_CHECKS,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["doanvien.core.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "5"))

# Behind a connection pooler in transaction mode (pgbouncer; DATABASE_POOLER=transaction), a
# client's statements may each go to another server connection: nothing may outlive its
# transaction there. So no prepared statements (psycopg prepares a query it sees often, on one
# server connection), and no server-side cursor outside a transaction (Django's would be WITH
# HOLD): `.iterator()` reads in one go, and the exports that stream a big table run in one
# transaction (core/transactions.streaming). The product keeps no session-level state otherwise
# (its advisory locks and SET LOCAL are transaction-level). docs/operations.md, scripts/pgbouncer.
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
for _alias in DATABASES if DATABASE_POOLER == "transaction" else ():
    if DATABASES[_alias]["ENGINE"].endswith("postgresql"):
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = None
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# The cache counts the rate limits (core/ratelimit.py): this process's memory by default; with
# REDIS_URL (and the `redis` package installed) one count for every server process.
if _redis_url := os.environ.get("REDIS_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "doanvien.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "doanvien.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2id's cost (accounts/hashers.py): OWASP's 19 MiB, 2 passes, 1 lane by default.
ARGON2_MEMORY_KIB = int(os.environ.get("ARGON2_MEMORY_KIB", "19456"))
ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "2"))
ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", "1"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in lockout: django-axes records the failures, accounts/lockout.py decides who waits.
# An account: after AXES_FAILURE_LIMIT failures from anywhere, LOGIN_DELAY_SECONDS after the last
# one, doubled with each further failure up to AXES_COOLOFF_HOURS; forgotten after a day or at a
# successful log-in. An address: at most LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts
# within AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "10"))
LOGIN_FIRST_DELAY = timedelta(seconds=float(os.environ.get("LOGIN_DELAY_SECONDS", "60")))
LOGIN_MAX_DELAY = timedelta(hours=float(os.environ.get("AXES_COOLOFF_HOURS", "0.5")))
LOGIN_FAILURE_MEMORY = timedelta(hours=24)
AXES_HANDLER = "doanvien.accounts.lockout.LockoutHandler"
AXES_COOLOFF_TIME = "doanvien.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts refused while waiting are not counted: they neither extend a wait nor guess.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# One row per failure: the address rule counts them (no success deletes them). Prune with
# `manage.py axes_reset_failure_logs --age 30`.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100_000
AXES_LOCKOUT_CALLABLE = "doanvien.accounts.views.lockout_response"
AXES_VERBOSE = False
# Never stored with a failure (axes masks "password" itself): activation codes and dates of
# birth (member_accounts/activation.py), and the fields of the set-password forms.
AXES_SENSITIVE_PARAMETERS = [
    "code",
    "date_of_birth",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
]
# The client's address: behind PROXY_COUNT reverse proxies (docs/operations.md: one by default),
# read from the X-Forwarded-For they append to; 0 (reached directly) reads the connection's
# address only. A request with fewer entries than proxies (`make run`) is read like 0.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "doanvien.accounts.lockout.client_address"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates are typed and shown as dd/mm/yyyy in both languages.
# Also as typed on a phone's number pad: 24.05.2027 and 24052027 (core/dates.py).
DATE_INPUT_FORMATS = dates.INPUT_FORMATS
FORMAT_MODULE_PATH = ["doanvien.formats"]

STATIC_URL = "/static/"
# Only needed for `collectstatic` behind a web server; WhiteNoise finds the files without it.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]

# Browser sessions (accounts/sessions.py: each names its user, who can list and end them) end
# after SESSION_IDLE_HOURS without a request: every request moves the end.
SESSION_ENGINE = "doanvien.accounts.sessions"
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_IDLE_HOURS", "12")) * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind HTTPS (SECURE_COOKIES), browsers are told to come back over HTTPS only.
SECURE_HSTS_SECONDS = int(
    os.environ.get("HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0")
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind the reverse proxy that terminates HTTPS: the header it sets and its value, e.g.
# SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https", so links the site builds are https://.
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    _name, _, _value = proxy_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip() or "https")

# Scripts and style sheets come from this site only: no inline script, handler or style (the
# pages' own behaviour is static/js/app.js). The API's interactive docs relax styles for
# themselves (api/api.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# E-mail (invitations, password resets) through the SMTP server EMAIL_HOST when it is set;
# without it, e-mails are written to the console (development: the links show in `make run`'s
# output). EMAIL_USE_TLS (STARTTLS, on by default) or EMAIL_USE_SSL (implicit TLS, port 465).
if _email_host := os.environ.get("EMAIL_HOST", "").strip():
    _email_ssl = env_bool("EMAIL_USE_SSL", default=False)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("EMAIL_PORT", "465" if _email_ssl else "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_ssl": _email_ssl,
                "use_tls": env_bool("EMAIL_USE_TLS", default=not _email_ssl),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "doanvien@localhost")
# A password-reset link works once, within an hour.
PASSWORD_RESET_TIMEOUT = 3600

# Background work (imports, exports, report builds): django.tasks stored in the database, run by
# `manage.py db_worker` (started by `make run`). No broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Roll-up ledgers of the apps above training, folded with the training roll-ups' (core/ledger.py).
ROLLUP_LEDGERS = [
    "doanvien.evaluations.rollup",
    "doanvien.dues.ledger",
    "doanvien.youth.rollup",
    "doanvien.meetings.rollup",
    "doanvien.activities.rollup",
    "doanvien.member_stats.rollup",
]
# Called with the units (or their ids) whose active state changed, or that were created or
# reactivated (units/services.py), by apps above the units that count it.
# SQLite builds an index without its INCLUDE columns (PostgreSQL reads them): nothing to do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
UNIT_STATE_FOLLOWERS = [
    "doanvien.meetings.rollup.unit_state_changed",
    "doanvien.training.rollup.unit_state_changed",
]
# Modules that add indicators a scheme's item may take its figure from (evaluations/indicators.py).
EVALUATION_INDICATOR_MODULES: list[str] = []
# How long a draft statistics return's computed cells are kept in the cache (returns/selectors.py);
# 0: counted on every read.
RETURNS_COMPUTED_CACHE_SECONDS = int(os.environ.get("RETURNS_COMPUTED_CACHE_SECONDS", "300"))
# Modules that add computed figures to the yearly indicators (member_stats/indicators.py).
STATISTICS_INDICATOR_MODULES = ["doanvien.evaluations.statistics_indicators"]
# Files made by jobs (exports, error reports) and files uploaded for import, kept for JOB_FILE_DAYS.
JOB_FILES_DIR = Path(os.environ.get("JOB_FILES_DIR", VAR_DIR / "jobs"))
JOB_FILE_DAYS = int(os.environ.get("JOB_FILE_DAYS", "7"))
# Files people upload and keep (evidence, minutes, attachments), through Django's storage API:
# served only by the scoped views that own them, never from a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
# Where those files are kept: the file system under MEDIA_ROOT by default; any storage backend
# by naming it, e.g. an S3-compatible store with django-storages installed
# (FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage and its options as JSON in
# FILE_STORAGE_OPTIONS: docs/directives.md).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("FILE_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The virus check of attached files (docs/directives.md): the dotted path of a callable taking
# an uploaded file, returning None when it is clean and the reason otherwise; empty: no check.
UPLOAD_SCANNER = os.environ.get("UPLOAD_SCANNER", "")
# An uploaded spreadsheet is read by a child process of the worker with these budgets (address
# space in MB, CPU seconds): a file that needs more fails its import, never the worker
# (core/spreadsheets/parsing.py). The largest file an import takes needs about 700 MB.
IMPORT_PARSE_MEMORY_MB = int(os.environ.get("IMPORT_PARSE_MEMORY_MB", "1024"))
IMPORT_PARSE_CPU_SECONDS = int(os.environ.get("IMPORT_PARSE_CPU_SECONDS", "60"))
# Rows an import writes in one transaction (core/spreadsheets/importing.py): another writer
# waits at most about as long as one such chunk takes; the import stays all or nothing (the
# chunks written are undone if a later one cannot be).
IMPORT_CHUNK_ROWS = int(os.environ.get("IMPORT_CHUNK_ROWS", "500"))

# Searching members by full ID number (members/selectors.py): only for roles that may see full
# numbers, recorded like a reveal, and at most ID_SEARCH_LIMIT searches per user within
# ID_SEARCH_WINDOW_MINUTES.
ID_SEARCH_LIMIT = int(os.environ.get("ID_SEARCH_LIMIT", "60"))
ID_SEARCH_WINDOW = timedelta(minutes=float(os.environ.get("ID_SEARCH_WINDOW_MINUTES", "60")))
# The public card verification page: at most VERIFY_LIMIT checks per client address within
# VERIFY_WINDOW_MINUTES (a checkpoint scanning a queue of cards stays well under it).
# A member's photo as uploaded (it is stored made small: members/services/photos.py).
MEMBER_PHOTO_MAX_BYTES = int(os.environ.get("MEMBER_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
VERIFY_LIMIT = int(os.environ.get("VERIFY_LIMIT", "120"))
VERIFY_WINDOW = timedelta(minutes=float(os.environ.get("VERIFY_WINDOW_MINUTES", "10")))
# An ID number entered (a new record, a change, an admission, an import) that a record out of
# the user's sight already holds is refused without naming it, recorded, and reported to the
# unit above both; after DUPLICATE_ID_LIMIT such refusals within DUPLICATE_ID_WINDOW_HOURS the
# user's new ID numbers are not checked (nor accepted) until the window ends.
DUPLICATE_ID_LIMIT = int(os.environ.get("DUPLICATE_ID_LIMIT", "10"))
DUPLICATE_ID_WINDOW = timedelta(hours=float(os.environ.get("DUPLICATE_ID_WINDOW_HOURS", "24")))

# The site's address as people reach it (links in e-mails the worker sends), e.g.
# https://doanvien.example.vn; without it, those e-mails carry no link.
SITE_URL = os.environ.get("SITE_URL", "")

# How many rows a list page shows.
PAGE_SIZE = 50
# How long an invitation link stays valid, in days.
INVITATION_DAYS = 7
# How long an API token stays valid, in days.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

# Logs go to standard error, one JSON object a line (LOG_FORMAT=json, the default; `text` for
# people reading a terminal): time, level, logger, message and, inside a request or a job, its
# request id, user id and job (core/requestlog.py). LOG_LEVEL is the level of the libraries,
# APP_LOG_LEVEL the product's own; REQUEST_LOG_LEVEL=INFO writes one line per request
# (method, route, path, status, duration, unit), the default except in the demo, where the
# development server prints its own.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "doanvien.core.requestlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "doanvien": {"level": os.environ.get("APP_LOG_LEVEL", "INFO")},
        "doanvien.request": {
            "level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING" if DEMO_MODE else "INFO")
        },
    },
}

# Prometheus metrics at /metrics (core/metrics.py), answered only to the addresses listed.
METRICS_ENABLED = env_bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a
]

# WhiteNoise serves static files straight from the apps and packages (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
