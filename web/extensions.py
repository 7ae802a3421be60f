"""Bind the unbound extension objects of extensions.py to an app, with the hooks they need."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from database import configure_sqlite
from extensions import cache, csrf, db, limiter, login_manager, migrate
from newsroom.cleaning import register_input_cleaning
from newsroom.search import register_search_sync
from web import auth, caching


def register_extensions(app: Flask) -> None:
    """The database, migrations, cache, CSRF, rate limits and sign-in, each on this app."""
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
