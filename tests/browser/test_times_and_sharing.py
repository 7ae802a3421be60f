"""Issue 15, parts 5, 8 and 9 in a real browser: relative times from live.js (and the absolute
time without script), the reader's own clock beside an article's, share links and buttons with
no request to another host, and picture `sizes` that match the slot each picture is drawn in at
every breakpoint (the fronts' lead, top stories and author portrait included). Screenshots go to
docs/screenshots/times-*.png."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
ABSOLUTE_UTC = re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d \(UTC\)$")
RELATIVE = re.compile(r"^(just now|\d{1,2} min ago|\d{1,2} h ago|\d{1,2} \w{3} \d{4})$")


def slug_of(live_server, condition: str) -> str:
    return live_server.python(
        "from newsroom.models import Story\n"
        f"print(next(s.slug for s in Story.latest(limit=200) if {condition}))\n"
    ).strip()


def new_page(browser, problems: list[str], **options):
    """A page in its own context that notes every request to another host and every error."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
    page = context.new_page()

    def check_host(req):
        host = urlsplit(req.url).hostname
        if host not in ("127.0.0.1", None) and not req.url.startswith("data:"):
            problems.append(f"third-party request: {req.url}")

    page.on("request", check_host)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"console: {m.text}"),
    )
    return page


# --- times --------------------------------------------------------------------------------------


def test_lists_show_relative_times_with_script_and_the_utc_time_without(browser, live_server):
    problems: list[str] = []
    page = new_page(browser, problems)
    page.goto(live_server.url + "/latest")
    times = page.locator(".story-card__meta time")
    expect(times.first).to_have_text(RELATIVE)
    shown = times.all_inner_texts()
    assert shown and all(RELATIVE.match(t) for t in shown), shown
    # The exact time is still there for a reader who hovers.
    assert ABSOLUTE_UTC.match(times.first.get_attribute("title"))
    # Twelve minutes ago reads so; a card that arrives by htmx is read as it lands.
    page.evaluate(
        """() => {
          const t = document.querySelector('.story-card__meta time');
          t.setAttribute('datetime', new Date(Date.now() - 12 * 60000 - 5000).toISOString());
          const u = document.querySelectorAll('.story-card__meta time')[1];
          u.setAttribute('datetime', new Date(Date.now() - 3 * 3600000 - 5000).toISOString());
          document.dispatchEvent(new CustomEvent('htmx:after:swap'));
        }"""
    )
    expect(times.nth(0)).to_have_text("12 min ago")
    expect(times.nth(1)).to_have_text("3 h ago")
    page.context.close()

    page = new_page(browser, problems, java_script_enabled=False)
    page.goto(live_server.url + "/latest")
    shown = page.locator(".story-card__meta time").all_inner_texts()
    assert shown and all(ABSOLUTE_UTC.match(t) for t in shown), shown
    page.context.close()
    assert not problems, problems


def test_an_article_shows_the_datelines_clock_and_the_readers_own(browser, live_server):
    slug = slug_of(live_server, "s.dateline == 'MANILA' and s.kind == 'news'")
    problems: list[str] = []
    page = new_page(browser, problems, timezone_id="America/New_York")
    page.goto(f"{live_server.url}/article/{slug}")
    published = page.locator(".story__times time[data-yours]")
    expect(published).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d \(UTC\+8\)$"))
    expect(page.locator(".story__place")).to_have_text("Manila")
    moment = datetime.fromisoformat(published.get_attribute("datetime"))
    there = moment.astimezone(ZoneInfo("America/New_York"))
    offset = int(there.utcoffset().total_seconds() // 3600)
    mine = f"Your time: {there.day} {there:%b %Y}, {there:%H:%M} (UTC{offset})"
    expect(page.locator(".your-time")).to_have_text(mine)
    expect(page.locator(".story__reading")).to_have_text(re.compile(r"· \d+ min read"))
    page.context.close()

    # A reader on the dateline's own clock is not told the same time twice.
    page = new_page(browser, problems, timezone_id="Asia/Manila")
    page.goto(f"{live_server.url}/article/{slug}")
    expect(page.locator(".story__times time[data-yours]")).to_have_count(1)
    page.wait_for_load_state("load")
    assert page.locator(".your-time").count() == 0
    page.context.close()
    assert not problems, problems


# --- sharing ------------------------------------------------------------------------------------


def test_share_links_copy_link_and_no_request_to_another_host(browser, live_server):
    slug = slug_of(live_server, "s.dateline == 'SEOUL' and s.kind == 'news'")
    problems: list[str] = []
    requests: list[str] = []
    page = new_page(browser, problems)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/article/{slug}")
    page.wait_for_load_state("networkidle")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    share = page.locator(".share")
    share.scroll_into_view_if_needed()
    names = [" ".join(t.split()) for t in share.locator("a").all_text_contents()]
    assert names == ["Share by Email"] + [
        f"Share on {n}" for n in ("X", "Facebook", "LinkedIn", "WhatsApp", "LINE", "Telegram")
    ]
    for link in share.locator("a").all():
        assert link.get_attribute("rel") == "noopener" and link.get_attribute("target") is None
    # The native share sheet only where the browser has one; copy link wherever there is script.
    has_share = page.evaluate("!!navigator.share")
    expect(share.get_by_role("button", name="Share…")).to_be_visible(visible=has_share)
    copy = share.get_by_role("button", name="Copy link")
    copy.click()
    expect(share.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == canonical
    assert {urlsplit(u).hostname for u in requests} == {"127.0.0.1"}, requests
    page.context.close()

    page = new_page(browser, problems, java_script_enabled=False)
    page.goto(f"{live_server.url}/article/{slug}")
    expect(page.locator(".share a")).to_have_count(7)
    expect(page.locator(".share button")).to_have_count(2)
    assert not page.locator(".share button").first.is_visible()
    assert not page.locator(".share button").last.is_visible()
    page.context.close()
    assert not problems, problems


# --- pictures -----------------------------------------------------------------------------------

SIZES_AGAINST_LAYOUT = """() => [...document.querySelectorAll('img[sizes]')].map(img => {
  const box = img.getBoundingClientRect();
  if (!box.width) return null;
  let length = null;
  for (const part of img.getAttribute('sizes').split(',').map(s => s.trim())) {
    const m = /^(\\([^)]*\\))\\s+(.+)$/.exec(part);
    if (!m) { length = part; break; }
    if (matchMedia(m[1]).matches) { length = m[2]; break; }
  }
  const probe = document.createElement('div');
  probe.style.position = 'absolute';
  probe.style.width = length;
  document.body.appendChild(probe);
  const said = probe.getBoundingClientRect().width;
  probe.remove();
  const slot = ['front__lead', 'front__top', 'home-blocks', 'strip__list', 'section-blocks',
    'list-front__lead', 'list-front__top', 'author-header', 'story-list', 'related__list',
    'story__hero', 'photo-sequence']
    .find(name => img.closest('.' + name));
  return {said, drawn: box.width, length, slot};
}).filter(Boolean)"""


@pytest.mark.parametrize("width", [375, 700, 900, 1100, 1280, 1440])
def test_every_pictures_sizes_match_the_slot_it_is_drawn_in(browser, live_server, width):
    article = slug_of(live_server, "s.hero_photo is not None and s.kind == 'news'")
    photo_story = slug_of(live_server, "s.kind == 'photo' and s.gallery()")
    # A portrait for one author, so that the author page's slot is measured too.
    live_server.python(
        "from extensions import db\nfrom newsroom.models import Author, Story\n"
        "author = Author.by_slug('joon-park')\n"
        "author.photo = next(s.hero_photo for s in Story.latest(limit=50) if s.hero_photo)\n"
        # Every story pictured, so that the front page's section blocks (whose first card
        # shows its picture) have pictures to measure whichever stories they are given.
        "for s in Story.latest(limit=200):\n"
        "    s.hero_photo = s.hero_photo or author.photo\n"
        "db.session.commit()\n"
    )
    problems: list[str] = []
    page = new_page(browser, problems, viewport={"width": width, "height": 900})
    slots = set()
    fronts = ("/region/east-asia", "/section/politics", "/country/japan", "/author/joon-park")
    for url in ("/", "/latest", f"/article/{article}", f"/article/{photo_story}", *fronts):
        page.goto(live_server.url + url)
        for img in page.evaluate(SIZES_AGAINST_LAYOUT):
            # Never smaller than the slot (a blurry picture), never much bigger (wasted bytes);
            # the allowance is a scrollbar's width, which 100vw counts and the page does not.
            assert img["drawn"] - 1 <= img["said"] <= img["drawn"] * 1.03 + 20, (url, width, img)
            slots.add(img["slot"])
    assert slots == {
        "front__lead",
        "front__top",
        "home-blocks",
        "strip__list",
        "section-blocks",
        "list-front__lead",
        "list-front__top",
        "author-header",
        "story-list",
        "related__list",
        "story__hero",
        "photo-sequence",
    }, "every slot that shows a picture was measured"
    page.context.close()
    assert not problems, problems


# --- screenshots and axe ------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_times_and_sharing_and_no_serious_axe_violations(
    browser, live_server, scheme
):
    slug = slug_of(live_server, "s.dateline == 'MANILA' and s.kind == 'news'")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if scheme == "dark" else ""
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(
            bypass_csp=True,
            color_scheme=scheme,
            viewport={"width": width, "height": height},
            timezone_id="Europe/Berlin",
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/article/{slug}")
        expect(page.locator(".your-time")).to_be_visible()
        problems = serious_axe_violations(page)
        assert not problems, "\n".join(problems)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the article overflows by {overflow}px at {width}px"
        page.locator(".story__header").screenshot(
            path=str(SCREENSHOTS / f"times-article-{width}{suffix}.png")
        )
        page.locator(".share").screenshot(
            path=str(SCREENSHOTS / f"times-share-{width}{suffix}.png")
        )
        page.goto(f"{live_server.url}/latest")
        expect(page.locator(".story-card__meta time").first).to_have_text(RELATIVE)
        problems = serious_axe_violations(page)
        assert not problems, "\n".join(problems)
        page.screenshot(path=str(SCREENSHOTS / f"times-latest-{width}{suffix}.png"))
        context.close()
