"""Counting in a real browser: a story page sends one beacon after it loads (none when the
reader asks not to be tracked), the counts are folded, and the home page shows them as its
most-read box, at phone and desktop width in light and dark mode (test-artifacts/browser/
most-read-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, serious_axe_violations

# Headless Chromium says "HeadlessChrome", which the robot list (rightly) refuses to count.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WIDTHS = {1280: 800, 375: 812}


@pytest.fixture
def live_server_env() -> dict:
    """Short caches, so the box follows the fold at once; a low bar for the 24-hour list."""
    return {
        "HTTP_MAX_AGE": "0",
        "PAGE_CACHE_SECONDS": "1",
        "MOST_READ_SECONDS": "1",
        "MOST_READ_MIN_VIEWS": "1",
        "READERSHIP_FOLD_SECONDS": "0",
        "READERSHIP_BATCH_SECONDS": "0",
    }


def _reader(browser, width=1280, scheme="light", private=False):
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        color_scheme=scheme,
        user_agent=READER_AGENT,
        is_mobile=width < 600,
    )
    if private:
        context.add_init_script(
            "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
        )
    return context


def _article_links(browser, live_server) -> list[str]:
    context = _reader(browser)
    page = context.new_page()
    page.goto(live_server.url + "/latest")
    links = page.eval_on_selector_all(
        "#story-list .story-card__title a", "links => links.map(a => a.getAttribute('href'))"
    )
    context.close()
    return links[:3]


def _beacons(page) -> list:
    sent = []
    page.on("request", lambda r: r.url.endswith("/count") and sent.append(r))
    return sent


def test_a_story_page_counts_once_and_the_home_page_shows_most_read(browser, live_server):
    links = _article_links(browser, live_server)
    assert len(links) == 3
    context = _reader(browser)
    page = context.new_page()
    sent = _beacons(page)
    # The first story read three times, the second twice, the third once.
    for times, link in zip((3, 2, 1), links, strict=True):
        for _ in range(times):
            with page.expect_response(re.compile(r"/count$")) as answer:
                page.goto(live_server.url + link + "?via=email")
            assert answer.value.status == 204
            story = page.get_attribute("article[data-count-story]", "data-count-story")
            assert answer.value.request.post_data == f"story={story}&from=email"
            page.wait_for_timeout(100)  # a second beacon would have gone by now
    assert len(sent) == 6  # one per page load
    context.close()

    private = _reader(browser, private=True)
    page = private.new_page()
    sent = _beacons(page)
    page.goto(live_server.url + links[2])
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert sent == []  # Global Privacy Control: nothing sent
    private.close()

    assert "Folded 6 views of 3 stories" in live_server.flask("readership", "fold")

    for width in WIDTHS:
        for scheme in ("light", "dark"):
            context = _reader(browser, width, scheme)
            page = context.new_page()
            page.goto(live_server.url + "/")
            box = page.locator("section.most-read")
            expect(box).to_be_visible()
            hrefs = box.locator("ol li a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert hrefs[:3] == links
            box.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"most-read-home-{width}-{scheme}.png"))
            box.screenshot(path=str(ARTIFACTS / f"most-read-box-{width}-{scheme}.png"))
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0
            if width == 1280 and scheme == "dark":
                assert serious_axe_violations(page) == []
            context.close()
