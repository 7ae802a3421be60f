"""Asian-News.net: the application factory."""

from __future__ import annotations

import os

from flask import Flask

import config
from blueprints.admin import bp as admin_bp
from blueprints.briefings import bp as briefings_bp
from blueprints.feeds.views import bp as feeds_bp
from blueprints.live.views import bp as live_bp
from blueprints.news.views import bp as news_bp
from blueprints.ops.views import bp as ops_bp
from blueprints.pages.views import bp as pages_bp
from blueprints.readership.views import bp as readership_bp
from blueprints.search.views import bp as search_bp
from cli import register_commands
from web.errors import register_errorhandlers
from web.extensions import register_extensions
from web.fast_path import register_fast_path
from web.observability import configure_logging, register_request_logging
from web.pages import BodyLimitedRequest
from web.params import register_url_converters
from web.security import register_security
from web.templating import register_template_helpers


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: its settings, checked (config.load), then everything that serves them."""
    configure_logging()
    # INSTANCE_PATH moves the database, cache, media and secret key elsewhere (tests, deploys).
    app = Flask(
        __name__, instance_path=os.environ.get("INSTANCE_PATH"), instance_relative_config=True
    )
    app.request_class = BodyLimitedRequest  # a view may accept a larger body (photo uploads)
    config.load(app, test_config)
    register_extensions(app)
    register_url_converters(app)  # before any route is added: rules bind their converters then
    register_blueprints(app)
    register_request_logging(app)
    register_errorhandlers(app)
    register_fast_path(app)  # before register_security: ProxyFix must wrap it too
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    """One blueprint per area the reader or the newsroom sees."""
    app.register_blueprint(admin_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(briefings_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(readership_bp)
