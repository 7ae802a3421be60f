"""Photos: the library, uploading, and the picker the story form searches."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires, search_text
from blueprints.admin.forms import PhotoForm
from extensions import db
from newsroom.models import AuditEntry, Photo, Role
from newsroom.photos import MAX_BYTES as PHOTO_MAX_BYTES
from newsroom.photos import (
    PhotoRejected,
    StorageFull,
    discard_photo,
    store_photo,
    too_large_message,
)
from web import auth
from web.errors import render_error
from web.pages import accepts_body, wants_fragment

log = logging.getLogger(__name__)

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
            try:
                photo = store_photo(
                    data, alt=form.alt.data, caption=form.caption.data, credit=form.credit.data
                )
            except PhotoRejected as exc:
                auth.security_event("upload", "refused", reason=str(exc))
                form.photo.errors = [str(exc)]
                status = 422
            except StorageFull as exc:
                log.error("photo upload failed: %s", exc)
                form.photo.errors = ["The photo could not be stored: the media disk is full."]
                status = 507
            else:
                try:
                    db.session.add(photo)
                    db.session.flush()
                    AuditEntry.record(current_user, "upload", photo, photo.alt)
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    discard_photo(photo)
                    raise
                if wants_fragment():
                    return render_template(
                        "admin/_photo_added.html", photo=photo, form=PhotoForm(prefix="photo")
                    )
                flash("Photo added to the library.", "success")
                return redirect(url_for("admin.photos"), 303)
        else:
            status = 422
        if wants_fragment():
            return form_response("admin/_photo_form.html", status, photo_form=form)
    return _library_page(form, status)


def _library_page(form: PhotoForm, status: int = 200):
    q = search_text(request.args.get("q"))
    before = _before_id()
    rows = Photo.library(q, before=before, limit=LIBRARY_PAGE + 1)
    next_before = rows[LIBRARY_PAGE - 1].id if len(rows) > LIBRARY_PAGE else None
    return form_response(
        "admin/photos.html",
        status,
        photo_form=form,
        photos=rows[:LIBRARY_PAGE],
        q=q,
        next_before=next_before,
        first_page=before is None,
    )


def _before_id() -> int | None:
    """The `before` photo number of a library page link; 400 if it is not one."""
    before = request.args.get("before", "")
    if not before:
        return None
    if not (before.isascii() and before.isdigit() and len(before) <= 10):
        abort(400, description="This list link is not valid.")
    return int(before)


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
    before = _before_id()
    rows = Photo.library(q, before=before, limit=PICKER_PAGE + 1)
    more = rows[PICKER_PAGE - 1].id if len(rows) > PICKER_PAGE else None
    return render_template(
        "admin/_photo_choices.html",
        found=rows[:PICKER_PAGE],
        photo_q=q,
        more=more,
        count_line=before is None,  # "More photos" adds to the list; the count line stays
    )
