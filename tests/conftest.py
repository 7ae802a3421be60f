"""Fixtures: an app on a private copy of the demo newsroom, its client and CLI runner.

The suite runs on the embedded default (SQLite + filesystem cache) unless TEST_DATABASE_URL and
TEST_REDIS_URL name a PostgreSQL server and a Redis server; then every test gets its own database
cloned from a migrated demo template, and its own Redis key prefix.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def base_config(tmp: Path, media: Path) -> dict:
    """Settings shared by every test app; a test may change them before asking for `app`."""
    prefix = f"t{uuid.uuid4().hex[:10]}:"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-used-anywhere-else",
        "SITE_URL": "http://asian-news.test",
        "MEDIA_ROOT": str(media),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": prefix,
        "TICKER_POLL_SECONDS": 1,
        "LATEST_POLL_SECONDS": 1,
        # Fast hashes keep the suite quick; production uses scrypt (see config.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    if REDIS_URL:
        config.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            RATELIMIT_STORAGE_URI=REDIS_URL,
        )
    else:
        config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp / "cache"))
    return config


class SQLiteDemo:
    """The demo newsroom in a SQLite file; each test works on a copy."""

    def __init__(self, base: Path):
        self.base = base
        self.url = f"sqlite:///{base / 'demo.sqlite'}"

    def finish(self) -> None:
        with sqlite3.connect(self.base / "demo.sqlite") as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def clone(self, tmp: Path) -> str:
        shutil.copy(self.base / "demo.sqlite", tmp / "site.sqlite")
        return f"sqlite:///{tmp / 'site.sqlite'}"

    def drop(self, url: str) -> None:
        pass


class PostgresDemo:
    """The demo newsroom in a template database; each test gets CREATE DATABASE ... TEMPLATE.

    The template's name is unique to the run, so several runs can share one server.
    """

    def __init__(self, base: Path):
        self.base = base
        self.admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        self.template = f"an_demo_template_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{self.template}"')
        self.url = self._url_for(self.template)

    def _url_for(self, name: str) -> str:
        return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def _drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def finish(self) -> None:
        pass

    def clone(self, tmp: Path) -> str:
        name = f"an_t_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url_for(name)

    def drop(self, url: str) -> None:
        self._drop_database(sa.engine.make_url(url).database)

    def close(self) -> None:
        self._drop_database(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """Migrate an empty database and load the demo newsroom once for the whole run."""
    from flask_migrate import upgrade

    from demo import load_demo

    base = tmp_path_factory.mktemp("demo")
    demo = PostgresDemo(base) if PG_URL else SQLiteDemo(base)
    config = base_config(base, base / "media")
    config["SQLALCHEMY_DATABASE_URI"] = demo.url
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.remove()
        db.engine.dispose()
    demo.finish()
    yield demo
    if PG_URL:
        demo.close()


@pytest.fixture
def app_config(demo_database, tmp_path) -> dict:
    """Settings for one test's app, on its own copy of the demo newsroom."""
    config = base_config(tmp_path, demo_database.base / "media")
    config["SQLALCHEMY_DATABASE_URI"] = demo_database.clone(tmp_path)
    yield config
    demo_database.drop(config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def make_app(app_config):
    """Build further apps on the same database and cache (like more workers), disposed after."""
    made = []

    def build(**overrides):
        # Flask-Limiter keeps the first key prefix it is given for the life of the process (one
        # app per process in production); each test app must count under its own, or tests
        # sharing one Redis would see each other's sign-in failures.
        limiter._key_prefix = None
        app = create_app({**app_config, **overrides})
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


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
    if PG_URL:
        return f"backend: PostgreSQL ({PG_URL}) and Redis ({REDIS_URL or 'not set'})"
    return "backend: SQLite and filesystem cache (embedded default)"


PASSWORD = "correct horse battery staple"


@pytest.fixture
def newsroom(app):
    """A writer, an editor and an admin, all with the password PASSWORD."""
    from newsroom.models import User
    from web.auth import hash_password

    with app.app_context():
        people = {}
        for role in ("writer", "editor", "admin"):
            user = User(
                email=f"{role}@asian-news.test",
                name=f"Test {role.capitalize()}",
                role=role,
                password_hash=hash_password(PASSWORD),
            )
            db.session.add(user)
            people[role] = user
        db.session.commit()
        return {role: user.id for role, user in people.items()}


def sign_in(client, role: str, password: str = PASSWORD):
    return client.post(
        "/admin/login", data={"email": f"{role}@asian-news.test", "password": password}
    )


@pytest.fixture
def editor(client, newsroom):
    """A client signed in as an editor."""
    assert sign_in(client, "editor").status_code == 302
    return client


# --- a real server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict
    log: Path

    def flask(self, *args: str) -> str:
        """Run `flask --app app ...` against the server's database, as an operator would."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        """Run code in an app context against the server's database (e.g. publish a story)."""
        prelude = (
            "from app import create_app\napp = create_app()\nctx = app.app_context()\nctx.push()\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout


def start_gunicorn(env: dict, port: int, log: Path, app_spec="app:create_app()", extra=()):
    """Start gunicorn with two workers on 127.0.0.1:port and wait until it answers."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             *extra, app_spec],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/about", timeout=2):  # noqa: S310 - loopback only
                return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"server did not start:\n{log.read_text()}")
            time.sleep(0.2)


@pytest.fixture
def live_server_env() -> dict:
    """Settings for the live server; a test module may override this fixture."""
    return {"HTTP_MAX_AGE": "0"}


@pytest.fixture
def live_server(demo_database, tmp_path, live_server_env):
    """gunicorn with two workers on a private copy of the demo newsroom; short poll intervals."""
    instance = tmp_path / "instance"
    instance.mkdir()
    port = _free_port()
    url = demo_database.clone(tmp_path)
    if not PG_URL:
        shutil.move(tmp_path / "site.sqlite", instance / "asian-news.sqlite")
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "MEDIA_ROOT": str(demo_database.base / "media"),
        "SECRET_KEY": "browser-test-secret",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "TICKER_POLL_SECONDS": "1",
        "LATEST_POLL_SECONDS": "1",
        "STORIES_PER_PAGE": "3",
        **live_server_env,
    }
    if PG_URL:
        env["DATABASE_URL"] = url
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
        env["CACHE_KEY_PREFIX"] = f"b{port}:"
        env["RATELIMIT_KEY_PREFIX"] = f"b{port}{uuid.uuid4().hex[:6]}:"
    process, base = start_gunicorn(env, port, tmp_path / "gunicorn.log")
    yield LiveServer(url=base, env=env, log=tmp_path / "gunicorn.log")
    process.terminate()
    process.wait(timeout=10)
    if PG_URL:
        demo_database.drop(url)
