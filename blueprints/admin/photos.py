"""Photos: the library, uploading, and the picker the story form searches."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires, search_text
from blueprints.admin.photo_forms import PhotoForm, photo_work
from newsroom.models import Photo, Role
from newsroom.photo_desk import WORDS, add_photo
from newsroom.photos import MAX_BYTES as PHOTO_MAX_BYTES
from newsroom.photos import too_large_message
from web import auth
from web.errors import render_error
from web.pages import accepts_body, wants_fragment
from web.params import cursor_arg

LIBRARY_PAGE = 60
PICKER_PAGE = 12
# The form's text fields and the multipart framing around the photo.
UPLOAD_OVERHEAD = 256 * 1024


@bp.route("/photos", methods=["GET", "POST"])
@requires(Role.WRITER)
@accepts_body(PHOTO_MAX_BYTES + UPLOAD_OVERHEAD)
def photos():
    """The photo library, newest first and searchable, and the upload form that adds to it."""
    form = PhotoForm(prefix="photo")
    status = 200
    if request.method == "POST":
        if form.validate():
            data = form.photo.data.read(PHOTO_MAX_BYTES + 1)
            if len(data) > PHOTO_MAX_BYTES:
                return _upload_too_large(form)
            photo, status = photo_work(
                lambda: add_photo(data, current_user, **words_of(form)), form.photo, "stored"
            )
            if status == 422:
                auth.security_event("upload", "refused", reason=form.photo.errors[0])
            elif photo is not None:
                if wants_fragment():
                    # An empty form, so that a second upload is a deliberate one.
                    return render_template(
                        "admin/_photo_added.html",
                        photo=photo,
                        form=PhotoForm(prefix="photo", formdata=None),
                    )
                flash(
                    "Photo added to the library. Check the words read from the file and set "
                    "its focal point.",
                    "success",
                )
                return redirect(url_for("admin.photo_edit", ident=photo.id), 303)
        else:
            status = 422
        if wants_fragment():
            return form_response("admin/_photo_form.html", status, photo_form=form)
    return _library_page(form, status)


def words_of(form) -> dict[str, str]:
    """The photo's words as the form has them."""
    return {name: form[name].data or "" for name in WORDS}


def _library_page(form: PhotoForm, status: int = 200):
    q = search_text(request.args.get("q"))
    before = cursor_arg("before", timed=False)
    page = Photo.library_page(q, before=before, limit=LIBRARY_PAGE)
    return form_response(
        "admin/photos.html",
        status,
        photo_form=form,
        photos=page.rows,
        q=q,
        next_cursor=page.next_cursor,
        first_page=before is None,
    )


def _upload_too_large(form: PhotoForm | None = None, size: int | None = None):
    """A photo over the byte limit: the message names the limit; the form stays as it was."""
    message = too_large_message(size)
    auth.security_event("upload", "refused", reason="too large")
    if wants_fragment():
        # The upload panel keeps what was typed: htmx puts this message beside it (hx-status:413).
        return render_error(413, message)
    form = form or PhotoForm(prefix="photo", formdata=None)
    form.photo.errors = [message]
    return _library_page(form, 413)


@bp.errorhandler(413)
def body_too_large(error):
    """An upload over the request limit is refused before the view runs: say the limit.

    It handles every admin address (it is the blueprint's); only the upload gets the form back."""
    if request.endpoint == "admin.photo_read":
        return render_error(413, too_large_message(request.content_length))
    if request.endpoint != "admin.photos":
        return render_error(413, error.description)
    if not current_user.is_authenticated:  # the body is read (CSRF) before the sign-in check
        return render_error(413, too_large_message())
    return _upload_too_large(size=request.content_length)


@bp.get("/photos/choose")
@requires(Role.WRITER)
def photo_choices():
    """Photos matching a search, as radio buttons and checkboxes for the story form's picker."""
    if not wants_fragment():
        return redirect(url_for("admin.photos", q=request.args.get("photo_q") or None))
    q = search_text(request.args.get("photo_q"))
    before = cursor_arg("before", timed=False)
    page = Photo.library_page(q, before=before, limit=PICKER_PAGE)
    return render_template(
        "admin/_photo_choices.html",
        found=page.rows,
        photo_q=q,
        more=page.next_cursor,
        count_line=before is None,  # "More photos" adds to the list; the count line stays
    )
