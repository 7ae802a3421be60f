"""The photo desk after the upload: a focal point that every crop is centred on (and the social
image is cut from), words editable and audited, a library searchable by keyword, credits shown
with the photo, and deletion only of photos that no story uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from extensions import db
from newsroom.models import AuditEntry, Photo
from tests.factories import PhotoFactory, make_story
from tests.helpers import form_values, sign_in
from tests.newsroom.photo_files import BLUE, RED, near, quadrant_jpeg


@pytest.fixture
def writer(client, newsroom):
    assert sign_in(client, "writer").status_code == 302
    return client


def media(app, name: str) -> Path:
    return Path(app.config["MEDIA_ROOT"]) / name


def loaded(*rows):
    """The rows with their columns read, so they can be used after the app context ends."""
    for row in rows:
        db.session.refresh(row)
    return rows if len(rows) > 1 else rows[0]


def photo(query, ident: int) -> Photo:
    return query(lambda: db.session.get(Photo, ident))


def set_focal(client, ident: int, x: int, y: int, **words):
    form = form_values(client.get(f"/admin/photos/{ident}").text, "photo-edit-form")
    form.update(focal_x=str(x), focal_y=str(y), **words)
    return client.post(f"/admin/photos/{ident}", data=form)


def top_left_colour(app, stored: Photo, shape: str):
    """The colour a quarter of the way in from the top-left corner of the photo's 320-wide crop."""
    with PILImage.open(media(app, stored.crop_name(shape, 320, "jpg"))) as image:
        return image.convert("RGB").getpixel((image.width // 4, image.height // 4))


# --- the focal point ----------------------------------------------------------------------------


def test_every_crop_is_centred_on_the_focal_point_the_editor_sets(app, writer, query):
    ident = query(lambda: PhotoFactory(data=quadrant_jpeg()).id)
    for x, colour in ((5, RED), (95, BLUE), (5, RED)):
        before = photo(query, ident)
        old_files = {before.crop_name("16x9", 320, "jpg"), before.social_name()}
        assert set_focal(writer, ident, x, 10).status_code == 303
        after = photo(query, ident)
        assert (after.focal_x, after.focal_y) == (x / 100, 0.1)
        for shape in ("16x9", "1x1", "4x5"):
            assert near(top_left_colour(app, after, shape), colour), (x, shape)
            with PILImage.open(media(app, after.crop_name(shape, 320, "jpg"))) as image:
                assert image.size == (320, after.crop_height(shape, 320))
        assert after.crop_tag != before.crop_tag, "new names: media files are cached for good"
        assert not any(media(app, name).exists() for name in old_files), "old crops removed"


def test_without_javascript_the_focal_point_is_two_numbers_and_bad_ones_are_refused(writer, query):
    ident = query(lambda: PhotoFactory(data=quadrant_jpeg()).id)
    page = writer.get(f"/admin/photos/{ident}").text
    assert 'type="number"' in page and "focal-point.js" in page
    refused = set_focal(writer, ident, 140, 10, caption="A caption being typed")
    assert refused.status_code == 422
    assert "Give a number from 0 to 100." in refused.text
    assert 'value="A caption being typed"' in refused.text
    assert photo(query, ident).focal_x == 0.5


def test_the_social_image_is_a_1200_wide_16_9_crop_around_the_focal_point(app, client, query):
    def build():
        hero = PhotoFactory(data=quadrant_jpeg(), focal_x=0.95, focal_y=0.1)
        make_story(headline="Blue skies over the Mekong delta", hero_photo_id=hero.id)
        return hero.id

    ident = query(build)
    html = client.get("/article/blue-skies-over-the-mekong-delta").text
    url = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="675">' in html
    stored = photo(query, ident)
    assert url.endswith("/media/" + stored.social_name())
    with PILImage.open(media(app, stored.social_name())) as image:
        assert image.size == (1200, 675)
    article = json.loads(re.search(r'ld\+json">(.*?)</script>', html).group(1))
    assert article["image"][0]["url"] == url and article["image"][0]["width"] == 1200
    assert {(i["width"], i["height"]) for i in article["image"]} >= {(1200, 675), (1000, 1000)}


def test_a_small_photo_still_gives_social_sites_1200_pixels(app, query):
    stored = query(lambda: loaded(PhotoFactory(width=800, height=600)))
    with PILImage.open(media(app, stored.social_name())) as image:
        assert image.size == (1200, 675)
    assert max(stored.crop_widths["16x9"]) == 800, "pages are never sent enlarged crops"


def test_cards_show_the_16_9_crop_and_a_photo_from_before_crops_shows_whole(client, query):
    def build():
        cropped = PhotoFactory(credit="Anupam Nath/Reuters")
        old = PhotoFactory(alt="An old photo without crops")
        old.crop_tag, old.crop_widths = "", {}
        db.session.commit()
        make_story(headline="Floods close schools in Assam", hero_photo_id=cropped.id)
        make_story(headline="An older story with an older photo", hero_photo_id=old.id)
        return loaded(cropped, old)

    cropped, old = query(build)
    html = client.get("/latest").text
    assert cropped.crop_name("16x9", 320, "jpg") in html
    assert f"/media/{old.key}-640.jpg" in html and f"{old.key}-16x9" not in html
    story = client.get("/article/an-older-story-with-an-older-photo").text
    og = re.search(r'<meta property="og:image" content="([^"]+)"', story).group(1)
    assert og.endswith(f"/media/{old.key}-1200.jpg"), "the social image is the whole photo"


def test_the_credit_goes_with_the_photo_on_the_page_the_front_page_and_the_feed(client, query):
    def build():
        hero = PhotoFactory(credit="Anupam Nath/Reuters", caption="Boats in Guwahati")
        extra = PhotoFactory(credit="Mei Lin Tan/AFP")
        make_story(
            headline="Rescuers reach flooded villages",
            hero_photo_id=hero.id,
            gallery_ids=[extra.id],
            is_featured=True,
        )

    query(build)
    page = client.get("/article/rescuers-reach-flooded-villages").text
    assert '<span class="credit">Anupam Nath/Reuters</span>' in page
    assert '<span class="credit">Mei Lin Tan/AFP</span>' in page, "the gallery's credit"
    home = client.get("/").text
    assert 'class="story-card__credit credit">Anupam Nath/Reuters</p>' in home, "the lead card"
    assert "Anupam Nath/Reuters</media:credit>" in client.get("/feed.rss").text


# --- words, audited -----------------------------------------------------------------------------


def test_an_editor_changes_a_photos_words_and_the_change_is_audited(writer, query):
    ident = query(lambda: PhotoFactory(alt="A market", caption="").id)
    saved = set_focal(
        writer, ident, 50, 50, alt="Night market in Taipei", caption="Shilin market", credit="Staff"
    )
    assert saved.status_code == 303
    page = writer.get(saved.headers["Location"]).text
    assert "Saved: alt, caption, credit." in page
    stored = photo(query, ident)
    assert (stored.alt, stored.caption, stored.credit) == (
        "Night market in Taipei",
        "Shilin market",
        "Staff",
    )
    entry = query(lambda: AuditEntry.about(stored, limit=1)[0])
    assert entry.action == "edit" and "caption" in entry.summary


def test_an_empty_alt_text_is_refused_and_what_was_typed_stays(writer, query):
    ident = query(lambda: PhotoFactory(alt="A market").id)
    refused = set_focal(writer, ident, 50, 50, alt="", caption="New caption typed")
    assert refused.status_code == 422
    assert "Describe the photo for readers who cannot see it." in refused.text
    assert 'value="New caption typed"' in refused.text
    assert photo(query, ident).alt == "A market"


# --- the library searches keywords --------------------------------------------------------------


def test_the_library_and_the_picker_find_photos_by_keyword(writer, query, htmx):
    def build():
        flood = PhotoFactory(alt="Boats", keywords="monsoon, Assam, rescue")
        PhotoFactory(alt="Tea garden", keywords="tea, Darjeeling")
        return flood.id

    flood = query(build)
    found = writer.get("/admin/photos?q=assam").text
    assert f"#{flood} · " in found and "Tea garden" not in found
    assert "monsoon, Assam, rescue" in found, "the keywords are shown"
    assert f'href="/admin/photos/{flood}"' in found, "each photo opens its page"
    assert "-1x1-" in found, "square thumbnails"
    picker = writer.get("/admin/photos/choose?photo_q=monsoon", headers=htmx).text
    assert f'name="hero_photo" value="{flood}"' in picker and "Tea garden" not in picker


# --- deleting: only what no story uses ----------------------------------------------------------


@pytest.fixture
def photos_in_use(query):
    def build():
        hero, in_gallery, unused = PhotoFactory(), PhotoFactory(), PhotoFactory()
        make_story(headline="Typhoon nears Luzon", hero_photo_id=hero.id)
        make_story(
            headline="Draft photo story", status="draft", kind="photo", gallery_ids=[in_gallery.id]
        )
        return loaded(hero, in_gallery, unused)

    return query(build)


def test_a_photo_in_use_says_where_and_cannot_be_deleted(app, signed_in, photos_in_use, query):
    editor = signed_in("editor")
    hero, in_gallery, _ = photos_in_use
    for stored, story, use in (
        (hero, "Typhoon nears Luzon", "hero photo"),
        (in_gallery, "Draft photo story", "in the gallery"),
    ):
        page = editor.get(f"/admin/photos/{stored.id}").text
        assert story in page and use in page
        assert "Delete this photo" not in page
        refused = editor.post(f"/admin/photos/{stored.id}/delete")
        assert refused.status_code == 409
        assert "used by 1 story" in refused.text and story in refused.text
        assert photo(query, stored.id) is not None
        assert media(app, f"{stored.key}-original.jpg").exists()


def test_a_writer_sees_where_a_photo_is_used_without_colleagues_drafts(signed_in, photos_in_use):
    hero, in_gallery, _ = photos_in_use
    writer = signed_in("writer")
    published = writer.get(f"/admin/photos/{hero.id}").text
    assert 'href="/article/typhoon-nears-luzon">Typhoon nears Luzon' in published, "readers see it"
    page = writer.get(f"/admin/photos/{in_gallery.id}").text
    assert "Draft photo story" not in page, "a colleague's draft is not the writer's to read"
    assert "1 story by colleagues that you cannot open" in page
    assert "No story uses this photo." not in page


def test_an_unused_photo_is_deleted_with_its_files(app, signed_in, photos_in_use, query):
    _, _, unused = photos_in_use
    editor = signed_in("editor")
    page = editor.get(f"/admin/photos/{unused.id}").text
    assert "No story uses this photo." in page and "Delete this photo" in page
    response = editor.post(f"/admin/photos/{unused.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/photos"
    assert photo(query, unused.id) is None
    assert not list(Path(app.config["MEDIA_ROOT"]).glob(f"{unused.key}-*"))
    deleted = query(
        lambda: db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "delete", AuditEntry.subject_type == "photo"
            )
        ).all()
    )
    assert [e.subject_id for e in deleted] == [unused.id]


def test_a_writer_may_not_delete_photos(writer, photos_in_use, query):
    _, _, unused = photos_in_use
    assert writer.post(f"/admin/photos/{unused.id}/delete").status_code == 403
    assert photo(query, unused.id) is not None
