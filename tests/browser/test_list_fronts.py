"""Section, country, region and author fronts in a real browser (issue 15, part 3): how they
look at 375 and 1280 px in light and dark mode (docs/screenshots/{country,region,section,
author}-*.png), what axe finds, a country's local time kept current by live.js on a cached page,
and no story twice between a front and the pages infinite scroll adds under it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
NO_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PAGES = {
    "country": "/country/japan",
    "region": "/region/east-asia",
    "section": "/section/politics",
    "author": "/author/joon-park",
}
STORY_LINKS = """() => [...document.querySelectorAll('.story-card__title a')]
  .map(a => new URL(a.href).pathname)"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_fronts_and_no_serious_axe_violations(browser, live_server, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if scheme == "dark" else ""
    errors: list[str] = []
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(
            color_scheme=scheme, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        for name, path in PAGES.items():
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            if name != "author":
                expect(page.locator(".list-front__lead img")).to_be_visible()
            problems = serious_axe_violations(page)
            assert not problems, "\n".join(problems)
            overflow = page.evaluate(NO_OVERFLOW)
            assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}{suffix}.png"))
        context.close()
        assert not errors, errors


@pytest.mark.parametrize("width", [375, 1280])
def test_the_front_uses_the_width_and_its_lead_is_the_largest_picture(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/region/east-asia")
    lead = page.locator(".list-front__lead img").bounding_box()
    tops = [b for b in (i.bounding_box() for i in page.locator(".list-front__top img").all()) if b]
    assert tops and all(lead["width"] > t["width"] for t in tops)
    # One crop shape per row: every top story's picture has the lead's 16:9 proportions.
    for box in [lead, *tops]:
        assert abs(box["width"] / box["height"] - 16 / 9) < 0.03, box
    if width == 1280:
        # The countries sit beside the list, and the front fills the page's width.
        aside = page.locator(".list-aside").bounding_box()
        main = page.locator(".list-body__main").bounding_box()
        assert aside["x"] > main["x"] + main["width"] - 1
        right = max(t["x"] + t["width"] for t in tops)
        assert right > 1280 - 80, "no empty third of the screen"
    context.close()


def test_a_countrys_local_time_is_the_readers_now_even_on_a_cached_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # The page is rendered (and cached) now; the reader's clock says another time.
    page.clock.install(time=datetime(2026, 6, 1, 3, 4, tzinfo=UTC))
    page.goto(live_server.url + "/country/japan")
    clock = page.locator("time[data-clock='Asia/Tokyo']")
    expect(clock).to_have_text("12:04")
    page.clock.run_for("05:00")
    expect(clock).to_have_text("12:09")
    context.close()
    # Without script the server's time, on the country's clock, stands in.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/country/japan")
    shown = page.locator("time[data-clock='Asia/Tokyo']").get_attribute("datetime")
    assert shown.endswith("+09:00")
    assert abs((datetime.now(UTC) - datetime.fromisoformat(shown)).total_seconds()) < 120
    expect(page.locator(".fact-line")).to_contain_text("Japan Standard Time (UTC+9)")
    context.close()


def test_no_story_twice_between_the_front_and_the_pages_scroll_adds(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/section/politics")
    items = page.locator("#story-list > .story-list__item")
    before = items.count()
    page.locator(".story-list__next").last.scroll_into_view_if_needed()
    expect(items).not_to_have_count(before)
    page.mouse.wheel(0, 20000)
    page.wait_for_timeout(800)
    links = page.evaluate(STORY_LINKS)
    assert len(links) > before + 5
    assert len(links) == len(set(links)), [link for link in links if links.count(link) > 1]
    context.close()
