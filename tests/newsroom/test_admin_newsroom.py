"""A day in the newsroom: write, review, schedule, publish, correct; photos; ticker; inbox; people."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from extensions import db
from newsroom.models import (
    AuditEntry,
    ContactMessage,
    Photo,
    Section,
    SlugRedirect,
    Story,
    TickerItem,
    utcnow,
)
from tests.factories import (
    AuthorFactory,
    StoryFactory,
    TickerItemFactory,
    story_form,
)
from tests.helpers import (
    checked_values,
    form_values,
    gps_exif,
    image_rows,
    media_files,
    photo_bytes,
    revision_of,
    save_over_each_other,
    sign_in,
    upload,
)

# Stories the tests below make and find again by their slug.
PYONGYANG = "Pyongyang rejects Tokyo's offer of talks as abductee issue stalls"
BANK_INDONESIA = "Bank Indonesia holds rates steady as rupiah steadies"
WHY_JAPAN = "Why a Japan-North Korea summit keeps slipping out of reach"


def make(query, **fields) -> tuple[int, str]:
    """A story made with StoryFactory: its id and slug."""

    def create():
        story = StoryFactory(**fields)
        return story.id, story.slug

    return query(create)


@pytest.fixture
def reader(app):
    """A reader's browser, separate from the signed-in editors."""
    return app.test_client()


@pytest.fixture
def writer(app, newsroom, signed_in):
    client = signed_in("writer")
    return client


@pytest.fixture
def form_data(query):
    """form_data(**fields): the story form (tests.helpers.story_data) naming this database's rows."""
    return lambda **fields: query(lambda: story_form(**fields))


def test_writer_drafts_and_submits_editor_publishes_readers_see_it(
    app, writer, editor, reader, query, form_data
):
    response = writer.post("/admin/stories/new", data=form_data())
    assert response.status_code == 303
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    slug = "monsoon-floods-cut-rail-links-across-assam"
    assert reader.get(f"/article/{slug}").status_code == 404, "drafts are hidden from readers"
    assert writer.get(f"/article/{slug}").status_code == 200, "the writer previews it in place"
    assert "Preview: this story is draft" in writer.get(f"/article/{slug}").text

    page = writer.get(f"/admin/stories/{ident}").text
    assert (
        writer.post(
            f"/admin/stories/{ident}", data=form_data(action="publish", revision=revision_of(page))
        ).status_code
        == 403
    )
    assert (
        writer.post(
            f"/admin/stories/{ident}", data=form_data(action="submit", revision=revision_of(page))
        ).status_code
        == 303
    )
    assert writer.get(f"/admin/stories/{ident}").status_code == 403, (
        "in review: the writer's part is done"
    )

    reader.get("/")  # the front page is cached now
    page = editor.get(f"/admin/stories/{ident}").text
    assert (
        editor.post(
            f"/admin/stories/{ident}", data=form_data(action="publish", revision=revision_of(page))
        ).status_code
        == 303
    )
    assert "Monsoon floods cut rail links across Assam" in reader.get("/").text
    article = reader.get(f"/article/{slug}")
    assert article.status_code == 200 and "<strong>GUWAHATI —</strong>" in article.text
    assert 'href="/tag/monsoon"' in article.text

    actions = query(
        lambda: [
            e.action
            for e in db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.subject_type == "story", AuditEntry.subject_id == ident)
                .order_by(AuditEntry.id)
            )
        ]
    )
    assert actions == ["create", "submit", "publish"]


def test_unpublishing_removes_the_story_from_every_reader_page(editor, reader, query):
    ident, slug = make(query, headline=PYONGYANG, dateline="SEOUL", countries=["south-korea"])
    for url in ("/", "/latest", f"/article/{slug}", "/country/south-korea"):
        page = reader.get(url)
        assert page.status_code == 200 and slug in page.text, url
    page = editor.get(f"/admin/stories/{ident}").text
    form = form_values(page)
    form.update(action="unpublish")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    assert reader.get(f"/article/{slug}").status_code == 404
    for url in ("/", "/latest", "/country/south-korea"):
        assert slug not in reader.get(url).text, url


def test_scheduled_story_goes_live_by_itself(editor, reader, query, form_data):
    when = (utcnow() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = editor.post(
        "/admin/stories/new", data=form_data(action="schedule", published_at=when)
    )
    assert response.status_code == 303
    slug = "monsoon-floods-cut-rail-links-across-assam"
    assert reader.get(f"/article/{slug}").status_code == 404

    def time_passes():
        story = db.session.scalar(sa.select(Story).where(Story.slug == slug))
        assert story.status == "scheduled"
        story.published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    query(time_passes)
    assert reader.get(f"/article/{slug}").status_code == 200


def test_scheduling_needs_a_future_time(editor, form_data):
    past = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = editor.post(
        "/admin/stories/new", data=form_data(action="schedule", published_at=past)
    )
    assert response.status_code == 422
    assert "Choose a time in the future" in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("headline", "", "This field is required."),
        ("slug", "Not A Slug!", "Use lower-case letters, digits and hyphens."),
        (
            "slug",
            "indias-instant-payments-system-passes-15-billion-transactions-a-month",
            "Another story already uses this address.",
        ),
        ("source_url", "javascript:alert(1)", "Give a full http:// or https:// address."),
        ("section", "999", "Choose a section."),
    ],
)
def test_invalid_story_forms_are_422_with_messages_and_nothing_saved(
    editor, query, form_data, field, value, message
):
    make(query, headline="India's instant payments system passes 15 billion transactions a month")
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    response = editor.post("/admin/stories/new", data=form_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert "Hundreds of villages are cut off." in response.text, "what the editor typed is kept"
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story))) == before


def test_a_stale_form_is_not_saved_over_someone_elses_edit(app, editor, query, newsroom, signed_in):
    ident, _ = make(query, headline=BANK_INDONESIA, section="business", countries=["indonesia"])
    _, response = save_over_each_other(
        editor,
        signed_in("admin"),
        f"/admin/stories/{ident}",
        mine="Bank Indonesia holds rates (my edit)",
        theirs="Bank Indonesia holds rates (their edit)",
    )
    assert response.status_code == 409
    assert "Someone else saved this story" in response.text
    assert "(my edit)" in response.text, "the editor's text is kept on screen"
    assert (
        query(lambda: db.session.get(Story, ident).headline)
        == "Bank Indonesia holds rates (their edit)"
    )


def test_changing_a_published_slug_keeps_old_links_working(editor, reader, query):
    ident, old = make(query, headline=BANK_INDONESIA, section="business", countries=["indonesia"])
    assert old == "bank-indonesia-holds-rates-steady-as-rupiah-steadies"
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    form.update(slug="bank-indonesia-holds-rates", action="save")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    moved = reader.get(f"/article/{old}")
    assert (
        moved.status_code == 301
        and moved.headers["Location"] == "/article/bank-indonesia-holds-rates"
    )
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(SlugRedirect))) == 1
    )


@pytest.mark.case("S01")
def test_S01_hostile_body_is_saved_but_rendered_clean(editor, reader, query, form_data):
    body = '<script>alert(1)</script>Officials said <a href="javascript:alert(2)">this</a>. <img src=x onerror=alert(3)>'
    response = editor.post("/admin/stories/new", data=form_data(body=body, action="publish"))
    assert response.status_code == 303
    stored = query(
        lambda: db.session.scalar(
            sa.select(Story.body_md).where(Story.slug.like("monsoon-floods%"))
        )
    )
    assert stored == body, "the editor's source is kept as written"
    html = reader.get("/article/monsoon-floods-cut-rail-links-across-assam").text
    assert "alert(" not in html and "javascript:" not in html


def test_live_preview_uses_the_readers_pipeline(editor, query):
    ident, _ = make(query, headline=WHY_JAPAN, kind="analysis")
    response = editor.post(
        "/admin/preview",
        data={
            "dateline": "Tokyo",
            "body": f"Lede here.\n\n[[nid:{ident}]]\n\n<script>x()</script>",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<strong>TOKYO —</strong> Lede here." in response.text
    assert 'class="embed-card"' in response.text and "<script" not in response.text
    assert WHY_JAPAN in response.text, "the embedded story's card"
    assert "<html" not in response.text


def test_story_list_filters_and_search(editor, query):
    make(query, headline=BANK_INDONESIA, section="business", countries=["indonesia"])
    make(query, headline=PYONGYANG, dateline="SEOUL", countries=["south-korea"])
    assert "Pyongyang rejects" in editor.get("/admin/stories").text
    page = editor.get("/admin/stories?q=rupiah").text
    assert "Bank Indonesia holds rates steady" in page
    assert "Pyongyang rejects" not in page
    assert "No stories match." in editor.get("/admin/stories?status=draft").text
    assert editor.get("/admin/stories?before=garbage").status_code == 400
    assert "No stories match." in editor.get("/admin/stories?q=%25%25nothing%25").text


def test_editor_can_see_which_stories_embed_a_story(editor, query):
    ident, _ = make(query, headline=WHY_JAPAN, kind="analysis")
    make(query, headline=PYONGYANG, body=f"Talks stalled again.\n\n[[nid:{ident}]]")
    make(query, headline="Tokyo names a new envoy for the abductee talks")
    page = editor.get(f"/admin/stories/{ident}").text
    assert "Embedded in" in page and "Pyongyang rejects Tokyo" in page
    assert "Tokyo names a new envoy" not in page, "only the stories that embed it"


# --- photos ----------------------------------------------------------------------------------------


@pytest.fixture
def private_media(make_app, tmp_path, newsroom):
    """An app whose media root is empty, so the files an upload leaves can be counted."""
    app = make_app(MEDIA_ROOT=str(tmp_path / "media"))
    client = app.test_client()
    sign_in(client, "writer")
    return app, client


@pytest.mark.case("S07")
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_S07_good_photos_are_stored_with_variants_and_no_location(private_media, fmt):
    app, client = private_media
    response = upload(client, photo_bytes(fmt, exif=gps_exif()), filename=f"x.{fmt.lower()}")
    assert response.status_code == 303
    files = media_files(app)
    assert any(
        f.endswith("-original." + {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]) for f in files
    )
    for width in (320, 640):
        assert any(f.endswith(f"-{width}.webp") for f in files) and any(
            f.endswith(f"-{width}.jpg") for f in files
        )
    for name in files:
        with PILImage.open(Path(app.config["MEDIA_ROOT"]) / name) as stored:
            exif = stored.getexif()
            assert 0x8825 not in exif and 0x010F not in exif, name
            if not any(f"-{shape}-" in name for shape in ("16x9", "1x1", "4x5", "og")):
                # The whole photo and its sizes stand upright (the crops have their own shapes).
                assert stored.height > stored.width, "EXIF orientation applied"
    with app.app_context():
        image = db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()
        assert image.alt == "Rice terraces in Bali" and image.width == 800 and image.height == 1200


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge image: the decompression-bomb shape."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 65536, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


BAD_UPLOADS = {
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    "truncated": (photo_bytes("PNG")[:400], "x.png"),
    "text renamed": (b"<html><script>alert(1)</script></html>", "x.jpg"),
    "gif": (photo_bytes("GIF"), "x.gif"),
    "pixel bomb": (photo_bytes("PNG", size=(8000, 6000)), "x.png"),  # 1.2x the limit: a warning
    "20000x20000 bomb": (png_claiming(20000, 20000), "x.png"),  # 10x: Pillow refuses to open
}


@pytest.mark.case("S03", "S04", "S05")
@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_S03_S04_S05_refused_uploads_leave_nothing_behind(private_media, kind):
    app, client = private_media
    data, name = BAD_UPLOADS[kind]
    rows_before = image_rows(app)
    response = upload(client, data, filename=name)
    assert response.status_code == 422
    assert "photo" in response.text.lower()
    assert media_files(app) == set()
    assert image_rows(app) == rows_before


@pytest.mark.case("S04")
def test_S04_a_jpeg_html_polyglot_is_stored_only_as_re_encoded_pixels(private_media):
    app, client = private_media
    polyglot = photo_bytes() + b"<html><script>alert(document.domain)</script></html>"
    assert upload(client, polyglot, filename="holiday.html").status_code == 303
    stored = [p for p in media_files(app) if not p.startswith(".")]
    assert stored and all(not name.endswith((".html", ".htm")) for name in stored)
    for name in stored:
        assert b"<script" not in (Path(app.config["MEDIA_ROOT"]) / name).read_bytes()


@pytest.mark.case("S06")
def test_S06_oversized_uploads_are_refused_with_413(private_media):
    app, client = private_media
    response = upload(client, b"\xff\xd8" + b"0" * (26 * 1024 * 1024))
    # The test client spools this large body to a temporary file; close it here.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "25 MB" in response.text
    assert media_files(app) == set()


def test_alt_text_is_required(private_media):
    app, client = private_media
    response = upload(client, photo_bytes(), alt="")
    assert response.status_code == 422
    assert "Describe the photo" in response.text
    assert media_files(app) == set()


@pytest.mark.case("R11")
def test_R11_disk_full_gives_a_clear_error_and_no_debris(private_media, monkeypatch):
    app, client = private_media
    from newsroom import photos as media

    real = media._write_atomically
    calls = {"n": 0}

    def fill_up(directory, name, data):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(directory, name, data)

    monkeypatch.setattr(media, "_write_atomically", fill_up)
    response = upload(client, photo_bytes())
    assert response.status_code == 507
    assert "media disk is full" in response.text
    assert media_files(app) == set()


def test_photo_uploaded_beside_the_story_is_offered_as_its_hero(private_media):
    app, client = private_media
    response = upload(client, photo_bytes(), htmx=True)
    assert response.status_code == 200
    assert '<hx-partial hx-target="#photos-chosen"' in response.text
    with app.app_context():
        newest = db.session.scalar(sa.select(sa.func.max(Photo.id)))
    assert checked_values(response.text, "hero_photo") == [str(newest)]
    assert "Rice terraces in Bali" in response.text


# --- ticker, inbox, people ---------------------------------------------------------------------


def test_editors_run_the_ticker(editor, reader, query):
    query(lambda: TickerItemFactory(text="Polls close in Jakarta"))  # for the new line to pass
    response = editor.post(
        "/admin/ticker",
        data={"text": "Runway closed at Changi after storm", "link": "", "minutes": "30"},
    )
    assert response.status_code == 303
    assert "Runway closed at Changi" in reader.get("/").text
    ident = query(
        lambda: db.session.scalar(sa.select(TickerItem.id).where(TickerItem.text.like("Runway%")))
    )
    assert (
        editor.post(
            f"/admin/ticker/{ident}",
            data={"text": "Runway reopened at Changi", "link": "/latest", "minutes": "30"},
        ).status_code
        == 303
    )
    assert "Runway reopened at Changi" in reader.get("/").text
    assert editor.post(f"/admin/ticker/{ident}/move", data={"direction": "down"}).status_code == 303
    assert editor.post(f"/admin/ticker/{ident}/expire").status_code == 303
    assert "Runway reopened" not in reader.get("/").text
    bad = editor.post(
        "/admin/ticker", data={"text": "x", "link": "javascript:alert(1)", "minutes": "5"}
    )
    assert bad.status_code == 422 and "Give an http(s) address" in bad.text


def test_moving_a_ticker_item_swaps_it_with_its_neighbour(editor, query):
    def order():
        return [i.text for i in TickerItem.active()]

    query(lambda: TickerItemFactory.create_batch(3))
    before = query(order)
    top = query(lambda: TickerItem.active()[0].id)
    editor.post(f"/admin/ticker/{top}/move", data={"direction": "down"})
    after = query(order)
    assert after[0] == before[1] and after[1] == before[0]


def test_inbox_lists_reads_marks_and_deletes(editor, reader, query):
    reader.post(
        "/contact",
        data={
            "name": "Ana",
            "email": "ana@example.org",
            "subject": "Tip about ports",
            "message": "There is more to the port story.",
        },
    )
    assert ">1</strong> unread message" in editor.get("/admin/").text
    ident = query(lambda: db.session.scalar(sa.select(ContactMessage.id)))
    assert "Tip about ports" in editor.get("/admin/messages").text
    assert "There is more to the port story." in editor.get(f"/admin/messages/{ident}").text
    assert editor.post(f"/admin/messages/{ident}/handled", data={"handled": "1"}).status_code == 303
    assert ">0</strong> unread messages" in editor.get("/admin/").text
    assert editor.post(f"/admin/messages/{ident}/delete").status_code == 303
    assert query(lambda: db.session.get(ContactMessage, ident)) is None


def test_admins_add_people_and_change_roles(app, newsroom, query, signed_in):
    admin = signed_in("admin")
    weak = admin.post(
        "/admin/users", data={"email": "new@example.org", "role": "writer", "password": "short"}
    )
    assert weak.status_code == 422 and "at least 8" in weak.text
    made = admin.post(
        "/admin/users",
        data={
            "email": "new@example.org",
            "name": "New Writer",
            "role": "writer",
            "password": "a good long passphrase",
        },
    )
    assert made.status_code == 303
    newbie = app.test_client()
    assert (
        newbie.post(
            "/admin/login", data={"email": "new@example.org", "password": "a good long passphrase"}
        ).status_code
        == 302
    )
    assert (
        admin.post(f"/admin/users/{newsroom['writer']}/role", data={"role": "editor"}).status_code
        == 303
    )
    assert (
        admin.post(f"/admin/users/{newsroom['admin']}/role", data={"role": "writer"}).status_code
        == 303
    )
    from newsroom.models import User

    assert query(lambda: db.session.get(User, newsroom["admin"]).role) == "admin", (
        "cannot demote yourself"
    )
    assert query(lambda: db.session.get(User, newsroom["writer"]).role) == "editor"


def test_admins_manage_sections_tags_and_authors(app, newsroom, reader, signed_in, query):
    query(lambda: AuthorFactory(name="Joon Park"))
    politics = query(
        lambda: db.session.scalar(sa.select(Section.id).where(Section.slug == "politics"))
    )
    admin = signed_in("admin")
    page = admin.get("/admin/taxonomy/authors")
    assert page.status_code == 200 and "Joon Park" in page.text
    added = admin.post("/admin/taxonomy/tags", data={"name": "Monsoon", "slug": "monsoon"})
    assert added.status_code == 303
    clash = admin.post("/admin/taxonomy/tags", data={"name": "Again", "slug": "monsoon"})
    assert clash.status_code == 422 and "already uses this address" in clash.text
    section = admin.post(
        f"/admin/taxonomy/sections/{politics}",
        data={
            "name": "Politics & power",
            "slug": "politics",
            "description": "Who governs, and how.",
        },
    )
    assert section.status_code == 303
    assert "Politics &amp; power" in reader.get("/section/politics").text
    assert (
        admin.post(
            "/admin/taxonomy/countries", data={"name": "Atlantis", "slug": "atlantis"}
        ).status_code
        == 400
    )
    assert admin.get("/admin/taxonomy/planets").status_code == 404


# --- ids and tags the story form cannot use: a 422 on the field, never a 500 or a false 409 ----

HUGE_ID = "99999999999999999999"
INDIA = "india"  # stands for India's id in this database: a good choice beside a bad one


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("section", HUGE_ID, "Choose a section."),
        ("dateline_country", HUGE_ID, "Choose a country from the list."),
        ("dateline_country", "999999", "Choose a country from the list."),
        ("countries", [HUGE_ID], "Choose countries from the list."),
        ("countries", [INDIA, "999999"], "Choose countries from the list."),
        ("authors", [HUGE_ID], "Choose authors from the list."),
        ("authors", ["²"], "Invalid choice"),
    ],
)
def test_story_form_refuses_ids_it_did_not_offer(editor, query, form_data, field, value, message):
    data = form_data()
    if isinstance(value, list):
        value = [data["dateline_country"] if v == INDIA else v for v in value]
    stories = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    response = editor.post("/admin/stories/new", data={**data, field: value})
    assert response.status_code == 422
    assert message in response.text
    assert "Monsoon floods cut rail links" in response.text, "the form keeps what was typed"
    after = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    assert after == stories


def test_tags_that_make_the_same_address_are_one_tag(editor, query, form_data):
    response = editor.post("/admin/stories/new", data=form_data(tags="AI, ai, Ai , A.I."))
    assert response.status_code == 303
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    slugs = query(lambda: sorted(t.slug for t in db.session.get(Story, ident).tags))
    assert slugs == ["a-i", "ai"]


@pytest.mark.parametrize("tags", ["!!!", "Climate, 😀", "🇯🇵 🎉, —"])
def test_tags_without_letters_or_digits_are_refused_on_the_tags_field(
    editor, query, form_data, tags
):
    response = editor.post("/admin/stories/new", data=form_data(tags=tags))
    assert response.status_code == 422
    assert "A tag needs letters or digits to make its web address" in response.text
    assert "Another story took this web address" not in response.text
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(Story).where(
                    Story.headline == "Monsoon floods cut rail links across Assam"
                )
            )
        )
        is None
    )


@pytest.mark.parametrize(
    "paragraph",
    [
        "香港立法會今日通過新的住房政策，以回應市民對租金持續上漲的關注。" * 10,
        # Cantonese characters beyond the Basic Plane: 4 bytes each, 12 once percent-encoded.
        "𠮶𡃁𨋢𠹺𡁵𠱁𠵱𡆀𢫏𨳒" * 30,
    ],
    ids=["chinese", "cantonese-extension-b"],
)
def test_a_long_story_in_any_script_saves_and_previews(writer, query, form_data, paragraph):
    """200,000 characters is the body's limit in every script: percent-encoded, 1.8 to 2.4 MB,
    past the 2 MB that other forms are allowed."""
    body = "\n\n".join([paragraph] * (200_000 // (len(paragraph) + 2)))
    assert 190_000 < len(body) <= 200_000
    response = writer.post("/admin/stories/new", data=form_data(body=body))
    assert response.status_code == 303, response.text[:500]
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    assert query(lambda: db.session.get(Story, ident).body_md) == body
    preview = writer.post("/admin/preview", data={"body": body, "dateline": "Hong Kong"})
    assert preview.status_code == 200
    assert paragraph[:12] in preview.text
