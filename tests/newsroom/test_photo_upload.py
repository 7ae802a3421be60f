"""Uploading to the photo desk: the words in the file (IPTC, XMP) fill the form before anything is
stored, none of the metadata reaches the stored files, iPhone HEIC photos are taken, and the form
is empty again after an upload."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage
from PIL import IptcImagePlugin

from extensions import db
from newsroom.models import AuditEntry, Photo
from tests.helpers import field_value, form_values, image_rows, media_files, photo_bytes, sign_in
from tests.newsroom.photo_files import (
    IPTC_CAPTION,
    XMP_CAPTION,
    heic,
    iptc_jpeg,
    plain_jpeg,
    xmp_jpeg,
)


@pytest.fixture
def writer(client, newsroom):
    assert sign_in(client, "writer").status_code == 302
    return client


def send(client, url, data: bytes, filename="photo.jpg", headers=None, **words):
    fields = {f"photo-{name}": value for name, value in words.items()}
    return client.post(
        url,
        data={"photo-photo": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def newest(app) -> Photo:
    with app.app_context():
        return db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()


# --- the words in the file, shown before the photo is stored ------------------------------------


def test_choosing_a_file_with_xmp_fills_the_empty_fields_and_stores_nothing(app, writer, htmx):
    rows = image_rows(app)
    found = send(writer, "/admin/photos/read", xmp_jpeg(), headers=htmx, alt="", caption="")
    assert found.status_code == 200 and "<html" not in found.text
    assert 'id="photo-fields"' in found.text
    assert field_value(found.text, "photo-caption") == XMP_CAPTION
    assert field_value(found.text, "photo-credit") == "Anupam Nath/Reuters"
    assert field_value(found.text, "photo-copyright") == "© 2026 Thomson Reuters"
    assert field_value(found.text, "photo-keywords") == "monsoon, Assam, rescue"
    assert field_value(found.text, "photo-alt") == "Boats on a flooded street"
    assert "Filled in from the file: alt text, caption, credit, copyright, keywords" in found.text
    assert image_rows(app) == rows and media_files(app) == set(), "nothing stored yet"


def test_what_the_editor_typed_is_kept_over_the_files_words(writer, htmx):
    found = send(writer, "/admin/photos/read", iptc_jpeg(), headers=htmx, caption="Our own caption")
    assert field_value(found.text, "photo-caption") == "Our own caption"
    assert field_value(found.text, "photo-credit") == "Mei Lin Tan/AFP", "read from IPTC"
    assert field_value(found.text, "photo-keywords") == "garments, Bangladesh"
    assert field_value(found.text, "photo-copyright") == "© AFP 2026"


def test_a_file_that_is_not_a_photo_says_so_beside_the_fields(writer, htmx):
    """The note goes to the status line (a 4xx, which the form sends there) and the fields the
    editor is typing in are not replaced, by this answer or by one that has nothing to fill."""
    found = send(writer, "/admin/photos/read", b"not a photo", headers=htmx, caption="Kept")
    assert found.status_code == 422
    assert "not a complete JPEG, PNG, WebP or HEIC photo" in found.text
    assert 'id="photo-fields"' not in found.text
    plain = send(writer, "/admin/photos/read", photo_bytes(), headers=htmx, caption="Kept")
    assert plain.status_code == 204 and plain.text == ""


def test_the_upload_form_asks_the_server_to_read_the_chosen_file(writer):
    page = writer.get("/admin/photos").text
    file_input = re.search(r'<input[^>]*name="photo-photo"[^>]*>', page).group(0)
    assert 'hx-post="/admin/photos/read"' in file_input
    assert 'hx-target="#photo-fields"' in file_input
    assert "image/heic" in file_input


def test_without_javascript_the_upload_fills_the_fields_and_opens_the_photos_page(app, writer):
    response = send(writer, "/admin/photos", iptc_jpeg(), alt="Workers leaving at dusk")
    photo = newest(app)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/photos/{photo.id}"
    page = writer.get(response.headers["Location"]).text
    assert "Check the words read from the file" in page
    fields = form_values(page, "photo-edit-form")
    assert fields["alt"] == "Workers leaving at dusk", "typed words win"
    assert fields["caption"] == IPTC_CAPTION
    assert fields["credit"] == "Mei Lin Tan/AFP"
    assert fields["keywords"] == "garments, Bangladesh"
    assert (fields["focal_x"], fields["focal_y"]) == ("50", "50")


def test_the_stored_files_carry_none_of_the_files_metadata(app, writer):
    assert send(writer, "/admin/photos", xmp_jpeg(), alt="Flooded street").status_code == 303
    assert send(writer, "/admin/photos", iptc_jpeg(), alt="Factory gate").status_code == 303
    root = Path(app.config["MEDIA_ROOT"])
    files = sorted(root.iterdir())
    assert len(files) > 40, "originals, variants and crops of both photos"
    for path in files:
        raw = path.read_bytes()
        for secret in (XMP_CAPTION, IPTC_CAPTION, "Anupam Nath", "Mei Lin Tan", "Reuters", "AFP"):
            assert secret.encode() not in raw, (path.name, secret)
        assert b"Photoshop 3.0" not in raw and b"http://ns.adobe.com/xap/1.0/" not in raw
        with PILImage.open(path) as image:
            assert "xmp" not in image.info and "exif" not in image.info, path.name
            if image.format == "JPEG":
                assert IptcImagePlugin.getiptcinfo(image) is None, path.name
    photo = newest(app)
    assert photo.caption == IPTC_CAPTION, "the words are kept in the library, not in the files"


def test_a_crafted_xmp_block_nested_thousands_deep_is_ignored_not_a_500(app, writer, htmx):
    deep = "<b>" * 5000 + "x" + "</b>" * 5000
    crafted = plain_jpeg(
        xmp=(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f"<rdf:Description>{deep}</rdf:Description></rdf:RDF></x:xmpmeta>"
        ).encode()
    )
    read = send(writer, "/admin/photos/read", crafted, headers=htmx, alt="", caption="")
    assert read.status_code in (200, 204)
    stored = send(writer, "/admin/photos", crafted, alt="A crafted file, kept as a photo")
    assert stored.status_code == 303
    assert newest(app).alt == "A crafted file, kept as a photo"


# --- iPhone photos ------------------------------------------------------------------------------


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg_and_webp(app, writer):
    response = send(writer, "/admin/photos", heic(), filename="IMG_0042.HEIC", alt="Rice fields")
    assert response.status_code == 303
    photo = newest(app)
    assert (photo.width, photo.height) == (640, 480)
    names = {name for name in media_files(app) if name.startswith(photo.key)}
    assert f"{photo.key}-original.jpg" in names
    assert {name.rsplit(".", 1)[1] for name in names} == {"jpg", "webp"}
    with PILImage.open(Path(app.config["MEDIA_ROOT"]) / f"{photo.key}-640.jpg") as image:
        assert image.format == "JPEG" and image.getpixel((320, 240))[1] > 100, "green, as shot"


def test_the_form_names_heic_among_what_it_takes(writer):
    assert "JPEG, PNG, WebP or HEIC, up to 25 MB" in writer.get("/admin/photos").text


# --- a second upload is a deliberate one -------------------------------------------------------


def test_after_an_upload_from_the_story_form_the_photo_fields_are_empty(app, writer, htmx):
    response = send(
        writer,
        "/admin/photos",
        xmp_jpeg(),
        headers=htmx,
        alt="Boats in the flood",
        caption="Rescue in Guwahati",
        credit="Staff",
        keywords="flood",
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert "Photo added: “Boats in the flood” (Staff)" in response.text
    fields = form_values(response.text, "photo-form")
    for name in ("alt", "caption", "credit", "copyright", "keywords"):
        assert fields[f"photo-{name}"] == "", name
    photo = newest(app)
    assert (photo.caption, photo.credit, photo.keywords) == ("Rescue in Guwahati", "Staff", "flood")
    assert photo.copyright == "© 2026 Thomson Reuters", "the empty field took the file's words"
    with app.app_context():
        entry = AuditEntry.about(photo, limit=1)[0]
        assert entry.action == "upload"
