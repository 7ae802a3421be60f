"""Open live coverage as a reader meets it on the front page and in the ticker, on a phone and
on a desktop, with screenshots of the front page's live box for the docs."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
# The demo newsroom's open live page (demo/data/stories/58-typhoon-dalisay-live.md).
SLUG = "typhoon-dalisay-makes-landfall-in-northern-luzon-live-updates"
POSTS = (
    ("", "Evacuation centres in Aparri report 12,000 arrivals since dawn."),
    ("Signal raised", "PAGASA raises wind signal number 4 over Cagayan and the Babuyan Islands."),
    ("", "The eye of the typhoon crosses the coast near Santa Ana, officials say."),
)


def test_the_front_page_leads_with_open_coverage_on_phone_and_desktop(browser, live_server):
    for title, text in POSTS:
        args = ("--title", title) if title else ()
        live_server.flask("live", "post", SLUG, text, *args)
    live_server.flask("ticker", "add", "Markets close early in Cagayan", "--link", "/latest")
    live_server.flask(
        "ticker", "add", "Typhoon makes landfall in northern Luzon", "--link", f"/article/{SLUG}"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    for width, height in ((375, 812), (1280, 800)):
        # Reduced motion holds the ticker still (it wraps instead of scrolling): a stable picture.
        context = browser.new_context(
            viewport={"width": width, "height": height}, reduced_motion="reduce"
        )
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(live_server.url + "/")

        box = page.locator(".live-box")
        expect(box).to_have_count(1)
        expect(box.locator("h2 a")).to_have_text(
            "Typhoon Dalisay makes landfall in northern Luzon: live updates"
        )
        expect(box.locator(".live-box__badge")).to_have_text("Live")
        updates = box.locator(".live-box__update")
        expect(updates).to_have_text([POSTS[2][1], POSTS[1][0]])
        assert box.bounding_box()["y"] < height, "the box is on the first screen"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the front page overflows by {overflow}px at {width}px"

        live_item = page.locator(".ticker__item", has_text="northern Luzon")
        expect(live_item.locator(".ticker__live")).to_have_text("Live:")
        expect(
            page.locator(".ticker__item", has_text="Markets close early").locator(".ticker__live")
        ).to_have_count(0)

        assert serious_axe_violations(page) == []
        # The picture starts at the ticker (on a phone, at the box: the still ticker wraps long).
        top = page.locator("#ticker" if width > 600 else ".live-box").bounding_box()["y"]
        page.evaluate("y => window.scrollTo(0, y)", max(0, top - 16))
        page.screenshot(path=str(SCREENSHOTS / f"home-live-{width}.png"))

        updates.first.click()
        page.wait_for_url(f"**/article/{SLUG}#post-*")
        assert not errors, errors
        context.close()
