"""A real gunicorn server on loopback and Debian's Chromium driven by Playwright.

Without Chromium the browser tests are skipped with a clear reason, unless REQUIRE_BROWSER=1
(as in CI), when a missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import ARTIFACTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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
