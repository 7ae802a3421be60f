"""The curated home front (issue 15, part 2) in a real browser: no story twice on the home page
above the stream, nor in the stream after it loads more by itself, at phone and desktop width in
light and dark mode; and an editor choosing the lead in the admin, which readers see at once.
Screenshots go to docs/screenshots/home-*.png and admin-front-*.png (viewport-sized: the top of
the page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD, ROOT, serious_axe_violations, sign_in_browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = {1280: 800, 375: 812}
NO_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# One link per story shown: a card's headline, a live box's headline. The picture above a card
# links to the same story and is not a second showing.
TITLES_ABOVE = """() => {
  const stream = document.getElementById('story-list');
  return [...document.querySelectorAll('.story-card__title a, .live-box__headline a')]
    .filter(a => !stream.contains(a)).map(a => a.getAttribute('href'));
}"""
TITLES_IN_STREAM = """() => [...document.querySelectorAll('#story-list .story-card__title a')]
  .map(a => a.getAttribute('href'))"""
# Every link to a story above the stream, whatever it is (card, picture, live box, its updates),
# reduced to the story it names.
STORIES_LINKED_ABOVE = """() => {
  const stream = document.getElementById('story-list');
  const byBlock = new Map();
  for (const a of document.querySelectorAll('main a[href^="/article/"]')) {
    if (stream.contains(a)) continue;
    const block = a.closest('article, .live-box');
    const story = a.getAttribute('href').split('#')[0];
    if (!byBlock.has(block)) byBlock.set(block, new Set());
    byBlock.get(block).add(story);
  }
  return [...byBlock.values()].flatMap(s => [...s]);
}"""


def _context(browser, width: int, scheme: str):
    return browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        color_scheme=scheme,
        is_mobile=width < 600,
        has_touch=width < 600,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_no_story_twice_on_the_home_page_above_the_stream(browser, live_server, width, scheme):
    context = _context(browser, width, scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(live_server.url + "/")
    above = page.evaluate(TITLES_ABOVE)
    assert len(above) > 20, "the front page's blocks are full"
    assert len(above) == len(set(above)), sorted(h for h in above if above.count(h) > 1)
    linked = page.evaluate(STORIES_LINKED_ABOVE)
    assert len(linked) == len(set(linked)), sorted(h for h in linked if linked.count(h) > 1)
    assert page.evaluate(NO_OVERFLOW) <= 0
    # Section blocks do not repeat their own section on every card.
    expect(page.locator(".section-blocks .story-card__section")).to_have_count(0)
    expect(page.locator(".front__lead .story-card__section")).to_have_count(1)
    # A card left without a kicker (no label either) draws no empty line above its headline.
    plain = page.locator(".section-blocks .story-card__kicker:not(:has(.label))")
    assert plain.count() and all(not k.is_visible() for k in plain.all())
    page.locator(".section-blocks").screenshot(
        path=str(
            ARTIFACTS / f"home-section-blocks-{width}{'-dark' if scheme == 'dark' else ''}.png"
        )
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if scheme == "dark" else ""
    page.screenshot(path=str(SCREENSHOTS / f"home-{width}{suffix}.png"))

    first = page.evaluate(TITLES_IN_STREAM)
    assert first and not set(first) & set(above), "the stream skips what the blocks show"
    # Scrolling to the stream's end loads its next page by itself, which skips them too.
    page.locator(".story-list__next").scroll_into_view_if_needed()
    cards = page.locator("#story-list .story-card")
    expect(cards).not_to_have_count(len(first))
    expect(page.locator("#story-list .story-list__next")).to_have_count(1)  # the swap is done
    stream = page.evaluate(TITLES_IN_STREAM)
    assert len(stream) > len(first)
    shown = above + stream
    assert len(shown) == len(set(shown)), sorted(h for h in shown if shown.count(h) > 1)
    assert not errors, errors
    context.close()


def _make_editor(live_server) -> None:
    live_server.python(
        "from web.auth import hash_password\nfrom extensions import db\n"
        "from newsroom.models import User\n"
        "db.session.add(User(email='desk@example.org', name='Desk Editor', role='editor',"
        f" password_hash=hash_password({PASSWORD!r})))\ndb.session.commit()\n"
    )


def _older_story(live_server) -> tuple[int, str, str]:
    """A story well down the latest list: not on the front page until an editor chooses it."""
    out = live_server.python(
        "from newsroom.models import Story\n"
        "s = [s for s in Story.latest(limit=60) if s.kind == 'news'][30]\n"
        "print(s.id); print(s.slug); print(s.headline)\n"
    )
    ident, slug, headline = out.strip().split("\n")
    return int(ident), slug, headline


def test_an_editor_chooses_the_lead_and_readers_see_it_at_once(browser, live_server):
    _make_editor(live_server)
    ident, slug, headline = _older_story(live_server)
    reader = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    reader.goto(live_server.url + "/")
    expect(reader.locator(f'.front__lead a[href="/article/{slug}"]')).to_have_count(0)

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in_browser(page, live_server)
    page.get_by_role("navigation", name="Newsroom").get_by_role("link", name="Front page").click()
    expect(page.locator("h1")).to_have_text("Arrange the front page")
    lead = page.get_by_role("combobox", name="Lead story")
    expect(lead).to_have_value("")
    expect(page.locator("#front-lead-now")).to_contain_text("Automatic")
    # The type-ahead is the browser's own: the field offers the newest stories by headline.
    assert page.locator(f'#front-stories option[value^="{ident} · "]').count() == 1
    lead.fill(f"{ident} · {headline}")
    page.get_by_role("button", name="Save the front page").click()
    expect(page.locator(".notice--success")).to_contain_text("The front page is arranged")
    expect(page.locator("#front-lead-now")).to_contain_text("Chosen")
    expect(page.locator("#front-lead-now")).to_contain_text(headline)
    assert not serious_axe_violations(page)

    reader.reload()
    expect(reader.locator(".front__lead .story-card__title a")).to_have_attribute(
        "href", f"/article/{slug}"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-front-1280.png"))
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    assert page.evaluate(NO_OVERFLOW) <= 0
    page.screenshot(path=str(SCREENSHOTS / "admin-front-375.png"))
    assert not errors, errors
    context.close()
    reader.context.close()


def test_a_bad_choice_in_the_browser_keeps_the_form(browser, live_server):
    _make_editor(live_server)
    ident, _, headline = _older_story(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    page = context.new_page()
    sign_in_browser(page, live_server)
    page.goto(live_server.url + "/admin/front")
    page.get_by_role("combobox", name="Top story 1").fill(f"{ident} · {headline}")
    page.get_by_role("combobox", name="Top story 2").fill(str(ident))
    page.get_by_role("button", name="Save the front page").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("The front page was not saved")
    expect(summary).to_be_focused()
    expect(page.get_by_role("combobox", name="Top story 1")).to_have_value(f"{ident} · {headline}")
    expect(page.get_by_role("combobox", name="Top story 2")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert not serious_axe_violations(page)
    context.close()
