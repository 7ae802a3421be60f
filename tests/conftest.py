"""Fixtures: an app on a private copy of the demo newsroom, its client and CLI runner."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _base_config(tmp: Path, media: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-used-anywhere-else",
        "SITE_URL": "http://asian-news.test",
        "MEDIA_ROOT": str(media),
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(tmp / "cache"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "TICKER_POLL_SECONDS": 1,
        "LATEST_POLL_SECONDS": 1,
    }


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """Migrate an empty SQLite database and load the demo newsroom once for the whole run."""
    from flask_migrate import upgrade

    from demo import load_demo

    base = tmp_path_factory.mktemp("demo")
    config = _base_config(base, base / "media")
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{base / 'demo.sqlite'}"
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(base / "demo.sqlite") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return base


@pytest.fixture
def app_config(demo_database, tmp_path) -> dict:
    """Settings for one test's app; tests may change them before asking for `app`."""
    shutil.copy(demo_database / "demo.sqlite", tmp_path / "site.sqlite")
    config = _base_config(tmp_path, demo_database / "media")
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'site.sqlite'}"
    return config


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def htmx():
    """Headers htmx 4 sends for a partial request."""
    return {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def query(app):
    """Run a function inside an app context and return its result."""

    def run(fn):
        with app.app_context():
            return fn()

    return run


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'SQLite (embedded default)')}"


__all__ = ["sa"]
