"""The live site in a real browser: ticker, new-story notices, infinite scroll, no-JS fallback."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.helpers import ARTIFACTS


def story_slugs(page, selector="#story-list") -> list[str]:
    return page.eval_on_selector_all(
        f"{selector} .story-card__title a", "links => links.map(a => a.getAttribute('href'))"
    )


def expected_slugs(live_server, filter_code: str = "") -> list[str]:
    out = live_server.python(
        "from newsroom.models import Story\n"
        f"for a in Story.latest(limit=1000{filter_code}): print('/article/' + a.slug)\n"
    )
    return out.split()


def test_ticker_picks_up_a_new_item_within_a_poll_and_ignores_unchanged_polls(page, live_server):
    statuses = []
    page.on(
        "response",
        lambda r: "/live/ticker" in r.url and statuses.append(r.status),
    )
    page.goto(live_server.url + "/about")
    ticker = page.locator("#ticker")
    expect(ticker).to_contain_text("Indonesia's central bank")
    page.evaluate("document.getElementById('ticker').dataset.marker = 'original'")
    page.wait_for_timeout(2500)
    assert statuses and set(statuses) == {204}, statuses
    # 204 answers swap nothing: the element the reader sees is the very same one.
    assert page.evaluate("document.getElementById('ticker').dataset.marker") == "original"

    live_server.flask(
        "ticker", "add", "Polls open in Mongolia's snap election", "--link", "/latest"
    )
    expect(ticker).to_contain_text("Polls open in Mongolia's snap election", timeout=5000)
    assert 200 in statuses
    expect(page.locator("#ticker-announcer")).to_contain_text("Polls open in Mongolia")
    expect(page.locator("#ticker a", has_text="Polls open in Mongolia")).to_have_attribute(
        "href", "/latest"
    )


def scroll_to_end(page, timeout_ms=30_000):
    """Scroll down the way a reader does, a screenful at a time, until the list says it ended."""
    end = page.locator(".story-list__end")
    page.mouse.move(300, 400)
    waited = 0
    manual = page.locator('a.story-list__next[hx-trigger="click"]')
    while not end.count() and waited < timeout_ms:
        if manual.count() and manual.is_visible():
            manual.click()  # past the first pages the reader asks for more
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(100)
        waited += 100
    end.scroll_into_view_if_needed()
    expect(end).to_be_visible()


def test_home_latest_stream_scrolls_to_the_end_showing_every_story_once_in_order(page, live_server):
    page.goto(live_server.url + "/")
    # The stream skips the stories the blocks above it show (issue 15.2): together, each once.
    above = page.eval_on_selector_all(
        ".live-box__headline a, main .story-card__title a",
        "links => links.filter(a => !a.closest('#story-list')).map(a => a.getAttribute('href'))",
    )
    scroll_to_end(page)
    shown = story_slugs(page)
    expected = expected_slugs(live_server)
    assert shown == [href for href in expected if href not in above]
    assert len(shown) == len(set(shown)) > 9
    assert sorted(above + shown) == sorted(expected)
    expect(page.locator(".story-list__end")).to_have_text("You have reached the end of this list.")
    assert re.fullmatch(re.escape(live_server.url) + r"/\?upto=\d+-\d+&depth=\d+", page.url), (
        "the home page keeps its own URL, recording how far the reader has loaded"
    )


def test_region_page_scrolls_to_the_end_and_the_url_follows_the_reader(page, live_server):
    # A region: the demo's countries have too few stories to fill pages below their fronts.
    page.goto(live_server.url + "/region/east-asia")
    scroll_to_end(page)
    # The region's front (lead and top stories) stands above the list, which skips them.
    front = story_slugs(page, ".list-front")
    shown = story_slugs(page)
    code = (
        ", region=__import__('extensions').db.session.scalar(__import__('sqlalchemy')"
        ".select(__import__('newsroom.models').models.Region).filter_by(slug='east-asia'))"
    )
    expected = expected_slugs(live_server, code)
    assert front and shown == [slug for slug in expected if slug not in front]
    assert sorted(front + shown) == sorted(expected), "every story once"
    assert len(shown) > 3, "more than one page"
    assert re.search(r"/region/east-asia\?upto=\d+-\d+&depth=\d+$", page.url), page.url


def test_new_stories_button_inserts_a_story_published_during_the_visit(page, live_server):
    page.goto(live_server.url + "/section/politics")
    first_before = story_slugs(page)[0]
    page.evaluate("window.scrollTo(0, 300); window.sameDocument = true")
    live_server.python(
        "from tests.factories import make_story\n"
        "make_story(headline='Cabinet reshuffle announced in Kathmandu', countries=['nepal'])\n"
    )
    button = page.locator(".new-stories__button")
    expect(button).to_have_text(re.compile(r"1 new story"), timeout=6000)
    button.click()
    expect(page.locator("#story-list li").first).to_contain_text("Cabinet reshuffle announced")
    assert story_slugs(page)[1] == first_before
    expect(page.locator(".new-stories__button")).to_have_count(0)
    assert page.evaluate("window.sameDocument === true"), "no reload"


def test_failed_page_load_offers_a_retry_link(page, live_server):
    page.route("**/latest?before=*", lambda route: route.fulfill(status=503, body="down"))
    page.goto(live_server.url + "/latest")
    page.locator(".story-list__more").scroll_into_view_if_needed()
    page.locator("a.story-list__next").click()
    failed = page.locator(".story-list__more.is-failed .story-list__failed")
    expect(failed).to_be_visible()
    expect(failed.locator("a")).to_have_text("Try again")


def test_without_javascript_older_stories_links_walk_to_the_end(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/latest")
    shown = story_slugs(page)
    pages = 1
    while page.locator("a.story-list__next").count():
        page.locator("a.story-list__next").click()
        page.wait_for_load_state()
        shown += story_slugs(page)
        pages += 1
    assert pages > 5
    assert shown == expected_slugs(live_server)
    expect(page.locator(".story-list__end")).to_be_visible()
    context.close()


def test_layout_fits_phone_and_desktop_and_navigation_is_reachable(browser, live_server):
    for width, height in ((375, 812), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for path, name in (
            ("/", "home"),
            ("/article/" + _seoul_slug(live_server), "article"),
            ("/country/japan", "country"),
            ("/contact", "contact"),
        ):
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        page.goto(live_server.url + "/")
        page.locator("summary.menu__toggle").click()
        page.locator(".menu__countries a", has_text="Kazakhstan").click()
        expect(page.locator("h1")).to_have_text("Kazakhstan")
        context.close()


def _seoul_slug(live_server) -> str:
    return "pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls"


def test_contact_form_with_htmx_shows_errors_then_thanks(page, live_server):
    page.goto(live_server.url + "/contact")
    page.fill("#name", "Ana Reyes")
    page.fill("#email", "not-an-email")
    page.fill("#subject", "Typhoon figures")
    page.fill("#message", "The Isabela figure changed this morning.")
    page.click("#contact-form button[type=submit]")
    expect(page.locator("#email-error")).to_have_text("Enter an email address we can reply to.")
    assert page.input_value("#name") == "Ana Reyes"
    page.fill("#email", "ana@example.org")
    page.click("#contact-form button[type=submit]")
    expect(page.locator("#contact-form")).to_contain_text("Your message has reached the newsroom")
    saved = live_server.python(
        "import sqlalchemy as sa\nfrom extensions import db\nfrom newsroom.models import ContactMessage\n"
        "print(db.session.scalar(sa.select(sa.func.count()).select_from(ContactMessage)))\n"
    )
    assert saved.strip() == "1"
