"""The compact masthead and the ticker a reader controls (issue 15, part 1), in a real browser.

A phone's first screen belongs to the news: the masthead is one bar of at most 64 px whose menu
and search open by tap and by keyboard without script; the ticker under it shows each item's time
and stops when the reader taps its pause button, even across the ticker's own polls.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
NO_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PLAY_STATE = "getComputedStyle(document.querySelector('.ticker__items')).animationPlayState"
OFFSET = "document.querySelector('.ticker__items').getBoundingClientRect().left"
# A change of play state takes effect at the animation's next frame: until its `ready` promise
# settles, the compositor may still move the ticker by a fraction of a pixel.
SETTLED = "Promise.all(document.querySelector('.ticker__items').getAnimations().map(a => a.ready))"


def _phone(browser, **options):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, **options)
    return context, context.new_page()


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_phone_masthead_is_one_short_bar_whose_menu_and_search_open_by_tap(browser, live_server):
    context, page = _phone(browser)
    errors = _errors(page)
    page.goto(live_server.url + "/")
    masthead = page.locator(".masthead").bounding_box()
    assert masthead["height"] <= 64, f"the masthead is {masthead['height']} px tall"
    assert page.evaluate(NO_OVERFLOW) <= 0
    # The ticker sits directly under it.
    assert abs(page.locator("#ticker").bounding_box()["y"] - masthead["height"]) <= 1
    # On a phone the sections live in the menu, not in the bar.
    expect(page.locator(".site-nav")).to_be_hidden()

    menu = page.locator(".menu__panel")
    expect(menu).to_be_hidden()
    page.locator("summary", has_text="Menu").tap()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Politics")).to_be_visible()
    expect(menu.get_by_role("link", name="Latest")).to_be_visible()
    expect(menu.get_by_role("link", name="Central Asia")).to_be_visible()
    panel = menu.bounding_box()
    assert panel["y"] >= masthead["height"] - 1 and panel["y"] + panel["height"] <= PHONE["height"]
    assert page.evaluate(NO_OVERFLOW) <= 0

    # Opening search closes the menu: one drawer at a time.
    page.locator("summary", has_text="Search").tap()
    expect(menu).to_be_hidden()
    field = page.get_by_role("searchbox", name="Search stories")
    expect(field).to_be_visible()
    field.tap()
    field.fill("typhoon")
    field.press("Enter")
    page.wait_for_url("**/search?q=typhoon")
    expect(page.locator("h1")).to_be_visible()

    page.goto(live_server.url + "/")
    page.locator("summary", has_text="Menu").tap()
    menu.get_by_role("link", name="Kazakhstan").tap()
    expect(page.locator("h1")).to_have_text("Kazakhstan")
    assert not errors, errors
    context.close()


def test_menu_and_search_open_and_close_from_the_keyboard(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    menu_button = page.locator("summary", has_text="Menu")
    expect(menu_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".menu__panel")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".menu__panel a").first).to_be_focused()
    menu_button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".menu__panel")).to_be_hidden()

    page.keyboard.press("Tab")
    expect(page.locator("summary", has_text="Search")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    field = page.get_by_role("searchbox", name="Search stories")
    expect(field).to_be_focused()
    page.keyboard.type("Seoul")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Seoul")
    context.close()


def test_menu_and_search_open_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("summary", has_text="Menu").click()
    expect(page.locator(".menu__panel").get_by_role("link", name="Japan")).to_be_visible()
    page.locator("summary", has_text="Search").click()
    page.get_by_role("searchbox", name="Search stories").fill("Tokyo")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=Tokyo")
    context.close()


def test_desktop_keeps_one_navigation_row(page, live_server):
    page.goto(live_server.url + "/")
    links = page.locator(".site-nav__link")
    expect(links.first).to_be_visible()
    assert links.count() >= 5  # Latest and the four sections
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, f"the sections wrap onto {len(tops)} rows"
    masthead = page.locator(".masthead").bounding_box()
    assert masthead["height"] <= 72
    for name in ("Menu", "Search"):
        expect(page.locator("summary", has_text=name)).to_be_visible()
    page.locator("summary", has_text="Menu").click()
    expect(page.locator(".menu__countries a", has_text="Kazakhstan")).to_be_visible()
    assert page.evaluate(NO_OVERFLOW) <= 0


def test_ticker_items_show_their_time_and_a_tap_pauses_the_ticker(browser, live_server):
    live_server.flask("ticker", "add", "Polls close in Ulaanbaatar", "--link", "/latest")
    context, page = _phone(browser)
    errors = _errors(page)
    page.goto(live_server.url + "/")
    item = page.locator(".ticker__item", has_text="Polls close in Ulaanbaatar")
    time = item.locator("time")
    expect(time).to_have_text(re.compile(r"^\d\d:\d\d UTC$"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", time.get_attribute("datetime"))

    assert page.evaluate(PLAY_STATE) == "running"
    pause = page.get_by_role("checkbox", name="Pause the ticker")
    expect(pause).not_to_be_checked()
    page.locator(".ticker__pause").tap()
    expect(pause).to_be_checked()
    assert page.evaluate(PLAY_STATE) == "paused"
    page.evaluate(SETTLED)
    before = page.evaluate(OFFSET)
    page.wait_for_timeout(700)
    # Running, it moves some 40 px in that time.
    assert abs(page.evaluate(OFFSET) - before) < 0.5, "the paused ticker still moves"

    # The ticker's poll replaces it with a new version; the reader's pause holds.
    live_server.flask("ticker", "add", "Typhoon signal raised in Hong Kong")
    expect(page.locator(".ticker__item", has_text="Typhoon signal raised")).to_have_count(1)
    expect(pause).to_be_checked()
    assert page.evaluate(PLAY_STATE) == "paused"

    page.locator(".ticker__pause").tap()
    expect(pause).not_to_be_checked()
    assert page.evaluate(PLAY_STATE) == "running"
    page.evaluate(SETTLED)
    before = page.evaluate(OFFSET)
    page.wait_for_timeout(700)
    assert page.evaluate(OFFSET) < before - 5, "the resumed ticker moves on"
    assert not errors, errors
    context.close()


def test_the_keyboard_pauses_the_ticker_and_reduced_motion_needs_no_button(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    pause = page.get_by_role("checkbox", name="Pause the ticker")
    pause.focus()
    page.keyboard.press("Space")
    expect(pause).to_be_checked()
    page.mouse.move(5, 700)  # nowhere near the ticker: only the checkbox holds it
    assert page.evaluate(PLAY_STATE) == "paused"
    page.keyboard.press("Space")
    assert page.evaluate(PLAY_STATE) == "running"
    context.close()

    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.ticker__items')).animationName")
        == "none"
    )
    expect(page.locator(".ticker__pause")).to_be_hidden()
    expect(page.get_by_role("checkbox", name="Pause the ticker")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_masthead_and_ticker_pass_axe_and_are_photographed(browser, live_server, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if scheme == "dark" else ""
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(
            viewport=viewport, color_scheme=scheme, bypass_csp=True, reduced_motion="no-preference"
        )
        page = context.new_page()
        page.goto(live_server.url + "/")
        # The band is never bright in dark mode (and dark in light mode).
        band = page.evaluate("getComputedStyle(document.querySelector('#ticker')).backgroundColor")
        channels = [int(c) for c in re.findall(r"\d+", band)[:3]]
        assert max(channels) < 60, f"the ticker band is {band} in {scheme} mode"
        problems = serious_axe_violations(page)
        page.screenshot(path=str(SCREENSHOTS / f"masthead-{viewport['width']}{suffix}.png"))
        page.locator("summary", has_text="Menu").click()
        problems += serious_axe_violations(page)
        if viewport is PHONE:
            page.screenshot(path=str(SCREENSHOTS / f"masthead-375-menu{suffix}.png"))
        page.locator("summary", has_text="Search").click()
        problems += serious_axe_violations(page)
        assert page.evaluate(NO_OVERFLOW) <= 0
        context.close()
        assert not problems, "\n".join(problems)
