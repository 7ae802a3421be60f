"""Issue 15, part 4 in a real browser: a video story opens on its player on a phone, a photo
story's photos span a phone's screen without moving the text as they load, and each format's page
passes axe in light and dark mode. Screenshots go to docs/screenshots/{photo-story,video-story,
opinion,interview}-{375,1280}{,-dark}.png (photo-story-*-down*.png further down the sequence, interview-*-down*.png at the
first question)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
FORMATS = {
    "photo-story": "s.kind == 'photo' and len(s.gallery()) >= 5",
    "video-story": "s.kind == 'video' and s.hero_photo is not None",
    "opinion": "s.kind == 'opinion' and 'auctions' in s.headline",
    "interview": "s.kind == 'interview' and s.body_md.count('**Raman:**') >= 5",
}


def slug_of(live_server, condition: str) -> str:
    return live_server.python(
        "from newsroom.models import Story\n"
        f"print(next(s.slug for s in Story.latest(limit=200) if {condition}))\n"
    ).strip()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_a_video_story_opens_on_its_player_on_a_phone_and_under_the_headline_on_desktop(
    page, live_server
):
    slug = slug_of(live_server, FORMATS["video-story"])
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/article/{slug}")
    facade, headline = box(page, "#video-player"), box(page, ".story__headline")
    assert facade["y"] + facade["height"] <= 812, f"the whole player is above the fold: {facade}"
    assert facade["y"] < headline["y"], "the player comes first on a phone"
    assert facade["width"] == 375, "and spans the screen"
    # Keyboard and screen readers still meet the headline first, then the player.
    order = page.evaluate(
        "document.querySelector('h1').compareDocumentPosition("
        "document.querySelector('#video-player')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert order

    page.set_viewport_size({"width": 1280, "height": 900})
    facade, headline = box(page, "#video-player"), box(page, ".story__headline")
    standfirst = box(page, ".story__standfirst")
    gap = facade["y"] - (headline["y"] + headline["height"])
    assert 0 <= gap <= 24, f"directly under the headline on desktop ({gap}px)"
    assert standfirst["y"] > facade["y"] + facade["height"]
    assert facade["y"] + facade["height"] <= 900


def test_a_photo_storys_photos_fill_a_phones_screen_and_keep_their_place_while_loading(
    page, live_server
):
    slug = slug_of(live_server, FORMATS["photo-story"])
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/article/{slug}")
    photos = page.locator(".photo-sequence__photo img")
    count = photos.count()
    assert count >= 5
    # Before a lazy photo loads, its box already has the photo's height: nothing below jumps.
    last = photos.nth(count - 1)
    assert not last.evaluate("img => img.complete && img.naturalWidth > 0")
    reserved = last.bounding_box()
    assert reserved["width"] == 375 and reserved["height"] > 200, reserved
    text_below = page.locator(".photo-sequence > p").last.bounding_box()["y"]
    last.scroll_into_view_if_needed()
    expect(last).to_have_js_property("complete", True)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-sequence img')].every(i => i.complete)"
    )
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator(".photo-sequence > p").last.bounding_box()["y"] == text_below
    for n in range(count):
        drawn = photos.nth(n).bounding_box()
        assert drawn["x"] == 0 and drawn["width"] == 375, (n, drawn)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    page.set_viewport_size({"width": 1280, "height": 900})
    column = box(page, ".story__body")
    assert all(photos.nth(n).bounding_box()["width"] == column["width"] for n in range(count))
    captions = page.locator(".photo-sequence__caption")
    expect(captions).to_have_count(count)
    assert all(text.strip() for text in captions.all_inner_texts())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_each_format_and_no_serious_axe_violations(browser, live_server, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if scheme == "dark" else ""
    slugs = {name: slug_of(live_server, condition) for name, condition in FORMATS.items()}
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(
            color_scheme=scheme, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        for name, slug in slugs.items():
            page.goto(f"{live_server.url}/article/{slug}")
            # Every lazy photo loaded and decoded, so the screenshots show them.
            page.evaluate(
                "async () => { for (const img of document.querySelectorAll('main img')) {"
                " img.loading = 'eager'; await img.decode().catch(() => {}); } }"
            )
            problems = serious_axe_violations(page)
            assert not problems, "\n".join(problems)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
            # The top of each screen is photographed by test_accessibility.py under the name
            # the README links; this test adds the view further down.
            further = {"photo-story": "#photo-3", "interview": ".qa__question"}.get(name)
            if further:
                page.evaluate(f"document.querySelector('{further}').scrollIntoView()")
                page.screenshot(path=SCREENSHOTS / f"{name}-{width}-down{suffix}.png")
        context.close()
        assert not errors, errors
