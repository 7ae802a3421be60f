"""Photos in the newsroom: the story's pickers keep and reach every photo, the library pages
through all of them, and uploads take what a phone produces and refuse the rest readably."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from extensions import db
from newsroom.models import Photo, Story, utcnow
from tests.factories import make_story
from tests.helpers import (
    form_values,
    image_rows,
    media_files,
    photo_bytes,
    sign_in,
    story_data,
    upload,
)

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

# --- a library of more photos than one page of anything -----------------------------------------


def add_photos(count: int, *, alt="Market stall", days_ago=0) -> list[int]:
    """Photo rows without files (pages only link to them): a large library, cheaply."""
    start = utcnow() - timedelta(days=days_ago)
    rows = [
        Photo(
            key=f"lib{n:05d}{start.timestamp():.0f}",
            width=1600,
            height=1067,
            variant_widths=[320, 640, 1024, 1600],
            alt=f"{alt} {n}",
            caption="",
            credit="Staff",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


@pytest.fixture
def old_story(app, query):
    """A story from years ago whose hero and gallery are old photos, under 130 newer ones."""

    def build():
        old = add_photos(3, alt="Lantern festival in Hoi An", days_ago=3 * 365)
        add_photos(130)
        story = make_story(
            headline="Lantern festival draws record crowds to Hoi An",
            hero_photo_id=old[0],
            gallery_ids=[old[2], old[0], old[1]],
        )
        return story.id, old

    return query(build)


def photos_of(query, ident: int) -> tuple:
    story = query(lambda: db.session.get(Story, ident))
    return story.hero_photo_id, list(story.gallery_ids)


def test_saving_an_old_story_after_a_typo_fix_keeps_its_hero_and_gallery(editor, old_story, query):
    ident, old = old_story
    page = editor.get(f"/admin/stories/{ident}").text
    form = form_values(page)
    form.update(headline="Lantern festival draws record crowds in Hoi An", action="save")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    story = query(lambda: db.session.get(Story, ident))
    assert story.headline == "Lantern festival draws record crowds in Hoi An"
    assert (story.hero_photo_id, story.gallery_ids) == (old[0], [old[2], old[0], old[1]])
    assert "Lantern festival in Hoi An 0" in page, "the chosen hero is shown, however old"


def test_a_form_without_the_photo_fields_leaves_the_photos_alone(editor, old_story, query):
    ident, old = old_story
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    del form["hero_photo"], form["gallery"]
    form.update(headline="Lantern festival draws record crowds", action="save")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    assert photos_of(query, ident) == (old[0], [old[2], old[0], old[1]])


def test_the_editor_can_change_the_hero_and_empty_the_gallery(editor, old_story, query):
    ident, old = old_story
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    form.update(hero_photo=str(old[1]), gallery="0", action="save")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    assert photos_of(query, ident) == (old[1], [])


def test_the_picker_search_finds_an_old_photo_by_words_or_number(editor, old_story, htmx):
    _, old = old_story
    found = editor.get("/admin/photos/choose?photo_q=lantern+festival+in+hoi+an+2", headers=htmx)
    assert found.status_code == 200 and "<html" not in found.text
    assert f'name="hero_photo" value="{old[2]}"' in found.text
    assert f'name="gallery" value="{old[2]}"' in found.text
    assert "/media/" in found.text, "each result has its thumbnail"
    by_number = editor.get(f"/admin/photos/choose?photo_q=%23{old[1]}", headers=htmx).text
    assert f'name="hero_photo" value="{old[1]}"' in by_number
    nothing = editor.get("/admin/photos/choose?photo_q=no+such+photo+anywhere", headers=htmx).text
    assert "No photo matches “no such photo anywhere”." in nothing


def test_the_picker_pages_through_every_photo(editor, old_story, htmx, query):
    """'More photos' walks the whole library, twelve at a time, down to the oldest photo."""
    url, seen = "/admin/photos/choose", []
    while url:
        text = editor.get(url, headers=htmx).text
        seen += [int(i) for i in re.findall(r'name="hero_photo" value="(\d+)"', text)]
        more = re.search(r'hx-get="([^"]+)" hx-target="this"', text)
        url = more.group(1).replace("&amp;", "&") if more else None
    everything = query(
        lambda: list(db.session.scalars(sa.select(Photo.id).order_by(Photo.id.desc())))
    )
    assert seen == everything


def test_without_javascript_find_photos_shows_the_form_again_with_results_and_saves_nothing(
    editor, old_story, query
):
    ident, old = old_story
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    form.update(headline="An unsaved new headline", photo_q="Hoi An 1", action="find-photos")
    response = editor.post(f"/admin/stories/{ident}", data=form)
    assert response.status_code == 200
    assert "Not saved yet" in response.text
    assert 'value="An unsaved new headline"' in response.text, "what was typed stays"
    results = response.text[response.text.index('id="photo-results"') :]
    assert f'name="hero_photo" value="{old[1]}"' in results
    assert query(lambda: db.session.get(Story, ident).headline).startswith("Lantern festival")
    again = form_values(response.text)
    assert again["hero_photo"] == str(old[0]), "the hero chosen before is still chosen"


def test_the_media_library_pages_reach_the_oldest_photo(editor, old_story, query):
    url, seen = "/admin/photos", []
    while url:
        response = editor.get(url)
        assert response.status_code == 200
        seen += [int(i) for i in re.findall(r"#(\d+) · ", response.text)]
        older = re.search(r'rel="next" href="([^"]+)"', response.text)
        url = older.group(1).replace("&amp;", "&") if older else None
    everything = query(
        lambda: list(db.session.scalars(sa.select(Photo.id).order_by(Photo.id.desc())))
    )
    assert len(everything) > 130
    assert seen == everything


def test_the_media_library_searches_alt_text_and_numbers(editor, old_story):
    _, old = old_story
    found = editor.get("/admin/photos?q=lantern").text
    assert all(f"#{i} · " in found for i in old)
    assert "Market stall" not in found
    assert f"#{old[1]} · " in editor.get(f"/admin/photos?q={old[1]}").text


@pytest.mark.parametrize("before", ["x", "-1", "1" * 40, "²"])
def test_a_bad_library_page_link_is_a_400(editor, before):
    assert editor.get("/admin/photos", query_string={"before": before}).status_code == 400


# --- photo numbers that name no photo -----------------------------------------------------------

BAD_PHOTO_IDS = ["99999", "99999999999999999999", "2147483648", "abc", "-3", "1.5"]


@pytest.mark.parametrize("value", BAD_PHOTO_IDS)
@pytest.mark.parametrize(
    "name,label", [("hero_photo", "hero photo"), ("gallery", "gallery photos")]
)
def test_a_photo_number_that_names_no_photo_is_a_422_naming_the_field(
    editor, query, name, label, value
):
    response = editor.post("/admin/stories/new", data=story_data(**{name: value}))
    assert response.status_code == 422
    assert label in response.text
    assert "web address" not in response.text
    assert 'value="Monsoon floods cut rail links across Assam"' in response.text
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Story)
                .where(Story.headline.like("Monsoon floods%"))
            )
        )
        == 0
    )


def test_a_gallery_of_more_than_forty_photos_is_refused_not_cut_short(editor, query):
    ids = query(lambda: add_photos(41))
    response = editor.post("/admin/stories/new", data=story_data(gallery=[str(i) for i in ids]))
    assert response.status_code == 422
    assert "at most 40 gallery photos" in response.text


# --- uploads: phone photos in, the rest out with a readable answer -------------------------------


@pytest.fixture
def private_media(make_app, tmp_path, newsroom):
    """A writer's client on an app whose media root starts empty, so leftovers can be counted."""
    app = make_app(MEDIA_ROOT=str(tmp_path / "media"))
    client = app.test_client()
    sign_in(client, "writer")
    return app, client


def phone_photo() -> bytes:
    """A 4000x3000 JPEG of a few MB, like a phone's: noise keeps it from compressing small."""
    noise = PILImage.effect_noise((4000, 3000), 24)
    image = PILImage.merge("RGB", (noise, noise.rotate(180), noise.transpose(0)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def test_a_phone_photo_is_accepted(private_media):
    app, client = private_media
    data = phone_photo()
    assert 2 * 1024 * 1024 < len(data) < 25 * 1024 * 1024
    response = close(upload(client, data))
    assert response.status_code == 303
    with app.app_context():
        image = db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()
        assert (image.width, image.height) == (4000, 3000)
        assert image.variant_widths == [320, 640, 1024, 1600]


def test_the_upload_forms_say_the_limit(editor):
    for url in ("/admin/photos", "/admin/stories/new"):
        assert "up to 25 MB and 40 megapixels" in editor.get(url).text, url


def close(response):
    # The test client spools large bodies to a temporary file; close it here.
    response.request.environ["wsgi.input"].close()
    return response


@pytest.mark.parametrize(
    "size",
    [25 * 1024 * 1024 + 1, 30 * 1024 * 1024],
    ids=["a photo just over the limit", "a body over the request limit"],
)
def test_a_photo_too_large_gets_a_readable_413_that_keeps_the_form(private_media, htmx, size):
    app, client = private_media
    data = b"\xff\xd8" + b"0" * size
    page = close(upload(client, data))
    assert page.status_code == 413
    assert "Photos can be up to 25 MB" in page.text or "photos can be up to 25 MB" in page.text
    assert 'id="photo-form"' in page.text and 'id="photo-library"' in page.text
    fragment = close(
        client.post(
            "/admin/photos",
            data={"photo-photo": (io.BytesIO(data), "big.jpg"), "photo-alt": "Big"},
            content_type="multipart/form-data",
            headers=htmx,
        )
    )
    assert fragment.status_code == 413
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert "up to 25 MB" in fragment.text
    assert media_files(app) == set()


def test_other_forms_keep_their_small_body_limit(client):
    huge = close(client.post("/contact", data={"message": "x" * (3 * 1024 * 1024)}))
    assert huge.status_code == 413


def test_too_many_pixels_names_the_limit(private_media):
    app, client = private_media
    response = upload(client, photo_bytes("PNG", size=(8000, 6000)), filename="x.png")
    assert response.status_code == 422
    assert "40 megapixels" in response.text
    assert media_files(app) == set()


def test_the_story_forms_upload_panel_sends_refusals_to_its_status_line(editor):
    """htmx 4 swaps error responses: any refusal but a form to correct goes beside the panel."""
    page = editor.get("/admin/stories/new").text
    start = page.index('<form id="photo-form"')
    panel = page[start : page.index("</form>", start)]
    assert 'hx-status:4xx="target:#photo-form-status swap:innerHTML"' in panel
    assert 'hx-status:5xx="target:#photo-form-status swap:innerHTML"' in panel
    assert 'id="photo-form-status"' in panel


# --- very wide or very tall photos, and no files left behind ------------------------------------


@pytest.mark.parametrize("size", [(20000, 10), (10, 20000), (3000, 200)])
def test_a_very_wide_or_tall_photo_is_a_readable_422_leaving_no_files(private_media, size):
    app, client = private_media
    rows_before = image_rows(app)
    response = upload(client, photo_bytes("PNG", size=size), filename="strip.png")
    assert response.status_code == 422
    assert "at most 10 times the other" in response.text
    assert media_files(app) == set()
    assert image_rows(app) == rows_before


def test_a_failure_while_resizing_leaves_no_files(private_media, monkeypatch):
    app, client = private_media
    from newsroom import photos as media

    real, calls = media._encode, {"n": 0}

    def fail_third(image, fmt):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValueError("encoder refused")
        return real(image, fmt)

    monkeypatch.setattr(media, "_encode", fail_third)
    response = upload(client, photo_bytes())
    assert response.status_code == 422
    assert "could not be resized" in response.text
    assert media_files(app) == set()


def test_a_failure_to_save_the_row_leaves_no_files(private_media, monkeypatch):
    app, client = private_media
    from newsroom.models import AuditEntry

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(AuditEntry, "record", broken)
    rows_before = image_rows(app)
    response = upload(client, photo_bytes())
    assert response.status_code == 500
    assert media_files(app) == set()
    assert image_rows(app) == rows_before
