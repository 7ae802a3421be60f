"""S01 in a real browser: a story body full of attack markup runs nothing when read."""

from __future__ import annotations

import pytest

from tests.helpers import HOSTILE


@pytest.mark.case("S01")
def test_S01_a_story_made_of_attack_markup_fires_no_script_in_chromium(page, live_server):
    # An unclosed <style> (the mXSS payload) swallows what follows it, as in any browser: last.
    payloads = sorted(HOSTILE, key=lambda p: "<math>" in p)
    body = "The council met on Monday.\n\n" + "\n\n".join(payloads)
    slug = live_server.python(
        "from tests.factories import make_story\n"
        f"story = make_story(headline='Council meets in Ulaanbaatar', body={body!r})\n"
        "print(story.slug)\n"
    ).strip()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/article/{slug}")
    page.wait_for_load_state("networkidle")
    body_el = page.locator(".story__body")
    assert body_el.get_by_text("The council met on Monday.").count() == 1
    for link in body_el.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:"))
    body_el.locator("p").first.hover()
    body_el.get_by_text("text", exact=True).click()  # the paragraph that had onclick
    body_el.get_by_text("click").first.click()  # the link that had a javascript: URL
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src]):not([type])').length") == 0
