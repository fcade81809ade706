"""Settings for skillsite, read from the environment.

Development works with no environment at all: DEBUG is on, the database is a SQLite
file beside this project. Production sets DEBUG=false and must then give SECRET_KEY
and ALLOWED_HOSTS; see the README's deployment section for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "reversion",
    "editorial",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "events",
    "opendata",
]

SITE_ID = 1
# The site's address as links in the feed, the sitemaps and "view on site" give it (written to
# the Site record after each migrate, skillsite/sites.py): in production the first host name.
SITE_DOMAIN = os.environ.get(
    "SITE_DOMAIN", "127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else ALLOWED_HOSTS[0].lstrip(".")
)
SITE_NAME = "职业能力建设大事记"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "skillsite.cache_control.CacheControlMiddleware",
    # Outside the page cache, so a cached page still answers If-None-Match with a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "events.page_cache.PublicPageCacheMiddleware",
    "opendata.middleware.OpenDataCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The reader's display (standard or 长辈版); the page cache keys on it too.
    "events.display.DisplayModeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "skillsite.request_limits.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skillsite.security.ContentSecurityPolicyMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skillsite.urls"

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
                "events.context_processors.public_site",
            ],
        },
    },
]

WSGI_APPLICATION = "skillsite.wsgi.application"

# DATABASE_URL selects the database; without it, a SQLite file in the project.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers keep reading while an editor saves (WAL), and a writer waits for the lock
    # instead of failing with "database is locked"; IMMEDIATE takes the write lock up front
    # so two writers never deadlock upgrading from read locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, so they exercise WAL and locking as the site does.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}


def cache_from_url(url):
    """CACHE_URL: locmem:// (one process), redis://host:port/db (shared), dummy:// (none)."""
    parsed = urlparse(url)
    if parsed.scheme in {"redis", "rediss"}:
        # Pages keep working, uncached, while Redis is unreachable (skillsite/redis_cache.py); the
        # timeouts bound what a hanging Redis can cost a request.
        seconds = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "1"))
        return {
            "BACKEND": "skillsite.redis_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "skillsite"),
            "OPTIONS": {"socket_connect_timeout": seconds, "socket_timeout": seconds},
        }
    if parsed.scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parsed.netloc or "skillsite",
        }
    if parsed.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must start with redis://, locmem:// or dummy://, not {url!r}.")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}

# Anonymous visitors get whole pages from the cache, stored for at most this long; any
# content change or scheduled publication makes them stale at once (events/content_version.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/healthz")
# Values derived from content (row counts, the years that have content) are kept per content
# version for at most this long, so a page rendered afresh need not count whole tables.
CONTENT_CACHE_SECONDS = env_int("CONTENT_CACHE_SECONDS", 3600)

# The footer a Chinese government site carries (《政府网站发展指引》); each line is shown only
# when its variable is set. The ICP number links to the MIIT filing system, the public
# security filing number to the MPS one.
SITE_FOOTER = {
    "sponsor": os.environ.get("SITE_SPONSOR", ""),  # 主办单位
    "organizer": os.environ.get("SITE_ORGANIZER", ""),  # 承办单位
    "contact": os.environ.get("SITE_CONTACT", ""),  # 联系方式
    "site_code": os.environ.get("SITE_CODE", ""),  # 网站标识码
    "icp_number": os.environ.get("SITE_ICP_NUMBER", ""),  # ICP备案号
    "police_number": os.environ.get("SITE_POLICE_NUMBER", ""),  # 公安机关备案号
}

# The read-only API (opendata/): public content only, no sessions, the format chosen by the URL.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "opendata.renderers.FormatOnlyNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "职业能力建设大事记开放数据 API",
    "DESCRIPTION": "只读，只含已发布的内容。JSON 或 CSV（?format=csv）；筛选与网站列表相同。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Each list is documented once; its .csv and .json paths are the same list.
    "PREPROCESSING_HOOKS": ["drf_spectacular.hooks.preprocess_exclude_path_format"],
    "ENUM_NAME_OVERRIDES": {
        "ProvinceKindEnum": "events.models.ProvinceKind",
        "AwardKindEnum": "events.models.AwardKind",
    },
}

# Sessions in the database only: shared by every app server, and a logout deletes the one
# copy there is, so it sticks even when it happens while Redis is unreachable.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Chinese at the site's own URLs, English under /en/ (skillsite/urls.py); interface strings
# are translated in locale/, content in each model's `_en` fields.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Strings Django's own Chinese catalogues leave in English (the admin's JavaScript ones).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -----------------------------------------------------------------------------
# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True

ADMIN_URL_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Django's admin templates use style attributes; its scripts are files, so no script relaxation.
ADMIN_CONTENT_SECURITY_POLICY_EXTRA = {"style-src": ["'unsafe-inline'"]}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# How many proxies in front append to X-Forwarded-For (0: the socket address is the client).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Admin login throttling: after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for AXES_COOLOFF_TIME. Attempts live in the database,
# so every app server sees them.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Trying many user names from one address is limited too (skillsite/admin_login.py): higher, as
# one office may share an address.
AXES_HANDLER = "skillsite.admin_login.AddressWideThrottle"
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "skillsite.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# After login, the admin (also when a `next` address was refused as unsafe).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Request bodies (skillsite/request_limits.py). Every route: at most REQUEST_BODY_MAX_BYTES,
# above the largest staff upload (import files, 20 MB; images, 10 MB). Visitors who are not
# logged in have no upload to make: a multipart body of theirs over ANONYMOUS_UPLOAD_MAX_BYTES
# is refused before it is read. Form fields read into memory are bounded by Django's setting,
# and uploaded files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 25 * 1024 * 1024)
ANONYMOUS_UPLOAD_MAX_BYTES = env_int("ANONYMOUS_UPLOAD_MAX_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Review notifications (editorial app). Development prints mail to the console; production
# sends through the SMTP server the environment names. Tests use Django's in-memory outbox.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", f"django.core.mail.backends.{'console' if DEBUG else 'smtp'}.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
