"""Starting the site and its commands: where settings come from, and clear refusals."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db
from tests.helpers import PG_URL, ROOT, free_port

# --- SITE_URL from HOST and PORT ------------------------------------------------------------


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No site settings in the environment; INSTANCE_PATH in a temporary folder."""
    for name in ("SITE_URL", "SECRET_KEY", "HOST", "PORT", "PROXY_FIX", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def site_settings(app_config, **changes) -> dict:
    """The test app's settings without SITE_URL (and with any other changes)."""
    config = {k: v for k, v in app_config.items() if k != "SITE_URL"}
    config.update(changes)
    return {k: v for k, v in config.items() if v is not None}


@pytest.fixture
def built():
    """Build apps from settings; their database connections are closed after the test."""
    made = []

    def build(config):
        app = create_app(config)
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "http://127.0.0.1:5000"),
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("localhost", "8000", "http://localhost:8000"),
        ("0.0.0.0", "8000", f"http://{socket.gethostname()}:8000"),  # noqa: S104
        ("::", "8080", f"http://{socket.gethostname()}:8080"),
        ("::1", "8080", "http://[::1]:8080"),
    ],
)
def test_links_follow_host_and_port_when_site_url_is_not_set(
    bare_env, app_config, built, caplog, host, port, expected
):
    if host:
        bare_env.setenv("HOST", host)
    if port:
        bare_env.setenv("PORT", port)
    with caplog.at_level(logging.INFO, logger="startup"):
        client = built(site_settings(app_config)).test_client()
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {expected}/sitemap.xml" in robots
    assert f'<link rel="canonical" href="{expected}/about"' in client.get("/about").text
    assert f"SITE_URL is not set; using {expected} (from HOST and PORT)" in caplog.text


def test_a_site_url_that_is_set_wins_and_nothing_is_said(bare_env, app_config, built, caplog):
    bare_env.setenv("PORT", "8123")
    with caplog.at_level(logging.INFO, logger="startup"):
        client = built(app_config).test_client()
    assert "Sitemap: http://asian-news.test/sitemap.xml" in client.get("/robots.txt").text
    assert "SITE_URL is not set" not in caplog.text


def test_behind_a_proxy_site_url_is_required(bare_env, app_config, caplog):
    with pytest.raises(SystemExit) as stopped, caplog.at_level(logging.INFO, logger="startup"):
        create_app(site_settings(app_config, PROXY_FIX=1))
    assert stopped.value.code == 3  # gunicorn's "worker failed to boot": the server stops
    assert "SITE_URL is not set. Behind a proxy (PROXY_FIX)" in caplog.text


# --- SECRET_KEY in production ----------------------------------------------------------------


@pytest.mark.parametrize(
    "production",
    [{"SITE_URL": "https://asian-news.test"}, {"PROXY_FIX": 1, "SITE_URL": "http://a.test"}],
    ids=["https-site-url", "proxy-fix"],
)
def test_production_refuses_to_start_without_a_secret_key(
    bare_env, app_config, built, caplog, tmp_path, production
):
    config = site_settings(app_config, SECRET_KEY=None, **production)
    with pytest.raises(SystemExit) as stopped, caplog.at_level(logging.INFO, logger="startup"):
        create_app(config)
    assert stopped.value.code == 3
    assert "SECRET_KEY is not set" in caplog.text
    assert not (tmp_path / "instance" / "secret_key").exists(), "no per-host key was made"
    assert built({**config, "SECRET_KEY": "shared-by-every-server"}).secret_key == (
        "shared-by-every-server"
    )


def test_in_development_a_missing_secret_key_is_generated_once_into_the_instance(
    bare_env, app_config, built, tmp_path
):
    config = site_settings(app_config, SECRET_KEY=None)
    first, second = built(config), built(config)
    assert first.secret_key == second.secret_key
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == first.secret_key


def flask_cli(*args: str, env: dict, cwd=ROOT) -> subprocess.CompletedProcess:
    """Run a command as an operator would, from the checkout's virtualenv."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def operator_env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "SITE_URL",
            "SECRET_KEY",
            "PROXY_FIX",
            "HOST",
            "PORT",
            "MEDIA_ROOT",
        )
    }
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def test_the_command_line_refuses_production_without_a_secret_key_in_one_line(operator_env):
    result = flask_cli("users", "list", env={**operator_env, "SITE_URL": "https://a.test"})
    assert result.returncode == 1
    assert result.stderr.startswith("Error: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


# --- which database, from where --------------------------------------------------------------


def test_instance_config_carries_the_database_for_the_command_line_and_the_server(
    operator_env, tmp_path
):
    instance = tmp_path / "instance"
    instance.mkdir()
    elsewhere = tmp_path / "newsroom.sqlite"
    (instance / "config.py").write_text(f'DATABASE_URL = "sqlite:///{elsewhere}"\n')
    assert flask_cli("db", "upgrade", env=operator_env).returncode == 0
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "users",
            "create",
            "ed@example.org",
            "--role",
            "editor",
            "--password-stdin",
        ],
        cwd=ROOT,
        env=operator_env,
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert f"Database: sqlite:///{elsewhere}" in made.stderr.splitlines()
    with sqlite3.connect(elsewhere) as conn:
        assert conn.execute("SELECT email FROM users").fetchall() == [("ed@example.org",)]
    assert not (instance / "asian-news.sqlite").exists(), "nothing went to the default SQLite"

    server = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app import create_app; print(create_app().config['SQLALCHEMY_DATABASE_URI'])",
        ],
        cwd=ROOT,
        env=operator_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.stdout.strip() == f"sqlite:///{elsewhere}"
    assert f"database=sqlite:///{elsewhere}" in server.stderr


def test_the_database_named_on_the_command_line_hides_its_password(operator_env, tmp_path):
    from database import describe

    url = "postgresql+psycopg://news:s3cret-pass@db.example:5432/news"
    assert describe(url) == "postgresql+psycopg://news:***@db.example:5432/news"
    result = flask_cli("routes", env={**operator_env, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert f"Database: sqlite:///{tmp_path}/x.db" in result.stderr


# --- a PostgreSQL database that does not exist -------------------------------------------------


def postgres_server() -> str:
    """The PostgreSQL server of the PG leg, or the local one; skip when none answers."""
    url = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        if PG_URL or os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is not reachable at {url}: {exc}")
        pytest.skip(f"no PostgreSQL server answers at {url}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def missing_database(operator_env) -> tuple[str, dict]:
    server = sa.engine.make_url(postgres_server())
    name = f"an_missing_{uuid.uuid4().hex[:10]}"
    url = server.set(database=name).render_as_string(hide_password=False)
    return name, {**operator_env, "DATABASE_URL": url}


def test_a_missing_postgresql_database_is_named_with_the_advice_to_create_it(missing_database):
    name, env = missing_database
    for command in (["db", "upgrade"], ["users", "list"]):
        result = flask_cli(*command, env=env)
        assert result.returncode == 1, command
        assert result.stderr.strip() == (
            f"Error: database {name} does not exist; create it with createdb {name}"
        )


def test_gunicorn_stops_on_a_missing_database_with_the_same_advice(missing_database, tmp_path):
    name, env = missing_database
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.run(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{free_port()}",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=60,
        )
    text = log.read_text()
    assert server.returncode != 0, "the server stops instead of restarting workers forever"
    assert f"database {name} does not exist; create it with createdb {name}" in text
    assert "OperationalError" not in text
