"""Settings: the defaults, what instance/config.py and the environment may override, and the
checks that stop a start on a setting that cannot work (load(), called first by create_app())."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask

from database import describe, missing_database
from newsroom import checklist, indexnow, mail, zones
from newsroom.photos import make_media_folder

# Environment variables read by load(), with the type each is parsed as.
ENV_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "SITE_URL": str,
    "MEDIA_ROOT": str,
    "TICKER_POLL_SECONDS": int,
    "LATEST_POLL_SECONDS": int,
    "LIVE_POLL_SECONDS": int,
    "PAGE_CACHE_SECONDS": int,
    "CONTENT_VERSION_RECHECK_SECONDS": float,
    "PAGE_CACHE_NEW_PER_CLIENT": int,
    "STORY_CARDS_KEPT": int,
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
    "COUNT_RATE_LIMIT": str,
    "MOST_READ_MIN_VIEWS": int,
    "MOST_READ_SECONDS": int,
    "READERSHIP_FOLD_SECONDS": int,
    "READERSHIP_BATCH_SECONDS": float,
    "SMTP_URL": str,
    "SMTP_TIMEOUT": float,
    "SMTP_CA_FILE": str,
    "MAIL_FROM": str,
    "BRIEFINGS_PER_SECOND": float,
    "BRIEFINGS_LATEST_HOURS": float,
    "BRIEFINGS_RATE_LIMIT": str,
    "TRUSTED_HOSTS": lambda value: [h.strip() for h in value.split(",") if h.strip()],
    "ADMIN_REQUIRE_TOTP": lambda value: value.strip().lower() in ("1", "true", "yes", "on"),
    "SITE_TIMEZONE": str,
    # Check names separated by commas; "none" turns the checklist off.
    "PUBLISH_CHECKLIST": lambda value: tuple(
        n.strip() for n in value.split(",") if n.strip() and n.strip().lower() != "none"
    ),
    "INDEXNOW_ENDPOINT": str,
    "INDEXNOW_KEY": str,
    "INDEXNOW_PER_SECOND": float,
}


class Defaults:
    SITE_NAME = "Asian-News.net"
    # Canonical links, feeds and sitemaps are built from SITE_URL. Unset, it is derived from HOST
    # and PORT (what `make run` listens on; see site_url_from_host_and_port); behind a proxy
    # (PROXY_FIX) it is required.
    SITE_URL = None
    SITE_LANGUAGE = "en"
    # The newsroom's home clock (an IANA name such as Asia/Singapore): the admin shows times on
    # it, and editors type them on it, until each person chooses their own on their account page.
    # UTC, the one clock every desk of an Asia-wide newsroom shares, until the site sets its own.
    SITE_TIMEZONE = "UTC"
    HTMX_VERSION = "4.0.1"

    # Database: SQLite in instance/ unless DATABASE_URL says otherwise (see configure_storage).
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Cache: a filesystem cache in instance/ shared by every worker, or Redis when REDIS_URL is set.
    CACHE_TYPE = None
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "an:"
    PAGE_CACHE_SECONDS = 120
    # New pages one client address may add to the page cache a minute (web/caching.py).
    PAGE_CACHE_NEW_PER_CLIENT = 600
    # Story cards each worker keeps rendered (web/cards.py); 0 keeps none.
    STORY_CARDS_KEPT = 3000
    CONTENT_VERSION_SECONDS = 600
    # How long a worker's fast path (web/fast_path.py) answers from the content version it last
    # read before it reads the cache's again: a publish in another worker or server reaches this
    # one's cached pages at most this much later (nginx's micro-cache keeps a page 5 s), one in
    # this worker at once. 0 reads it for every request; at most 5.
    CONTENT_VERSION_RECHECK_SECONDS = 0.05
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
    # How often a reader's live coverage page asks for new posts (0: never).
    LIVE_POLL_SECONDS = 15

    # Contact form.
    CONTACT_RATE_LIMIT = "5 per minute; 30 per day"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # Readership counts (newsroom/readership.py). Beacons one client address may send: generous
    # (an office or a mobile carrier puts many readers behind one address), yet one client cannot
    # add more than this to the counts.
    COUNT_RATE_LIMIT = "120 per minute; 2000 per day"
    # Most read: the last 24 hours, or the last 7 days when the 24 hours hold fewer views than
    # this in the front's scope; the list is kept this long (the page cache adds its own time).
    MOST_READ_MIN_VIEWS = 50
    MOST_READ_SECONDS = 300
    # The buffered counts are folded into the tables at most this often, by the beacon endpoint
    # after it has answered (0: only `flask --app app readership fold` folds them).
    READERSHIP_FOLD_SECONDS = 60
    # Each worker gathers counts in memory and writes them at most this often, as one batch: a
    # burst of beacons is a few writes a second, not one transaction each (0: each at once).
    READERSHIP_BATCH_SECONDS = 1.0
    # Email (morning briefings and their confirmations), see newsroom/mail.py.
    # smtp://host:port uses STARTTLS when the server offers it (smtp://...?tls=required refuses
    # to send in clear); smtps://user:password@host:465 speaks TLS from the start. A user name
    # or password with reserved characters is percent-encoded in the URL.
    SMTP_URL = "smtp://127.0.0.1:25"
    SMTP_TIMEOUT = 10.0
    # A CA bundle to trust instead of the system's (a private relay with its own certificate).
    SMTP_CA_FILE = ""
    # The sender; unset, "Asian-News.net <briefings@HOST>" with SITE_URL's host.
    MAIL_FROM = ""
    # Briefing emails handed to the SMTP server per second, at most.
    BRIEFINGS_PER_SECOND = 10.0
    # An edition not yet sent this many hours after its 07:00 is skipped (after an outage, a
    # reader should not get yesterday's briefing at lunchtime).
    BRIEFINGS_LATEST_HOURS = 6.0
    # Sign-ups from one client address.
    BRIEFINGS_RATE_LIMIT = "5 per minute; 30 per day"

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

    # What a story needs before it is published or scheduled (newsroom.checklist.CHECKS); an
    # editor may still publish without, giving a reason the audit log keeps. () turns it off.
    PUBLISH_CHECKLIST = ("author", "country", "hero_photo", "standfirst")

    # IndexNow (newsroom/indexnow.py): search engines told of each publish, update and unpublish,
    # through the outbox (`flask --app app outbox deliver`). Off while the endpoint is empty, e.g.
    # https://api.indexnow.org/indexnow; then INDEXNOW_KEY (8-128 of a-z A-Z 0-9 -) is required,
    # the same on every app server, and is served at /<key>.txt.
    INDEXNOW_ENDPOINT = ""
    INDEXNOW_KEY = ""
    INDEXNOW_PER_SECOND = 1.0

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


def load(app: Flask, test_config: dict | None = None) -> None:
    """Settle the app's settings: defaults, instance/config.py, the environment, then test
    overrides; fill in what follows from them, refuse a setting that cannot work, and say which
    database and SITE_URL this process uses."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides())
    if test_config:
        app.config.update(test_config)
    derived_site_url = settle_site_url(app)
    configure_storage(app)
    if app.config["SITE_URL"].startswith("https://"):
        # Served over TLS: the session cookie never travels in clear, and its __Host- name
        # makes browsers refuse it unless it is Secure, host-only and for the whole site.
        app.config["SESSION_COOKIE_SECURE"] = True
        if app.config["SESSION_COOKIE_NAME"] == "session":
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    check_database(app)
    check_newsroom_settings(app)
    report_settings(app, derived_site_url)


def refuse_to_start(message: str) -> NoReturn:
    """Stop with one clear line instead of a traceback.

    On the command line: "Error: ..." and exit status 1. Under gunicorn: the line in the log and
    exit status 3, gunicorn's "worker failed to boot", which stops the server instead of
    starting new workers that would fail the same way.
    """
    if click.get_current_context(silent=True) is not None:
        raise click.ClickException(message)
    logging.getLogger("startup").critical(message)
    raise SystemExit(3)


def production(app: Flask) -> bool:
    """Served over TLS (an https SITE_URL) or behind a proxy (PROXY_FIX): a real deployment."""
    return str(app.config.get("SITE_URL") or "").startswith("https://") or bool(
        app.config.get("PROXY_FIX")
    )


def settle_site_url(app: Flask) -> bool:
    """Derive SITE_URL from HOST and PORT when it is not set; say whether it was derived."""
    if app.config.get("SITE_URL"):
        return False
    if app.config.get("PROXY_FIX"):
        refuse_to_start(
            "SITE_URL is not set. Behind a proxy (PROXY_FIX) the address readers use is not the "
            "one the app listens on: set SITE_URL, e.g. SITE_URL=https://asian-news.net."
        )
    app.config["SITE_URL"] = site_url_from_host_and_port()
    return True


def configure_storage(app: Flask) -> None:
    """Fill in what depends on instance/: database, cache, media, and a generated secret key."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    cfg = app.config
    if not cfg.get("SECRET_KEY") and production(app):
        earlier = instance / "secret_key"
        refuse_to_start(
            "SECRET_KEY is not set. In production (an https SITE_URL, or PROXY_FIX) every app "
            "server must sign sessions with the same key: set SECRET_KEY in the environment or "
            "in instance/config.py (make one with: python3 -c 'import secrets; "
            "print(secrets.token_hex(32))')."
            + (f" This server's old generated key is in {earlier}." if earlier.exists() else "")
        )
    if not cfg.get("SECRET_KEY"):
        # Development on one machine: a key generated once and kept in instance/.
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        cfg["SECRET_KEY"] = key_file.read_text().strip()
    cfg["SQLALCHEMY_DATABASE_URI"] = (
        cfg.get("SQLALCHEMY_DATABASE_URI")
        or cfg.get("DATABASE_URL")
        or f"sqlite:///{instance / 'asian-news.sqlite'}"
    )
    if not cfg.get("CACHE_TYPE"):
        if cfg.get("REDIS_URL"):
            cfg.update(
                CACHE_TYPE="RedisCache",
                CACHE_REDIS_URL=cfg["REDIS_URL"],
                CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            )
        else:
            cfg.update(
                CACHE_TYPE="FileSystemCache",
                CACHE_DIR=str(instance / "cache"),
                CACHE_THRESHOLD=20000,
            )
    if cfg.get("REDIS_URL") and cfg["RATELIMIT_STORAGE_URI"] == "memory://":
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]
        cfg.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        )
    # If the rate-limit store is unreachable, limit in memory instead of failing requests.
    cfg.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    cfg.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    cfg["MEDIA_ROOT"] = cfg.get("MEDIA_ROOT") or str(instance / "media")
    make_media_folder(Path(cfg["MEDIA_ROOT"]))


def check_database(app: Flask) -> None:
    """Refuse to start on a PostgreSQL database that does not exist (a typo, or not created)."""
    name = missing_database(app.config["SQLALCHEMY_DATABASE_URI"])
    if name:
        refuse_to_start(f"database {name} does not exist; create it with createdb {name}")


def check_newsroom_settings(app: Flask) -> None:
    """Refuse a home time zone, a checklist item or a mail server address that cannot work."""
    zone = app.config["SITE_TIMEZONE"]
    if not zones.is_zone(zone):
        refuse_to_start(
            f"SITE_TIMEZONE={zone!r} is not a time zone; use a name such as Asia/Singapore or UTC."
        )
    try:
        mail.parse_smtp_url(app.config["SMTP_URL"])
    except mail.MailNotConfigured as error:
        refuse_to_start(f"SMTP_URL={app.config['SMTP_URL']!r}: {error}")
    if wrong := checklist.unknown(app.config["PUBLISH_CHECKLIST"]):
        refuse_to_start(
            f"PUBLISH_CHECKLIST names no check {', '.join(wrong)!s}; the checks are "
            f"{', '.join(checklist.CHECKS)} (or none)."
        )
    if problem := indexnow.settings_problem(app.config):
        refuse_to_start(problem)


def report_settings(app: Flask, derived_site_url: bool) -> None:
    """Say which database (password hidden) and which SITE_URL this process uses."""
    where = describe(app.config["SQLALCHEMY_DATABASE_URI"])
    if click.get_current_context(silent=True) is not None:
        # The command line says it on every run, so a command run without the server's
        # settings is noticed before it writes to the wrong database.
        click.echo(f"Database: {where}", err=True)
        return
    log = logging.getLogger("startup")
    log.info("database=%s", where)
    if derived_site_url:
        log.info(
            "SITE_URL is not set; using %s (from HOST and PORT). Set SITE_URL if readers reach "
            "the site by another address.",
            app.config["SITE_URL"],
        )
