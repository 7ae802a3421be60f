"""Issue 13's walk through the desk, in a real browser: an editor in Bangkok writes a story with
chips and a photo whose caption and credit come from the file, sets its focal point, previews it
at a phone's and a desktop's width, schedules it on her own clock and sees it go live at that
instant; adds an update and a correction and sees both on the page and in its JSON-LD; compares
and restores a revision; and a second editor opening the story is seen, and sees her."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD, ROOT
from tests.helpers import sign_in_browser as sign_in
from tests.newsroom.photo_files import XMP_CAPTION, xmp_jpeg

BANGKOK = ZoneInfo("Asia/Bangkok")
SCREENSHOTS = ROOT / "docs" / "screenshots"
HEADLINE = "Bangkok canals reopen to ferries after the flood"
EDITED = "Bangkok canals reopen to longtail boats after the flood"

USERS = (
    "from web.auth import hash_password\nfrom extensions import db\n"
    "from newsroom.models import User\n"
    "for email, name in (('ploy@example.org', 'Ploy Srisai'), ('mei@example.org', 'Mei Lin Tan')):\n"
    "    db.session.add(User(email=email, name=name, role='editor', timezone='Asia/Bangkok',"
    f" password_hash=hash_password({PASSWORD!r})))\n"
    "db.session.commit()\n"
)


def status_of(url: str) -> int:
    """What a reader with no cookies gets at the address."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def pick(page, kind: str, typed: str, expected: str):
    """Type into a chip picker, choose the first suggestion with the keyboard."""
    box = page.locator(f"input#{kind}[role=combobox]")
    box.press_sequentially(typed)
    option = page.locator(f"#{kind}-options [role=option]").first
    expect(option).to_have_text(expected)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")
    expect(page.locator(f"#{kind}-picker .picker__chip span")).to_have_text([expected])


def test_an_editor_in_bangkok_walks_a_story_from_draft_to_corrected(
    page, browser, live_server, tmp_path
):
    live_server.python(USERS)
    page.on("dialog", lambda dialog: dialog.accept())  # "Restore revision N?", leaving a form
    sign_in(page, live_server, "ploy@example.org", "Ploy Srisai")

    # 1. Write: headline, standfirst, dateline, body; countries and authors by chips.
    page.goto(live_server.url + "/admin/stories/new")
    expect(page.locator("#publish-time .publish-time__zone")).to_contain_text("Asia/Bangkok")
    expect(page.locator("label[for=embargo_until] .publish-time__zone")).to_contain_text(
        "Asia/Bangkok"
    )
    page.fill("#headline", HEADLINE)
    page.fill("#standfirst", "Boats run again on Khlong Saen Saep as the water falls.")
    page.fill("#dateline", "Bangkok")
    page.select_option("#dateline_country", label="Thailand")
    page.select_option("#section", label="Business")
    page.fill("#body", "Ferries carried commuters again on Monday.\n\nThe pier at Pratunam opened.")
    pick(page, "countries", "thai", "Thailand")
    pick(page, "authors", "Joon", "Joon Park")

    # The photo: its XMP caption and credit fill the upload form before anything is stored.
    photo = tmp_path / "flood.jpg"
    photo.write_bytes(xmp_jpeg())
    page.set_input_files("#photo-photo", str(photo))
    expect(page.locator("#photo-read-status")).to_contain_text("Filled in from the file")
    expect(page.locator("#photo-caption")).to_have_value(XMP_CAPTION)
    expect(page.locator("#photo-credit")).to_have_value(re.compile("Reuters"))
    expect(page.locator("#photo-alt")).to_have_value("Boats on a flooded street")
    page.click("#photo-form button[type=submit]")
    expect(page.locator("#photo-added")).to_contain_text(
        "“Boats on a flooded street” (Anupam Nath/Reuters)"
    )
    photo_page = page.locator("#photo-added a").get_attribute("href")
    hero = page.locator("#photos-chosen li", has=page.locator("input[name=hero_photo]:checked"))
    expect(hero).to_contain_text("Boats on a flooded street")
    page.locator(".editor__actions").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".notice--success")).to_have_text("Story saved.")
    edit_url, slug = page.url, page.input_value("#slug")
    article = f"{live_server.url}/article/{slug}"

    # Its focal point, typed on the photo's page.
    desk = page.context.new_page()
    desk.goto(live_server.url + photo_page)
    desk.get_by_label("Focal point: % from the left").fill("25")
    desk.get_by_label(re.compile("Focal point: % from the top")).fill("30")
    desk.get_by_role("button", name="Save photo").click()
    desk.goto(live_server.url + photo_page)
    expect(desk.get_by_label("Focal point: % from the left")).to_have_value(re.compile(r"^25"))
    expect(desk.get_by_label(re.compile("Focal point: % from the top"))).to_have_value(
        re.compile(r"^30")
    )
    desk.close()

    # 2. Preview: the reader's page in a frame, at a phone's and a desktop's width.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    preview = opened.value
    frame = preview.frame_locator(".preview-frame")
    expect(frame.locator(".story__headline")).to_have_text(HEADLINE)
    for label, width in (("A phone (375 px)", 375), ("A desktop (1280 px)", 1280)):
        preview.get_by_label(label).check()
        expect(frame.locator(".story__headline")).to_be_visible()
        expect(frame.locator(".story__hero img")).to_be_visible()
        assert preview.locator(".preview-frame").bounding_box()["width"] == width
    preview.close()

    # 3. Schedule on her clock: the minute after next in Bangkok.
    now = datetime.now(UTC)
    instant = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
    local = instant.astimezone(BANGKOK)
    page.fill("#published_at", local.strftime("%Y-%m-%dT%H:%M"))
    line = page.locator("#publish-line")
    expect(line).to_contain_text(f"{local:%H:%M} ICT (Bangkok)")
    expect(line).to_contain_text(f"{instant:%H:%M} UTC")
    publish = page.locator("#publish-button")
    expect(publish).to_have_text(re.compile(rf"^Schedule for .*{local:%H:%M} ICT$"))
    publish.click()
    expect(page.locator(".notice--success")).to_contain_text(f"{local:%H:%M} ICT")
    assert status_of(article) == 404, "not before its time"

    # 6. While it waits: a second editor opens the story; each sees the other.
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    second = other.new_page()
    sign_in(second, live_server, "mei@example.org", "Mei Lin Tan")
    second.goto(edit_url)
    expect(second.locator("#story-presence")).to_contain_text(
        re.compile(r"Ploy Srisai is editing since \d\d:\d\d")
    )
    expect(page.locator("#story-presence")).to_contain_text(
        re.compile(r"Mei Lin Tan is editing since \d\d:\d\d"), timeout=20_000
    )
    other.close()

    # 3, continued: readers get it from that instant, not before.
    assert datetime.now(UTC) < instant, "the presence check took too long to watch the instant"
    while (code := status_of(article)) == 404:
        assert datetime.now(UTC) < instant + timedelta(seconds=10), "not live 10 s after its time"
        time.sleep(0.25)
    went_live = datetime.now(UTC)
    assert code == 200
    assert went_live >= instant, f"live at {went_live:%H:%M:%S}, scheduled for {instant:%H:%M}"

    # 4. An update and a correction, from the log beside the form. JSON-LD gives times to the
    # second: a second after going live, "dateModified" can be seen to move.
    time.sleep(max(0.0, (instant + timedelta(seconds=1.2) - datetime.now(UTC)).total_seconds()))
    page.goto(edit_url)
    log = page.locator("#update-log")
    notes = (
        ("update", "Update: new information", "Updated with the ferry timetable from the BMTA."),
        (
            "correction",
            "Correction: we got something wrong",
            "An earlier version misnamed the pier.",
        ),
    )
    for _kind, label, text in notes:
        log.get_by_label(label).check()
        log.get_by_label("Note for readers").fill(text)
        log.get_by_role("button", name="Add to the story").click()
        expect(page.locator("#update-log-status")).to_contain_text("added")
        expect(page.locator("#update-log .update-log__entry").last).to_contain_text(text)
    reader = browser.new_context()
    story_page = reader.new_page()
    story_page.goto(article)
    entries = story_page.locator("#updates .update-log__entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text(notes[0][2])
    expect(entries.nth(1)).to_contain_text(notes[1][2])
    ld = next(
        data
        for raw in story_page.locator("script[type='application/ld+json']").all_text_contents()
        if (data := json.loads(raw)).get("@type") == "NewsArticle"
    )
    assert datetime.fromisoformat(ld["datePublished"]) == instant
    assert [c["text"] for c in ld["correction"]] == [notes[1][2]]
    assert ld["dateModified"] == ld["correction"][0]["datePublished"], "moved to the latest note"
    assert datetime.fromisoformat(ld["dateModified"]) > instant
    reader.close()

    # 5. Edit the headline, compare the two versions, restore the earlier one.
    page.fill("#headline", EDITED)
    page.locator(".editor__actions").get_by_role("button", name="Save", exact=True).click()
    # A scheduled story keeps its status once live: its save says "Story scheduled for …".
    expect(page.locator(".notice--success")).to_have_text(re.compile(r"^Story (saved|scheduled)"))
    expect(page.locator("#headline")).to_have_value(EDITED)
    page.get_by_role("link", name=re.compile(r"^Revisions \(")).click()
    page.locator("tbody tr").first.get_by_role("link", name=re.compile("^Compare with")).click()
    expect(page.locator("del", has_text="ferries").first).to_be_visible()
    expect(page.locator("ins", has_text="longtail").first).to_be_visible()
    page.get_by_role("button", name=re.compile("^Restore revision")).click()
    expect(page.locator(".notice--success")).to_contain_text("restored")
    expect(page.locator("#headline")).to_have_value(HEADLINE)

    # The form as the desk sees it now, at both widths.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 812), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(edit_url)
        # Every swap on load done first: an htmx swap during a screenshot copies the style
        # Playwright puts on inputs to hide the caret, which the CSP refuses (a console error).
        for kind in ("countries", "authors", "tags"):
            expect(page.locator(f"input#{kind}[role=combobox]")).to_be_attached()
        expect(page.locator("#preview")).to_contain_text("Ferries carried commuters")
        page.screenshot(path=str(SCREENSHOTS / f"story-form-{width}-written.png"))
        page.screenshot(path=str(ARTIFACTS / f"desk-walk-{width}-full.png"), full_page=True)
