"""Issue 15, parts 6 and 7 in a real browser: the "N new stories" bar a reader notices wherever
they are, which inserts cards in the style of their list; and Back after infinite scroll, which
returns to the same story with the same cards above it, with and without the back/forward cache.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import ARTIFACTS, ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
CARDS = "#story-list > li.story-list__item"
# Waited for as functions: Playwright evaluates an expression by eval() when it must poll,
# which the site's CSP (no 'unsafe-eval') refuses once the first test was false.
HTMX_READY = "() => window.htmx !== undefined"
COMPLETE = "() => document.readyState === 'complete'"
PER_PAGE = 3  # the live server's STORIES_PER_PAGE
IN_VIEW = (
    "el => { const r = el.getBoundingClientRect();"
    " return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"
)


def _in_view(locator, timeout_ms: int = 3000) -> bool:
    """Whether the element is (or within a moment comes) wholly inside the viewport."""
    for _ in range(timeout_ms // 100):
        if locator.evaluate(IN_VIEW):
            return True
        locator.page.wait_for_timeout(100)
    return False


def _context(browser, viewport, **options):
    extra = {"has_touch": True, "is_mobile": True} if viewport == PHONE else {}
    context = browser.new_context(viewport=viewport, **extra, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(10_000)
    return context, page, errors


def _publish(live_server, headline: str) -> None:
    live_server.python(
        "from tests.factories import make_story\n"
        f"make_story(headline={headline!r}, countries=['nepal'])\n"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_notice_is_visible_from_the_top_and_from_deep_in_the_page(
    browser, live_server, viewport
):
    context, page, errors = _context(browser, viewport, bypass_csp=True)
    page.goto(live_server.url + "/")
    page.wait_for_function(HTMX_READY)
    announcer = page.locator("#new-stories-announcer")
    expect(announcer).to_have_text("")
    _publish(live_server, "Kathmandu airport reopens after the fog")

    button = page.locator(".new-stories__button")
    expect(button).to_have_text(re.compile(r"^\s*1 new story"), timeout=6000)
    # At the top of the page: just under the masthead and the ticker, on the first screen.
    assert page.evaluate("window.scrollY") == 0
    assert button.evaluate(IN_VIEW)
    ticker = page.locator("#ticker").bounding_box()
    assert button.bounding_box()["y"] >= ticker["y"] + ticker["height"] - 1
    # Screen readers hear it once, politely, and the reader's focus stays where it was.
    expect(announcer).to_contain_text("New stories have been published")
    assert page.evaluate("document.activeElement === document.body")
    # Deep in the page, the bar is still on screen.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight * 0.6)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 2000
    assert button.evaluate(IN_VIEW), "the bar follows the reader down the page"
    assert not serious_axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"new-stories-{viewport['width']}.png"))

    # Another story while the bar shows: the count grows, without a second announcement.
    page.evaluate("document.getElementById('new-stories-announcer').textContent = ''")
    _publish(live_server, "Pokhara hotels fill up for the festival")
    expect(button).to_have_text(re.compile(r"^\s*2 new stories"), timeout=6000)
    page.wait_for_timeout(1500)
    expect(announcer).to_have_text("")

    # The keyboard reaches it; pressing it puts the new cards at the top of the stream, in the
    # stream's style (no pictures), and takes the reader there.
    button.focus()
    page.keyboard.press("Enter")
    first = page.locator(CARDS).first
    expect(first).to_contain_text("Pokhara hotels fill up")
    expect(page.locator(CARDS).nth(1)).to_contain_text("Kathmandu airport reopens")
    assert first.locator("img").count() == 0, "the front page's stream has no pictures"
    assert page.locator(f"{CARDS} img").count() == 0
    assert _in_view(first), "the reader is taken to the new stories"
    assert first.evaluate("el => document.activeElement === el")
    expect(page.locator(".new-stories__button")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / f"new-stories-{viewport['width']}-inserted.png"))
    context.close()
    assert not errors, errors


def test_the_notice_on_a_list_inserts_cards_with_the_lists_pictures_in_dark_mode(
    browser, live_server
):
    # bypass_csp lets the test inject axe; the site itself never allows inline script.
    context, page, errors = _context(browser, PHONE, color_scheme="dark", bypass_csp=True)
    page.goto(live_server.url + "/country/nepal")
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.scrollTo(0, 600)")
    live_server.python(
        "from tests.factories import make_story, PhotoFactory\n"
        "make_story(headline='Everest permits rise again', countries=['nepal'],"
        " hero_photo=PhotoFactory())\n"
    )
    button = page.locator(".new-stories__button")
    expect(button).to_be_visible(timeout=6000)
    assert button.evaluate(IN_VIEW)
    colours = button.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
    )
    assert colours[0] != colours[1]
    assert not serious_axe_violations(page), "the bar in dark mode: contrast, name, role"
    page.screenshot(path=str(ARTIFACTS / "new-stories-375-dark.png"))
    button.click()
    first = page.locator(CARDS).first
    expect(first).to_contain_text("Everest permits rise again")
    expect(first.locator("img")).to_have_count(1)
    assert _in_view(first)
    context.close()
    assert not errors, errors


@pytest.fixture
def browser_without_bfcache(browser):
    """A Chromium that never keeps pages in the back/forward cache: Back reloads the list."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--disable-back-forward-cache"],
    )
    yield chromium
    chromium.close()


def _load_three_more_pages(page) -> None:
    """Scroll the list as a reader does until infinite scroll has loaded three more pages."""
    for _ in range(100):
        if page.locator(CARDS).count() >= PER_PAGE * 4:
            break
        page.evaluate("document.querySelector('.story-list__more')?.scrollIntoView({block: 'end'})")
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(100)
    loaded = page.locator(CARDS).count()
    assert loaded >= PER_PAGE * 4
    page.wait_for_url(re.compile(rf"upto=\d+-\d+&depth={loaded // PER_PAGE}$"))


def _back_keeps_the_place(browser, live_server, path: str, bfcache: bool) -> None:
    for viewport in (DESKTOP, PHONE):
        context, page, errors = _context(browser, viewport)
        page.goto(live_server.url + path)
        page.wait_for_function(HTMX_READY)
        _load_three_more_pages(page)
        loaded = page.url
        assert loaded.startswith(live_server.url + path + "?upto=")
        cards = page.locator(CARDS)
        index = cards.count() - 2  # deep in the list: on the last page loaded
        card = cards.nth(index)
        card.scroll_into_view_if_needed()
        href = card.locator(".story-card__title a").get_attribute("href")
        scroll_y = page.evaluate("window.scrollY")
        assert scroll_y > 1000
        page.evaluate("window.stillHere = true")
        # Bringing the card into view may reveal "Older stories" and load one more page, which
        # moves the address on: Back returns to the address the reader left from.
        page.wait_for_load_state("networkidle")
        loaded = page.url
        assert loaded.startswith(live_server.url + path + "?upto=")

        card.locator(".story-card__title a").click()
        page.wait_for_url(live_server.url + href)
        # A page restored from the back/forward cache fires no new "load": wait for the URL,
        # then for the document to be complete, which both ways of coming back reach.
        page.go_back(wait_until="commit")
        page.wait_for_url(loaded, wait_until="commit")
        page.wait_for_function(COMPLETE)
        page.wait_for_timeout(300)

        restored = page.evaluate("window.stillHere === true")
        if not bfcache:
            assert not restored, "this browser reloaded the list"
        same = page.locator(f'{CARDS}:has(.story-card__title a[href="{href}"])')
        expect(same).to_have_count(1)
        assert same.evaluate(IN_VIEW), f"{path} at {viewport['width']}: the story is in view"
        above = page.eval_on_selector_all(
            CARDS,
            "(items, href) => items.findIndex(li => li.querySelector("
            "'.story-card__title a').getAttribute('href') === href)",
            href,
        )
        assert above == index, "the same cards above it"
        context.close()
        assert not errors, errors


@pytest.mark.parametrize("path", ["/", "/latest"])
def test_back_after_three_loads_returns_to_the_same_story(browser, live_server, path):
    _back_keeps_the_place(browser, live_server, path, bfcache=True)


@pytest.mark.parametrize("path", ["/", "/latest"])
def test_back_returns_to_the_same_story_without_the_back_forward_cache(
    browser_without_bfcache, live_server, path
):
    _back_keeps_the_place(browser_without_bfcache, live_server, path, bfcache=False)


def test_the_footer_uses_the_phone_screen_in_columns_and_desktop_in_one_row(browser, live_server):
    """Part 8: sections and regions side by side on a phone, five groups in a row at 1280 px,
    readable in both colour schemes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        for scheme in ("light", "dark"):
            context, page, errors = _context(browser, viewport, color_scheme=scheme)
            page.goto(live_server.url + "/about")
            footer = page.locator(".site-footer")
            footer.scroll_into_view_if_needed()
            boxes = [
                page.locator(f".site-footer__inner > :nth-child({n})").bounding_box()
                for n in range(1, 6)
            ]
            sections, regions = boxes[1], boxes[2]
            assert abs(sections["y"] - regions["y"]) < 2 and regions["x"] > sections["x"]
            if viewport == DESKTOP:
                assert len({round(b["y"]) for b in boxes}) == 1, "one row on desktop"
            else:
                assert boxes[4]["width"] > viewport["width"] * 0.8, "the publisher across"
            assert page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            expect(footer.get_by_role("link", name="RSS feed")).to_be_visible()
            expect(footer.get_by_role("link", name="Corrections policy")).to_be_visible()
            colours = footer.evaluate(
                "f => [getComputedStyle(f).color, getComputedStyle(f).backgroundColor]"
            )
            assert colours[0] != colours[1]
            suffix = "-dark" if scheme == "dark" else ""
            footer.screenshot(path=str(SCREENSHOTS / f"footer-{viewport['width']}{suffix}.png"))
            context.close()
            assert not errors, errors
