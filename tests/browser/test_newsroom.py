"""An editor in a real browser: sign in, write a story with a photo, publish, find it on the front."""

from __future__ import annotations

import io

from PIL import Image as PILImage
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD


def test_editor_writes_a_story_with_a_photo_and_publishes_it(page, live_server, tmp_path):
    live_server.python(
        "from web.auth import hash_password\nfrom extensions import db\nfrom newsroom.models import User\n"
        "db.session.add(User(email='desk@example.org', name='Desk Editor', role='editor',"
        f" password_hash=hash_password({PASSWORD!r})))\ndb.session.commit()\n"
    )
    photo = tmp_path / "harbour.jpg"
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), (20, 90, 140)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(live_server.url + "/admin/login?next=/admin/?")
    page.fill("#email", "desk@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Good to see you, Desk Editor")

    page.goto(live_server.url + "/admin/stories/new")
    page.fill("#headline", "Busan port opens automated container terminal")
    page.fill("#standfirst", "The terminal doubles the port's capacity for the largest ships.")
    page.fill("#dateline", "Busan")
    page.select_option("#dateline_country", label="South Korea")
    page.select_option("#section", label="Business")
    for picker, name in (("countries", "South Korea"), ("authors", "Joon Park")):
        box = page.locator(f"input#{picker}[role=combobox]")  # the chip picker, once htmx runs
        box.press_sequentially(name)
        expect(page.locator(f"#{picker}-options [role=option]").first).to_have_text(name)
        box.press("Enter")
        expect(page.locator(f"#{picker}-picker .picker__chip span")).to_have_text([name])
    page.fill(
        "#body",
        'Cranes began moving boxes without drivers on Monday.\n\n"It runs day and night," said a port official.',
    )
    expect(page.locator("#preview")).to_contain_text(
        "BUSAN — Cranes began moving boxes", timeout=5000
    )

    page.set_input_files("#photo-photo", str(photo))
    page.fill("#photo-alt", "Automated cranes over stacked containers at Busan")
    page.fill("#photo-credit", "Staff photographer")
    page.click("#photo-form button[type=submit]")
    expect(page.locator("#photo-added")).to_be_visible()
    hero = page.locator("#photos-chosen li", has=page.locator("input[name=hero_photo]:checked"))
    expect(hero).to_contain_text("Automated cranes")

    page.click("button[value=publish]")
    expect(page.locator(".notice--success")).to_have_text("Story published.")
    # Every swap on load done first: an htmx swap during a screenshot copies the style
    # Playwright puts on inputs to hide the caret, which the CSP refuses (a console error).
    for kind in ("countries", "authors", "tags"):
        expect(page.locator(f"input#{kind}[role=combobox]")).to_be_attached()
    expect(page.locator("#preview")).to_contain_text("BUSAN")
    page.screenshot(path=str(ARTIFACTS / "admin-story-1280.png"), full_page=True)

    page.goto(live_server.url + "/")
    link = page.locator("a", has_text="Busan port opens automated container terminal").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_have_text("Busan port opens automated container terminal")
    hero = page.locator(".story__hero img")
    expect(hero).to_have_attribute("alt", "Automated cranes over stacked containers at Busan")
    assert "1024w" in hero.get_attribute("srcset")
    expect(page.locator(".story__body")).to_contain_text("BUSAN —")
