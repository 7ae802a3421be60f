"""Bind the unbound extension objects of extensions.py to an app, with the hooks they need."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from database import configure_sqlite, end_reads_with_commit
from extensions import cache, csrf, db, limiter, login_manager
from newsroom.cleaning import register_input_cleaning
from newsroom.search_index import register_search_sync
from web import auth, caching


def register_extensions(app: Flask) -> None:
    """The database, cache, CSRF, rate limits and sign-in, each on this app, and the `flask db`
    commands (Flask-Migrate, loaded when one runs)."""
    db.init_app(app)
    app.cli.add_command(MigrationCommands(app))
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
    end_reads_with_commit(app, db)


def use_migrations(app: Flask) -> None:
    """Flask-Migrate on this app, as `flask db ...` and flask_migrate.upgrade() need it. Not in
    create_app: Flask-Migrate and Alembic are about 11 MB of memory that a worker serving readers
    never uses. MigrationCommands calls it when a migration command runs; tests that migrate a
    database call it themselves."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True)


class MigrationCommands(click.Group):
    """`flask db ...`: Flask-Migrate's command group, loaded when it is asked for; it then
    parses the arguments and runs as if it had been registered (its options included)."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Database migrations (Flask-Migrate and Alembic).")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        use_migrations(self.app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)
