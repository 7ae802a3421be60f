"""The photo desk: an upload's words read from the file before it is stored, and a stored photo's
page (its words, focal point and crops, the stories that use it, and deleting it if none does)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import escape

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.photo_forms import PhotoEditForm, PhotoForm, photo_work
from blueprints.admin.photos import UPLOAD_OVERHEAD, words_of
from extensions import db
from newsroom.models import AuditEntry, Photo, Role
from newsroom.photo_desk import WORDS, PhotoChanges, PhotoInUse, delete_photo, edit_photo, uses_of
from newsroom.photos import MAX_BYTES as PHOTO_MAX_BYTES
from newsroom.photos import PhotoRejected, read_photo, too_large_message
from web.pages import accepts_body, wants_fragment


@bp.post("/photos/read")
@requires(Role.WRITER)
@accepts_body(PHOTO_MAX_BYTES + UPLOAD_OVERHEAD)
def photo_read():
    """The upload form's words, the empty ones filled from the chosen file's IPTC/XMP, so the
    editor sees them before anything is stored. Without htmx the upload does this itself."""
    if not wants_fragment():
        return redirect(url_for("admin.photos"), 303)
    form = PhotoForm(prefix="photo")
    filled, note = [], ""
    if form.photo.data:
        data = form.photo.data.read(PHOTO_MAX_BYTES + 1)
        try:
            if len(data) > PHOTO_MAX_BYTES:
                raise PhotoRejected(too_large_message(len(data)))
            found = read_photo(data)
        except PhotoRejected as exc:
            note = str(exc)
        else:
            for name in WORDS:
                if not (form[name].data or "").strip() and getattr(found, name):
                    form[name].data = getattr(found, name)
                    filled.append(form[name].label.text.lower())
    # Only an answer that fills something replaces the fields: a refused file (its note goes to
    # the status line: 4xx) or one with nothing to fill (204) leaves what the editor is typing.
    if note:
        return escape(note), 422
    if not filled:
        return "", 204
    return render_template(
        "admin/_photo_fields.html", photo_form=form, filled=filled, read_note=note, read=True
    )


@bp.route("/photos/<int:ident>", methods=["GET", "POST"])
@requires(Role.WRITER)
def photo_edit(ident):
    """One photo: its words and focal point to change, its crops, and where it is used."""
    photo = db.get_or_404(Photo, ident)
    form = PhotoEditForm(obj=photo)
    status = 200
    if request.method == "GET":
        form.focal_x.data = round(photo.focal_x * 100)
        form.focal_y.data = round(photo.focal_y * 100)
    elif form.validate():
        changes = PhotoChanges(
            **words_of(form), focal_x=form.focal_x.data / 100, focal_y=form.focal_y.data / 100
        )
        changed, status = photo_work(
            lambda: edit_photo(photo, changes, current_user), form.focal_x, "cropped"
        )
        if status is None:
            message = f"Saved: {', '.join(changed)}." if changed else "Nothing was changed."
            flash(message, "success")
            return redirect(url_for("admin.photo_edit", ident=photo.id), 303)
    else:
        status = 422
    return _photo_page(photo, form, status)


def _photo_page(photo: Photo, form: PhotoEditForm, status: int = 200):
    uses = uses_of(photo.id)
    # A writer sees the stories they may open and those readers see; the others (colleagues'
    # drafts, embargoed and scheduled stories) are only counted.
    shown = [use for use in uses if use.story.is_seen_by(current_user) or use.story.is_visible]
    return form_response(
        "admin/photo_edit.html",
        status,
        photo=photo,
        form=form,
        uses=shown,
        unseen_uses=len(uses) - len(shown),
        history=AuditEntry.about(photo, limit=10),
    )


@bp.post("/photos/<int:ident>/delete")
@requires(Role.EDITOR)
def photo_delete(ident):
    """Delete a photo that no story uses; one in use stays, and its page says where."""
    photo = db.get_or_404(Photo, ident)
    try:
        delete_photo(photo, current_user)
    except PhotoInUse as exc:
        form = PhotoEditForm(obj=photo, formdata=None)
        form.focal_x.data = round(photo.focal_x * 100)
        form.focal_y.data = round(photo.focal_y * 100)
        count = len(exc.uses)
        flash(
            f"This photo is used by {count} {'story' if count == 1 else 'stories'} "
            "(listed below) and was not deleted.",
            "error",
        )
        return _photo_page(photo, form, 409)
    flash(f"Photo #{ident} deleted.", "success")
    return redirect(url_for("admin.photos"), 303)
