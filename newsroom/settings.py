"""Newsroom settings: one module, every deployment difference read from the environment.

The README's configuration table lists each variable. Without DEBUG, a missing
SECRET_KEY stops the process with a clear error instead of running insecurely.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import DEFAULT_MENU_GROUPS, html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name, because):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set, and {because} needs it.")
    return value


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form keeps what was typed and offers to send it again (newsroom/views.py).
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "articles.apps.TagsConfig",  # django-taggit, named "Tags" in the admin
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_prose_editor",
    "newsroom",
    "articles",
    "comments",
]

MIDDLEWARE = [
    # First: a page-cache hit skips everything below (it stores the headers they add).
    "newsroom.cache.PageCacheMiddleware",
    "newsroom.security.HttpsRedirectNotStoredMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsroom.security.ReadOnlyPublicSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newsroom.signed_out.SignedOutFormKept",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.two_factor.TwoFactorMiddleware",
    "newsroom.admin_filters.FilterValuesInRange",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django.contrib.redirects' fallback, but never to a story that is not live yet. Above
    # the flat pages' so that it sees their answer (responses go up the list): a page that
    # exists wins over a redirect from its address, as every other page does.
    "articles.redirects.HidingRedirectFallbackMiddleware",
    # django.contrib.flatpages' fallback, always drawn with our flat page template.
    "articles.flat_pages.FlatPageFallbackMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "articles.context_processors.menu",
                "articles.context_processors.sidebar",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps one connection per thread; WAL lets readers run beside the one writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings sent with each connection request (no extra round trip). PostgreSQL's
    # defaults price a page read as from a spinning disk and compile costly-looking plans
    # just in time: on search, that read every row's out-of-line vector of a 10,000-article
    # archive (34 ms) instead of the GIN index (3 ms), and spent 20-40 ms compiling common
    # phrases. Nor does a query fan out to parallel workers: readers' requests already keep
    # every core busy, and a phrase of common words served 26 req/s with them, 44 without.
    # Behind PgBouncer in transaction mode, set DATABASE_STARTUP_OPTIONS= (empty) and put
    # these in the database's own settings (ALTER DATABASE ... SET) instead.
    startup_options = os.environ.get(
        "DATABASE_STARTUP_OPTIONS",
        "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0",
    ).strip()
    if startup_options:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        # Options given in DATABASE_URL (?options=-c search_path=...) come last and win.
        options["options"] = " ".join(filter(None, [startup_options, options.get("options")]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            # Keys name the database too: a restored or another copy of the site sharing
            # this Redis never sees the pages cached for the old one (newsroom/cache/keys.py).
            "KEY_FUNCTION": "newsroom.cache.make_key",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous pages are stored whole for this long at most (less before a scheduled article
# or midnight); browsers and CDNs may reuse them for NEWSROOM_HTTP_MAX_AGE seconds.
NEWSROOM_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
NEWSROOM_HTTP_MAX_AGE = env_int("HTTP_MAX_AGE", 60)
# Pages name the keys of what they show in these response headers, for the shared caches in
# front: one header per kind (Varnish's xkey and Fastly read Surrogate-Key, Cloudflare
# Cache-Tag; "Surrogate-Key,Cache-Tag" for Cloudflare in front of Varnish). A change purges
# its keys there through each configured purger (newsroom/cache/purgers.py, README).
NEWSROOM_SURROGATE_KEY_HEADERS = env_list("SURROGATE_KEY_HEADER", "Surrogate-Key")
NEWSROOM_CACHE_PURGERS = []
if env_list("VARNISH_PURGE_URLS"):
    NEWSROOM_CACHE_PURGERS.append(
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": env_list("VARNISH_PURGE_URLS")}
    )
if os.environ.get("CLOUDFLARE_ZONE_ID"):
    NEWSROOM_CACHE_PURGERS.append(
        {
            "BACKEND": "newsroom.cache.purgers.Cloudflare",
            "ZONE_ID": os.environ["CLOUDFLARE_ZONE_ID"],
            "API_TOKEN": env_required("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ZONE_ID (purging)"),
            "API": os.environ.get("CLOUDFLARE_API", "https://api.cloudflare.com/client/v4"),
        }
    )
if os.environ.get("FASTLY_SERVICE_ID"):
    NEWSROOM_CACHE_PURGERS.append(
        {
            "BACKEND": "newsroom.cache.purgers.Fastly",
            "SERVICE_ID": os.environ["FASTLY_SERVICE_ID"],
            "API_TOKEN": env_required("FASTLY_API_TOKEN", "FASTLY_SERVICE_ID (purging)"),
            "API": os.environ.get("FASTLY_API", "https://api.fastly.com"),
        }
    )
# Every purge is sent again this many seconds later: a front cache fetching a page while the
# change committed may have stored the old copy after the first purge.
NEWSROOM_PURGE_REPEAT_SECONDS = float(os.environ.get("PURGE_REPEAT_SECONDS", "2"))
# On a page-cache miss, requests for the page wait this long at most for the one rendering it.
NEWSROOM_COALESCE_SECONDS = float(os.environ.get("COALESCE_SECONDS", "2"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
# Translations of the project's own strings: manage.py makemessages -l <code>.
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# The body editor's blocks (photo, gallery, embed, pull quote, fact box): the editor's part.
# What a body may store is decided by its sanitiser, in the model layer.
DJANGO_PROSE_EDITOR_MENU_GROUPS = [*DEFAULT_MENU_GROUPS, {"group": "blocks"}]
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("js/prose_blocks.js")], "extensions": {"NewsBlocks": html_tags([])}}
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Django's, remembering the files a save writes, to delete them if it fails.
    "default": {"BACKEND": "newsroom.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsroom.storage.StaticFilesStorage"
        )
    },
}
# Uploads on S3-compatible storage (AWS S3, MinIO, Cloudflare R2, …) when a bucket is named;
# needs the optional dependency: pip install -e ".[s3]". Credentials come from the standard
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables, read by boto3 itself. newsroom/s3.py:
# addresses from stored names (no request), errors as OSError, short timeouts.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "newsroom.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Public, unsigned URLs: a signed one would expire inside a cached page.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH"),
            # Every upload's name carries 128 random bits (articles/image_files.py), so no
            # two share one: a save needs no request to look for a free name first.
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
            # An editor's save waits at most about timeout x attempts for a bucket that
            # does not answer, then gets a message in the form: keep that well under
            # GUNICORN_TIMEOUT (30 s), or the worker is killed first and the editor gets a 502.
            "timeout": env_int("AWS_S3_TIMEOUT", 5),
            "max_attempts": env_int("AWS_S3_MAX_ATTEMPTS", 2),
        },
    }
NEWSROOM_SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Uploads. Images over MAX_UPLOAD_MB are refused with a form error (articles/images.py); give the
# web server in front a slightly larger body limit (nginx client_max_body_size) so bigger
# requests never reach Django. Files over 2.5 MB stream to a temporary file, not memory; the
# non-file part of a request (an article's text) is capped at 2.5 MB, a form has few files.
NEWSROOM_MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

SITE_ID = 1
# The domain feeds, sitemaps and emails name (the Site record): set on every migrate when
# given; by default the first ALLOWED_HOSTS entry replaces Django's placeholder example.com.
NEWSROOM_SITE_DOMAIN = os.environ.get("SITE_DOMAIN", "").strip()

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's own identity, shown in the header, footer, feeds and structured data.
NEWSROOM_SITE_NAME = os.environ.get("SITE_NAME", "The World Monitor")
NEWSROOM_TAGLINE = os.environ.get(
    "SITE_TAGLINE",
    "Connecting the World to the Heartbeat of Middle East and Africa – "
    "Your Trusted Source for News and Insights.",
)
# The "Follow us" links a new site starts with (its first migrate; editors change them in
# the admin afterwards, articles/site_links.py): comma-separated "Label=https://…" pairs.
NEWSROOM_SOCIAL_LINKS = [
    tuple(item.split("=", 1))
    for item in env_list(
        "SOCIAL_LINKS",
        "Facebook=https://www.facebook.com/,X=https://x.com/,"
        "Instagram=https://www.instagram.com/,YouTube=https://www.youtube.com/",
    )
    if "=" in item
]
NEWSROOM_PAGE_SIZE = env_int("PAGE_SIZE", 12)

SIMPLE_HISTORY_REVERT_DISABLED = True
TAGGIT_CASE_INSENSITIVE = True

# HTTPS and browser protections. Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browser makers that takes months to take back (every subdomain
# must then serve HTTPS): only when asked for, so Django's reminder about it is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A covering index's extra columns (PostgreSQL's INCLUDE): SQLite builds the index
    # without them, which is all development needs; not a warning on every command.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# Admin login throttling: after AXES_FAILURE_LIMIT failures for one username from one
# client, that pair is locked out for AXES_COOLOFF_TIME hours. With Redis the counts live
# there, shared by every app process; without it, in the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
# Two-factor sign-in (newsroom/two_factor.py): when on, superusers and editors (these
# rights) must set it up before the admin opens; anyone on the staff may turn it on.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED")
TWO_FACTOR_REQUIRED_PERMISSIONS = ["articles.publish_article"]
OTP_TOTP_ISSUER = NEWSROOM_SITE_NAME
# Nobody reads another's authenticator key in the admin (its device pages refuse, whatever
# the number): each sets up their own at /admin/two-factor/setup/.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client address behind the trusted proxies (newsroom/client_ip.py), as for comments.
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "newsroom.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s path=%(path)s user=%(user)s %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
# gunicorn spells LOG_LEVEL in lower case ("info"); Python's logging only takes upper case.
LOGGING["root"]["level"] = LOGGING["root"]["level"].upper()

# "Popular News" counts views over this many days.
NEWSROOM_POPULAR_DAYS = env_int("POPULAR_DAYS", 7)
NEWSROOM_ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"

# Comments: moderation rules, spam defences and notifications (comments/moderation.py).
NEWSROOM_COMMENT_MAX_DEPTH = env_int("COMMENT_MAX_DEPTH", 3)
NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never
NEWSROOM_COMMENT_MAX_LINKS = env_int("COMMENT_MAX_LINKS", 2)
NEWSROOM_COMMENT_BLOCKLIST = env_list("COMMENT_BLOCKLIST")
NEWSROOM_COMMENT_RATE_LIMIT = env_int("COMMENT_RATE_LIMIT", 10)
NEWSROOM_COMMENT_RATE_PERIOD = env_int("COMMENT_RATE_PERIOD", 600)
NEWSROOM_COMMENT_MIN_SECONDS = env_int("COMMENT_MIN_SECONDS", 3)
NEWSROOM_COMMENT_FORM_MAX_AGE = env_int("COMMENT_FORM_MAX_AGE", 86400)
NEWSROOM_COMMENT_TRUST_RETURNING = env_bool("COMMENT_TRUST_RETURNING")
NEWSROOM_COMMENT_NOTIFY_MODERATORS = env_bool("COMMENT_NOTIFY_MODERATORS", True)
NEWSROOM_COMMENT_FINGERPRINT_DAYS = env_int("COMMENT_FINGERPRINT_DAYS", 30)

# Reverse proxies whose X-Forwarded-For is believed (newsroom/client_ip.py): addresses or
# networks, comma-separated. The default is the shipped nginx on the same machine; a request
# from anywhere else is for its own address, whatever header it carries.
NEWSROOM_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in NEWSROOM_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network like 10.0.0.0/8."
        ) from exc
