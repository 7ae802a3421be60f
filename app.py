"""Asian-News.net: the application factory."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask

import cli
import config
from blueprints.admin import bp as admin_bp
from blueprints.feeds.views import bp as feeds_bp
from blueprints.live.views import bp as live_bp
from blueprints.news.views import bp as news_bp
from blueprints.ops.views import bp as ops_bp
from blueprints.pages.views import bp as pages_bp
from blueprints.search.views import bp as search_bp
from database import configure_sqlite, describe, missing_database
from extensions import cache, csrf, db, limiter, login_manager, migrate
from newsroom.cleaning import register_input_cleaning
from newsroom.photos import make_media_folder
from newsroom.search import register_search_sync
from web import auth, caching, errors, observability, params, security, templating
from web.pages import BodyLimitedRequest


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, instance/config.py, the environment, then test overrides."""
    # INSTANCE_PATH moves the database, cache, media and secret key elsewhere (tests, deploys).
    observability.configure_logging()
    app = Flask(
        __name__, instance_path=os.environ.get("INSTANCE_PATH"), instance_relative_config=True
    )
    app.request_class = BodyLimitedRequest  # a view may accept a larger body (photo uploads)
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.env_overrides())
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
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    register_extensions(app)
    check_database(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    report_settings(app, derived_site_url)
    return app


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
    app.config["SITE_URL"] = config.site_url_from_host_and_port()
    return True


def check_database(app: Flask) -> None:
    """Refuse to start on a PostgreSQL database that does not exist (a typo, or not created)."""
    name = missing_database(app.config["SQLALCHEMY_DATABASE_URI"])
    if name:
        refuse_to_start(f"database {name} does not exist; create it with createdb {name}")


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


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"))
    cache.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = None
    login_manager.user_loader(auth.load_user)
    register_input_cleaning()
    caching.register_invalidation()
    register_search_sync()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def register_url_converters(app: Flask) -> None:
    params.register(app)  # before any route is added: rules bind their converters when added


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(admin_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(ops_bp)


def register_errorhandlers(app: Flask) -> None:
    observability.register(app)
    errors.register(app)
    security.register(app)


def register_template_helpers(app: Flask) -> None:
    templating.register(app)


def register_commands(app: Flask) -> None:
    cli.register(app)
