"""Default settings; instance/config.py and environment variables override them."""

import os
import socket

# Environment variables read by create_app(), with the type each is parsed as.
ENV_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "SITE_URL": str,
    "MEDIA_ROOT": str,
    "TICKER_POLL_SECONDS": int,
    "LATEST_POLL_SECONDS": int,
    "PAGE_CACHE_SECONDS": int,
    "PAGE_CACHE_NEW_PER_CLIENT": int,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_KEY_PREFIX": str,
    "STORIES_PER_PAGE": int,
    "AUTO_LOAD_PAGES": int,
    "HTTP_MAX_AGE": int,
    "CACHE_KEY_PREFIX": str,
    "PROXY_FIX": int,
    "HEALTHZ_TOKEN": str,
    "CACHE_TYPE": str,
    "CONTACT_RATE_LIMIT": str,
    "TRUSTED_HOSTS": lambda value: [h.strip() for h in value.split(",") if h.strip()],
    "ADMIN_REQUIRE_TOTP": lambda value: value.strip().lower() in ("1", "true", "yes", "on"),
}


class Defaults:
    SITE_NAME = "Asian-News.net"
    # Canonical links, feeds and sitemaps are built from SITE_URL. Unset, it is derived from HOST
    # and PORT (what `make run` listens on; see site_url_from_host_and_port); behind a proxy
    # (PROXY_FIX) it is required.
    SITE_URL = None
    SITE_LANGUAGE = "en"
    SITE_TIMEZONE = "UTC"
    HTMX_VERSION = "4.0.1"

    # Database: SQLite in instance/ unless DATABASE_URL says otherwise (set in create_app).
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Cache: a filesystem cache in instance/ shared by every worker, or Redis when REDIS_URL is set.
    CACHE_TYPE = None
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "an:"
    PAGE_CACHE_SECONDS = 120
    # New pages one client address may add to the page cache a minute (web/caching.py).
    PAGE_CACHE_NEW_PER_CLIENT = 600
    CONTENT_VERSION_SECONDS = 600
    HTTP_MAX_AGE = 10
    # How many proxies (nginx, a load balancer) stand in front of the app; 0 in development.
    PROXY_FIX = 0
    # /healthz shows its checks only to this machine, or to a monitor sending
    # `Authorization: Bearer <HEALTHZ_TOKEN>`; everyone else sees just ok or fail.
    HEALTHZ_TOKEN = ""

    # Uploads and generated images.
    MEDIA_ROOT = None
    # Every form but the photo upload, which takes up to 25 MB a photo (media.MAX_BYTES, set on
    # its view with web.accepts_body): a public form cannot make a worker read a huge body.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Lists.
    STORIES_PER_PAGE = 12
    AUTO_LOAD_PAGES = 5

    # Live updates.
    TICKER_POLL_SECONDS = 30
    LATEST_POLL_SECONDS = 60

    # Contact form.
    CONTACT_RATE_LIMIT = "5 per minute; 30 per day"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # Newsroom sign-in. Only failed attempts count. Per client address (any account) and per
    # account from one address, the limit refuses (429); per account from every address together,
    # each further attempt waits LOGIN_SLOWDOWN_SECONDS first, so no stranger can lock anyone out.
    LOGIN_RATE_LIMIT_IP = "10 per 10 minutes"
    LOGIN_RATE_LIMIT_ACCOUNT = "5 per 10 minutes"
    LOGIN_SLOWDOWN_ACCOUNT = "30 per hour"
    LOGIN_SLOWDOWN_SECONDS = 3
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 12
    PASSWORD_MIN_LENGTH = 8
    # Admins must set up two-step sign-in (an authenticator app) before using the admin.
    ADMIN_REQUIRE_TOTP = False
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Publisher facts from the owner's brief; shown on the contact page, footer and structured data.
    PUBLISHER = {
        "owner": "SNOWLAND s.r.o.",
        "registration": "06691200",
        "street": "Na okraji 381/41",
        "district": "Veleslavín",
        "postcode": "162 00",
        "city": "Praha 6",
        "country": "Czech Republic",
    }


def env_overrides(environ=os.environ):
    """Return the settings given in the environment, parsed to their types."""
    found = {}
    for name, kind in ENV_SETTINGS.items():
        if environ.get(name):
            found[name] = kind(environ[name])
    return found


def site_url_from_host_and_port(environ=os.environ) -> str:
    """The address `make run` serves on, for when SITE_URL is not set.

    HOST=0.0.0.0 (or ::) listens on every interface so that other machines can read the site;
    for them 127.0.0.1 would name their own computer, so links use this machine's name instead.
    """
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    port = environ.get("PORT", "").strip() or "5000"
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104  # nosec B104 - compared with, not bound to
        host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
