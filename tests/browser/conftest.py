"""A real gunicorn server on loopback and Debian's Chromium driven by Playwright.

Without Chromium the browser tests are skipped with a clear reason, unless REQUIRE_BROWSER=1
(as in CI), when a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import PG_URL, REDIS_URL, ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "test-artifacts" / "browser"))


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " but REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots go to {ARTIFACTS}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


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


@pytest.fixture
def live_server(demo_database, tmp_path):
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
        "HTTP_MAX_AGE": "0",
    }
    if PG_URL:
        env["DATABASE_URL"] = url
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
        env["CACHE_KEY_PREFIX"] = f"b{port}:"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "app:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/about", timeout=2)  # noqa: S310 - loopback only
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"server did not start:\n{log.read_text()}")
            time.sleep(0.2)
    yield LiveServer(url=base, env=env, log=log)
    process.terminate()
    process.wait(timeout=10)
    if PG_URL:
        demo_database.drop(url)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page that fails the test on any console error or request to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    # The browser logs every 4xx/5xx answer as a console error; tests that provoke one (422 form,
    # simulated outage) check the outcome themselves, so those lines are not failures here.
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource: the server responded")
            and problems.append(f"console: {m.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status == 404
            and ("/static/" in r.url or "/media/" in r.url)
            and problems.append(f"missing asset: {r.url}")
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def check_host(req):
        if urlsplit(req.url).hostname not in ("127.0.0.1", None) and not req.url.startswith(
            "data:"
        ):
            problems.append(f"third-party request: {req.url}")

    page.on("request", check_host)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not problems, "\n".join(problems)
