"""Fixtures shared by every test: an app on a private copy of the site's frame (or, for tests
marked `demo`, of the demo newsroom), its client and CLI runner.

The suite runs on the embedded default (SQLite + filesystem cache) unless TEST_DATABASE_URL and
TEST_REDIS_URL name a PostgreSQL server and a Redis server; then every test gets its own database
cloned from a migrated template, and its own Redis key prefix.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from app import create_app
from extensions import db, limiter
from tests.helpers import PG_URL, REDIS_URL, ROOT, free_port, sign_in
from tests.servers import LiveServer, PostgresDemo, SQLiteDemo, base_config, start_gunicorn
from web.extensions import use_migrations


def _build_database(tmp_path_factory, name: str, load):
    """Migrate an empty database, run `load` in an app context, and keep it as a template."""
    from flask_migrate import upgrade

    base = tmp_path_factory.mktemp(name)
    template = PostgresDemo(base) if PG_URL else SQLiteDemo(base)
    config = base_config(base, base / "media")
    config["SQLALCHEMY_DATABASE_URI"] = template.url
    app = create_app(config)
    use_migrations(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    template.finish()
    return template


@pytest.fixture(scope="session")
def frame_database(tmp_path_factory):
    """The site's frame only (sections, regions, countries): tests make the rest with factories."""
    from demo.loader import load_frame

    template = _build_database(tmp_path_factory, "frame", load_frame)
    yield template
    if PG_URL:
        template.close()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The whole demo newsroom, for the tests about the demo itself and the query budgets."""
    from demo import load_demo

    template = _build_database(tmp_path_factory, "demo", load_demo)
    yield template
    if PG_URL:
        template.close()


@pytest.fixture
def app_config(request, tmp_path) -> dict:
    """Settings for one test's app, on its own copy of the frame, or of the demo newsroom when
    the test is marked `demo`."""
    if request.node.get_closest_marker("demo"):
        template = request.getfixturevalue("demo_database")
        media = template.base / "media"
    else:
        template = request.getfixturevalue("frame_database")
        media = tmp_path / "media"
    config = base_config(tmp_path, media)
    config["SQLALCHEMY_DATABASE_URI"] = template.clone(tmp_path)
    yield config
    template.drop(config["SQLALCHEMY_DATABASE_URI"])


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


@pytest.fixture
def newsroom(app):
    """A writer, an editor and an admin (role@asian-news.test), all with the password PASSWORD."""
    from tests.factories import UserFactory

    with app.app_context():
        return {
            role: UserFactory(
                email=f"{role}@asian-news.test", name=f"Test {role.capitalize()}", role=role
            ).id
            for role in ("writer", "editor", "admin")
        }


@pytest.fixture
def people(app, newsroom):
    """The writer, the editor and the admin as User rows, inside a request context for the
    whole test (for tests that call the newsroom's services directly)."""
    from newsroom.models import User

    with app.test_request_context():
        yield {role: db.session.get(User, ident) for role, ident in newsroom.items()}


@pytest.fixture
def signed_in(app, newsroom):
    """signed_in("writer"): a new client (its own browser) signed in with that role."""

    def sign(role: str):
        client = app.test_client()
        assert sign_in(client, role).status_code == 302
        return client

    return sign


@pytest.fixture
def editor(client, newsroom):
    """A client signed in as an editor."""
    assert sign_in(client, "editor").status_code == 302
    return client


# --- a real server --------------------------------------------------------------------------


@pytest.fixture
def live_server_env() -> dict:
    """Settings for the live server; a test module may override this fixture."""
    return {"HTTP_MAX_AGE": "0"}


@pytest.fixture
def live_server(demo_database, tmp_path, live_server_env):
    """gunicorn with two workers on a private copy of the demo newsroom; short poll intervals.

    The browser and scale-out tests use the site as a reader of `make run` meets it: a front page
    full of stories, photos and a ticker, which is also what their screenshots show."""
    instance = tmp_path / "instance"
    instance.mkdir()
    port = free_port()
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


@pytest.fixture
def inbox():
    """A real SMTP server on loopback (aiosmtpd) and the messages it received (tests/smtp.py)."""
    from tests import smtp

    box = smtp.Inbox()
    server = smtp.start(box)
    box.port = server.port
    yield box
    server.stop()
