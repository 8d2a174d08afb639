"""Settings, read from the environment (see README "Configuration").

Demo mode (ENABLEMENT_DEMO=true, set by `make run`) is the only mode that may invent a
secret key and turn DEBUG on; anything else must be told.
"""

import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from enablement.accounts.roles import Role
from enablement.core.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ENABLEMENT_VAR_DIR", str(BASE_DIR / "var")))
DEMO = env_bool("ENABLEMENT_DEMO", False)
TESTING = env_bool("ENABLEMENT_TESTING", False) or "pytest" in sys.modules


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not (DEMO or TESTING):
        raise ConfigurationError(
            "SECRET_KEY must be set outside demo mode (ENABLEMENT_DEMO=true for the demo)."
        )
    # Generated once and kept, so demo sessions survive a restart of `make run`.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", DEMO)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if (DEMO or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "ninja",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "enablement.core",
    "enablement.accounts",
    "enablement.catalogue",
    "enablement.people",
    "enablement.governance",
    "enablement.referrals",
    "enablement.casework",
    "enablement.plans",
    "enablement.visits",
    "enablement.reviews",
    "enablement.closures",
    "enablement.returns",
    "enablement.outcomes",
    "enablement.feedback",
    "enablement.allocation",
    "enablement.notifications",
    "enablement.privacy",
    "enablement.api",
    "enablement.demo",
    "enablement.reporting",
    # Above every domain: each role's home page composes them (ADR 0029).
    "enablement.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "enablement.core.middleware.PrivateResponses",
    "enablement.api.middleware.ApiErrorsAsJson",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "enablement.core.middleware.PagesLoginRequiredMiddleware",
    "enablement.accounts.middleware.SecondFactorMiddleware",
    "enablement.api.middleware.RefuseNulCharacters",
    # Writes the access-log rows of what each request read (enablement/governance/reads.py).
    "enablement.governance.reads.AccessLogMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enablement.urls"
WSGI_APPLICATION = "enablement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "enablement" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "enablement.accounts.context_processors.navigation",
            ],
        },
    },
]
# Form fields render with GOV.UK markup from enablement/templates/django/forms/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'enablement.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the worker share the file
    # without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# psycopg 3's pool inside each web process (docs/PERFORMANCE.md "Connection pooling"): a
# request borrows one of at most DATABASE_POOL_SIZE open connections instead of opening its
# own, so a busy worker stops paying PostgreSQL's connection set-up per request. Unset or 0:
# one connection per request, closed at its end. Across processes and hosts, PgBouncer.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
if DATABASE_POOL_SIZE:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigurationError(
            "DATABASE_POOL_SIZE needs PostgreSQL (DATABASE_URL=postgres://...)"
        )
    # A request that cannot borrow one within `timeout` seconds fails rather than queueing
    # behind a stuck worker for ever.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,
    }

# Reporting reads (the dashboard, the return and their exports) on a read replica
# (enablement/core/replica.py; docs/PERFORMANCE.md "The path beyond one primary"). Unset: the
# primary serves everything. A replica more than REPORTING_MAX_LAG_SECONDS behind, or down,
# is skipped with a logged warning; its state is checked at most every REPORTING_CHECK_SECONDS.
REPORTING_DATABASE_URL = env_str("REPORTING_DATABASE_URL")
REPORTING_MAX_LAG_SECONDS = float(env_int("REPORTING_MAX_LAG_SECONDS", 30))
REPORTING_CHECK_SECONDS = float(env_int("REPORTING_CHECK_SECONDS", 10))
if REPORTING_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(REPORTING_DATABASE_URL, conn_max_age=0)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ConfigurationError(
            "REPORTING_DATABASE_URL must use the same database as DATABASE_URL"
        )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer is skipped after 2 seconds, not waited for.
        DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
    # Tests: the replica streams the primary's whole cluster, test databases included, so
    # it reads the test database by the same name rather than making one of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["enablement.core.replica.ReportingRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The demo's published password is refused anywhere but the demo.
    {"NAME": "enablement.accounts.validators.DemoPasswordValidator"},
]
# django-axes checks every sign-in before the password is tried, so a locked account stays
# locked even with the right password.
AUTHENTICATION_BACKENDS = [
    "enablement.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = env_str(name, str(default))
    if not raw.isascii() or not raw.isdigit() or int(raw) < minimum:
        raise ConfigurationError(f"{name} must be a whole number of at least {minimum}")
    return int(raw)


# Sign-in lockout (django-axes): after this many wrong passwords for one username the account
# is locked until a system administrator unlocks it (no cool-off: a guesser cannot wait it
# out). Counted per username, so changing address does not help a guesser.
AXES_FAILURE_LIMIT = _env_int("SIGN_IN_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
# Once locked, further attempts are refused without being written: a guesser hammering a
# locked username cannot grow the attempts table.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "enablement.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "enablement.accounts.lockout.client_address"
# Our own Events record lockouts; axes' per-sign-in log would duplicate the session table.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Wrong API tokens from one client address (django-ratelimit, same cache as above).
API_TOKEN_FAILURE_RATE = env_str("API_TOKEN_FAILURE_RATE", "20/15m")
# API tokens expire; the maker picks a lifetime up to this many days (default 90).
API_TOKEN_MAX_DAYS = _env_int("API_TOKEN_MAX_DAYS", 365)

# Two-factor authentication (django-otp, TOTP with recovery codes). Members of these roles
# cannot reach any page until they have set up and used a second factor; `staff` means every
# role but the person supported and carer. Empty in demo mode and tests, so the published
# demo sign-ins and the existing tests work with a password alone.
OTP_REQUIRED_ROLES = env_list(
    "OTP_REQUIRED_ROLES",
    [] if (DEMO or TESTING) else ["sysadmin", "provision_manager", "quality_manager"],
)
_OTP_ROLE_NAMES = {"staff", *(r.value for r in Role)}
if unknown := set(OTP_REQUIRED_ROLES) - _OTP_ROLE_NAMES:
    raise ConfigurationError(
        f"OTP_REQUIRED_ROLES has unknown roles {sorted(unknown)}; use {sorted(_OTP_ROLE_NAMES)}"
    )
OTP_TOTP_ISSUER = env_str("ENABLEMENT_SERVICE_NAME", "Enablement")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = not (DEMO or TESTING or DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Production is anything that is neither the demo nor the tests: there the browser is told to
# use HTTPS only (HSTS) and plain HTTP is redirected. Behind a proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER to the header it sets (X-Forwarded-Proto), and make sure the proxy
# overwrites that header from clients; otherwise the redirect would loop.
PRODUCTION = not (DEMO or TESTING)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Asking to be preloaded into browsers is a decision for whoever owns the council's domain,
# not for one service on it, so it is off unless set and Django's reminder is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)

# Content-Security-Policy (django-csp, ADR 0015): scripts, styles, images, fonts and requests
# from this site only, no inline script or style, no plugins, never framed, forms post here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "enablement" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEMO
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "sent-email"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "enablement@example.invalid")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25") or 25)
# GOV.UK Notify is chosen with NOTIFY_API_KEY; see enablement/core/notify.py.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
# A Notify email template with ((subject)) and ((body)) placeholders.
NOTIFY_EMAIL_TEMPLATE_ID = env_str("NOTIFY_EMAIL_TEMPLATE_ID")

ENABLEMENT_SERVICE_NAME = env_str("ENABLEMENT_SERVICE_NAME", "Enablement")
# Licensed item wording of an outcome instrument, from a file the licensed service supplies
# (outcomes/wording.py; README "Outcome instruments"). Unset: neutral labels.
OUTCOME_WORDING_FILES = {"swemwbs": env_str("ENABLEMENT_SWEMWBS_WORDING", "") or ""}
# Where people reach the service, for the link in each email (emails carry no other detail).
ENABLEMENT_BASE_URL = env_str(
    "ENABLEMENT_BASE_URL", "http://127.0.0.1:8000" if (DEMO or TESTING) else ""
)

# The worker uses the database as its broker: a job is a row, so it survives a restart
# and needs no other server on the embedded default.
Q_CLUSTER = {
    "name": "enablement",
    "orm": "default",
    "workers": 1,
    "timeout": 120,
    "retry": 300,
    "max_attempts": 3,
    "catch_up": False,
    "poll": 2,
    "save_limit": 500,
    "sync": env_bool("ENABLEMENT_SYNC_JOBS", False),
}

# Exports (ADR 0036): up to this many rows are streamed while the user waits; more are made
# by the worker and offered as a download for EXPORT_KEEP_HOURS. A job may run this long
# (below Q_CLUSTER["retry"], or the broker would hand it to a second worker).
EXPORT_STREAM_ROWS = env_int("ENABLEMENT_EXPORT_STREAM_ROWS", 50_000, minimum=1)
EXPORT_KEEP_HOURS = env_int("ENABLEMENT_EXPORT_KEEP_HOURS", 24, minimum=1)
EXPORT_JOB_TIMEOUT = 280

# Connections a periodic sweep writes its batches through side by side on PostgreSQL
# (core.batches.run_batches); about the database server's cores. 1: one batch at a time.
SWEEP_WORKERS = env_int("ENABLEMENT_SWEEP_WORKERS", 2, minimum=1)

# The dashboard (ADR 0043) shows figures stamped by the worker, or by an earlier viewer of the
# same default scope, if they were computed today within this many minutes; otherwise it
# computes them when opened. 0 turns stamps off: every page computes its figures.
DASHBOARD_STAMP_MINUTES = env_int("ENABLEMENT_DASHBOARD_STAMP_MINUTES", 60)
# Where the worker writes them; tests write under the system's temporary directory.
EXPORT_DIR = (
    Path(tempfile.gettempdir()) / "enablement-test-exports" if TESTING else VAR_DIR / "exports"
)

# The public self-referral form is rate-limited per client address (django-ratelimit),
# counting accepted submissions only. The count lives in the "ratelimit" cache: Redis when
# REDIS_URL is set, otherwise a database table (made by a migration), so every process of
# the web server shares it either way; never per-process memory.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "enablement_ratelimit_cache",
        }
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"
# Django's Redis backend works but is not on django-ratelimit's list (W001). The database
# table's increment is a read then a write (E003): two submissions in the same instant may
# count as one, which is acceptable for the embedded default; production sets REDIS_URL.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
# How many proxies of our own stand in front of the web server: the client's address is
# the one the first of them saw (X-Forwarded-For), never what the client wrote itself.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0") or 0)
SELF_REFERRAL_RATE = env_str("SELF_REFERRAL_RATE", "5/h")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # see SECURE_HSTS_PRELOAD above

# How long a system administrator's emergency sight of one record lasts (issue 9, item 6).
BREAK_GLASS_HOURS = float(env_str("BREAK_GLASS_HOURS", "4") or 4)
# Sign-in lockout counts wrong passwords per username whatever the address or browser, so
# axes' warning about rotating user agents does not apply; locking by address as well would
# lock a whole council office behind one address out at once.
SILENCED_SYSTEM_CHECKS.append("axes.W006")

NINJA_PAGINATION_PER_PAGE = 50

# Retention (UK GDPR article 5(1)(e) and 17; docs/SECURITY.md "Subject access and retention").
# Whole years after the person's last involvement ended; the council's retention schedule
# decides the real figures. Closed episodes: the Records Management Code of Practice for
# Health and Social Care keeps adult social care records 8 years after care ends.
RETENTION_EPISODE_YEARS = env_int("RETENTION_EPISODE_YEARS", 8, minimum=1)
# A referral that never became an episode (declined, signposted, routed, withdrawn...), and a
# person recorded but never referred, counted from when it ended or was recorded.
RETENTION_REFERRAL_YEARS = env_int("RETENTION_REFERRAL_YEARS", 3, minimum=1)
# Events and the access log are the audit: never changed or deleted by the application.
# The sweep reports how many rows are older than this, for the records manager to archive.
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", 8, minimum=1)
# The key of the audit hash chain (governance/chain.py), kept outside the database so that
# whoever can write the tables cannot re-forge the chain. Without it, one is derived from
# SECRET_KEY; set it in production so that rotating SECRET_KEY leaves the chain verifiable.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY")
# Lets the test runner empty the audit tables between tests (governance/triggers.py). Never
# read from the environment: outside tests the triggers refuse every DELETE and TRUNCATE.
AUDIT_MAINTENANCE = TESTING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The key of the short-term support return's pseudonyms (HMAC-SHA256 of the NHS number,
# enablement/returns). Only ever in the environment, never in the database: whoever holds
# the key and the file can test an NHS number against it. The demo and the tests use a
# fixed key that is not secret; elsewhere there is none until it is set, and the return
# refuses to export without it.
RETURN_PSEUDONYM_KEY = env_str(
    "ENABLEMENT_RETURN_KEY",
    "demo-and-test-key-never-for-real-returns" if (DEMO or TESTING) else "",
)
