"""Settings, read from the environment (see README "Configuration").

Demo mode (ENABLEMENT_DEMO=true, set by `make run`) is the only mode that may invent a
secret key and turn DEBUG on; anything else must be told.
"""

import secrets
import sys
from pathlib import Path

import dj_database_url

from enablement.core.env import ConfigurationError, env_bool, env_list, env_str

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
    "enablement.core",
    "enablement.accounts",
    "enablement.catalogue",
    "enablement.people",
    "enablement.governance",
    "enablement.referrals",
    "enablement.casework",
    "enablement.allocation",
    "enablement.notifications",
    "enablement.api",
    "enablement.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "enablement.core.middleware.PagesLoginRequiredMiddleware",
    "enablement.api.middleware.RefuseNulCharacters",
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
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = not (DEMO or TESTING or DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

# The public self-referral form is rate-limited per address (django-ratelimit). With
# REDIS_URL set the count is shared by every process; without it (the embedded demo, one
# waitress process) a local-memory cache is shared by all its threads, which is enough there.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
SELF_REFERRAL_RATE = env_str("SELF_REFERRAL_RATE", "5/h")

NINJA_PAGINATION_PER_PAGE = 50

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
