"""An editor's photos in a real browser: the picker finds an old photo as they type, a save keeps
the story's photos, an oversized upload is refused beside the panel without losing the story, and
the library pages down to its oldest photo. Screenshots at phone and desktop widths."""

from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD, serious_axe_violations
from tests.helpers import sign_in_browser as sign_in

SETUP = f"""
import json, shutil
from pathlib import Path
from datetime import timedelta
import sqlalchemy as sa
from web.auth import hash_password
from extensions import db
from newsroom.models import Story, Photo, User, utcnow
db.session.add(User(email='desk@example.org', name='Desk Editor', role='editor',
                    password_hash=hash_password({PASSWORD!r})))
story = db.session.scalars(sa.select(Story).where(Story.kind == 'photo')
                           .order_by(Story.id)).first()
oldest = db.session.scalars(sa.select(Photo).order_by(Photo.id)).first()
story.hero_photo_id = oldest.id
source = db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()
media = Path(app.config['MEDIA_ROOT'])
for n in range(130):
    key = f'market{{n:04d}}'
    shutil.copy(media / source.variant_name(320, 'jpg'), media / f'{{key}}-320.jpg')
    shutil.copy(media / source.variant_name(320, 'webp'), media / f'{{key}}-320.webp')
    db.session.add(Photo(key=key, width=source.width, height=source.height, variant_widths=[320],
                         alt=f'Night market stall {{n}}', credit='Staff',
                         created_at=utcnow() - timedelta(minutes=200 - n)))
db.session.commit()
print(json.dumps({{'story': story.id, 'hero': story.hero_photo_id, 'gallery': story.gallery_ids,
                  'oldest': oldest.id, 'oldest_alt': oldest.alt}}))
"""


@pytest.fixture
def live_server_env(demo_database, tmp_path):
    """A copy of the demo's photos, so this test can add files to its library."""
    media = tmp_path / "media-copy"
    shutil.copytree(demo_database.base / "media", media)
    return {"HTTP_MAX_AGE": "0", "MEDIA_ROOT": str(media)}


def story_photos(live_server, ident):
    out = live_server.python(
        "import json\nfrom extensions import db\nfrom newsroom.models import Story\n"
        f"s = db.session.get(Story, {ident})\n"
        "print(json.dumps([s.headline, s.hero_photo_id, s.gallery_ids]))\n"
    )
    return json.loads(out)


def test_an_old_storys_photos_are_kept_found_and_saved(page, live_server, tmp_path):
    facts = json.loads(live_server.python(SETUP).strip().splitlines()[-1])
    sign_in(page, live_server)
    url = f"{live_server.url}/admin/stories/{facts['story']}"
    page.goto(url)

    chosen = page.locator("#photos-chosen")
    hero = chosen.locator("li", has=page.locator("input[name=hero_photo]:checked"))
    expect(hero).to_contain_text(facts["oldest_alt"])
    ticked = chosen.locator("input[name=gallery]:checked")
    expect(ticked).to_have_count(len(facts["gallery"]))

    # Type-ahead: a word from an old photo's alt text finds it among 150 photos.
    word = facts["oldest_alt"][:30].strip()
    page.fill("#photo-q", word)
    results, count = page.locator("#photo-results"), page.locator("#photo-results-count")
    expect(count).to_contain_text(f"matching “{word}”")
    expect(results.locator(f"input[name=hero_photo][value='{facts['oldest']}']")).to_have_count(1)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the story form overflows by {overflow}px at {width}px"
        page.locator("#photo-picker").screenshot(path=str(ARTIFACTS / f"photo-picker-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # Twelve at a time: "More photos" adds the next twelve below, on the same page.
    page.fill("#photo-q", "Night market")
    expect(count).to_contain_text("matching “Night market”")
    expect(results.locator("input[name=gallery]")).to_have_count(12)
    results.get_by_role("link", name="More photos").click()
    expect(results.locator("input[name=gallery]")).to_have_count(24)
    assert len(page.context.pages) == 1

    # Add a found photo to the gallery with the keyboard, fix a typo, save: nothing else moves.
    page.fill("#photo-q", "Night market stall 7")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.press("#photo-q", "Enter")  # searches; never saves or reloads the story
    expect(count).to_contain_text("matching “Night market stall 7”")
    found = results.locator("li", has_text="Night market stall 7 (#")
    box = found.locator("input[name=gallery]")
    expect(box).to_be_visible()
    added = int(box.get_attribute("value"))
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    assert navigations == [], "Enter in the photo search neither saved nor reloaded the story"
    headline = page.input_value("#headline")
    page.fill("#headline", headline + " ")
    page.fill("#headline", headline)
    page.focus("#headline")
    page.keyboard.press("Enter")  # Enter in a one-line field saves, as it always has
    expect(page.locator(".notice--success")).to_have_text("Story saved.")
    saved = story_photos(live_server, facts["story"])
    assert saved == [headline, facts["hero"], [*facts["gallery"], added]]

    # An oversized photo is refused beside the panel; the story form keeps what was typed.
    page.fill("#headline", "A headline typed but not yet saved")
    big = tmp_path / "too-big.jpg"
    big.write_bytes(b"\xff\xd8" + b"0" * (25 * 1024 * 1024 + 1000))
    page.set_input_files("#photo-photo", str(big))
    page.fill("#photo-alt", "A photo that is far too large")
    page.click("#photo-form button[type=submit]")
    expect(page.locator("#photo-form-status")).to_contain_text("up to 25 MB", timeout=20_000)
    expect(page.locator("#headline")).to_have_value("A headline typed but not yet saved")
    expect(page.locator("#photo-alt")).to_have_value("A photo that is far too large")
    page.screenshot(path=str(ARTIFACTS / "photo-upload-refused-1280.png"), full_page=True)


def test_the_media_library_pages_down_to_the_oldest_photo(page, live_server):
    facts = json.loads(live_server.python(SETUP).strip().splitlines()[-1])
    sign_in(page, live_server)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/admin/photos")
        expect(page.locator("#photo-form")).to_contain_text("up to 25 MB and 40 megapixels")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the library overflows by {overflow}px at {width}px"
        page.screenshot(path=str(ARTIFACTS / f"media-library-{width}.png"), full_page=True)
    pages = 1
    while page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
        pages += 1
    assert pages >= 3
    expect(page.locator("#photo-library")).to_contain_text(f"#{facts['oldest']} ·")
    page.fill("input[name=q]", facts["oldest_alt"][:30].strip())
    page.click("form[role=search] button")
    expect(page.locator("#photo-library")).to_contain_text(facts["oldest_alt"])


def test_the_picker_and_the_library_have_no_serious_axe_violations(browser, live_server):

    facts = json.loads(live_server.python(SETUP).strip().splitlines()[-1])
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/stories/{facts['story']}")
    page.fill("#photo-q", "Night market")
    expect(page.locator("#photo-results-count")).to_contain_text("matching “Night market”")
    problems = serious_axe_violations(page)
    page.goto(live_server.url + "/admin/photos?q=market")
    problems += serious_axe_violations(page)
    context.close()
    assert not problems, "\n".join(problems)
