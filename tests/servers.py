"""The test backends (the demo newsroom in SQLite or in a PostgreSQL template) and a real
gunicorn server: plain classes and functions that the fixtures in conftest.py build on."""

from __future__ import annotations

import shutil
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

from tests.helpers import PG_URL, REDIS_URL, ROOT


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
        # Counts written as they come, so a test sees them at once (test_counts tests batches).
        "READERSHIP_BATCH_SECONDS": 0,
        "TICKER_POLL_SECONDS": 1,
        "LATEST_POLL_SECONDS": 1,
        # Fast hashes keep the suite quick; production uses scrypt (see config.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Most tests publish bare stories; the pre-publish checklist is tested where it is the
        # subject (tests/newsroom/test_publishing.py turns it on).
        "PUBLISH_CHECKLIST": (),
        # A test's apps share one cache as workers do, and a test expects another app's publish
        # to reach the fast path's next answer: the recheck delay (a publish reaches another
        # worker's cache hits up to 50 ms later) is tested where it is the subject
        # (tests/web/test_fast_path.py). Servers the browser tests start keep the default: a
        # publish there comes from another process and takes longer than that to reach a page.
        "CONTENT_VERSION_RECHECK_SECONDS": 0,
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
        self._as_deployed(self.template)
        self.url = self._url_for(self.template)

    def _url_for(self, name: str) -> str:
        return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def _as_deployed(self, name: str) -> None:
        """The planner's costs as deploy/DEPLOY.md sets the site's database (an SSD), so the
        plans tests/web/test_query_plans.py checks are those the site runs."""
        self._execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')

    def _drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def finish(self) -> None:
        pass

    def clone(self, tmp: Path) -> str:
        name = f"an_t_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._as_deployed(name)  # a template's settings are not copied
        return self._url_for(name)

    def drop(self, url: str) -> None:
        self._drop_database(sa.engine.make_url(url).database)

    def close(self) -> None:
        self._drop_database(self.template)
        self.admin.dispose()


@dataclass
class LiveServer:
    url: str
    env: dict
    log: Path

    def flask(self, *args: str) -> str:
        """Run `flask --app app ...` against the server's database, as an operator would."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        """Run code in an app context against the server's database (e.g. publish a story)."""
        prelude = (
            "from app import create_app\napp = create_app()\nctx = app.app_context()\nctx.push()\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def start_gunicorn(env: dict, port: int, log: Path, app_spec="app:create_app()", extra=()):
    """Start gunicorn with two workers on 127.0.0.1:port and wait until it answers."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                *extra,
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
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
