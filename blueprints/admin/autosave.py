"""An open story form's background requests: autosave of the text you have not saved, and who
else is editing the story. Both need JavaScript (htmx); without it the form works as before."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.stories import _load_story
from blueprints.admin.story_form import (
    NOT_KEPT,
    STORY_FORM_BYTES,
    _changes,
    _fill_form,
    _keep_photos_not_sent,
    _render_story_form,
    _sent_revision,
    _story_choices,
    form_for,
)
from newsroom import revisions
from newsroom.models import Autosave, Role
from newsroom.stories import StaleRevision
from web import presence
from web.pages import accepts_body, wants_fragment

# What an autosave leaves out of the form it keeps: the token, the button, the photo search.


@bp.route("/stories/<int:ident>/autosave", methods=["GET", "POST"])
@requires(Role.WRITER)
@accepts_body(STORY_FORM_BYTES)
def story_autosave(ident):
    """Keep aside what you typed and did not save (POST, from the open form); show the form
    filled with it again (GET), to save it or leave it."""
    story = _load_story(ident)
    if request.method == "GET":
        return _form_with_autosave(story)
    form = form_for(story)
    _story_choices(form)
    _keep_photos_not_sent(form, story)
    as_saved = form_for(story, formdata=None)
    _story_choices(as_saved)
    _fill_form(as_saved, story)
    fields = {
        name: request.form.getlist(name)
        for name in request.form
        if name not in NOT_KEPT and not name.startswith("photo-")
    }
    try:
        slot = revisions.autosave(
            story,
            current_user,
            _sent_revision(form),
            fields,
            unchanged=revisions.same_text(_changes(form), _changes(as_saved)),
        )
    except StaleRevision:
        return form_response("admin/_autosave_status.html", 409, story=story, stale=True)
    return form_response("admin/_autosave_status.html", story=story, slot=slot, sent=True)


def _form_with_autosave(story):
    slot = Autosave.offered(story, current_user)
    if slot is None:
        flash(
            "There are no unsaved changes of yours to restore: the story was saved since.", "error"
        )
        return redirect(url_for("admin.story_edit", ident=story.id), 303)
    sent = MultiDict([(name, value) for name, values in slot.fields.items() for value in values])
    form = form_for(story, formdata=sent)
    _story_choices(form)
    _keep_photos_not_sent(form, story)
    form.revision.data = str(slot.revision)
    return _render_story_form(form, story)


@bp.post("/stories/<int:ident>/autosave/discard")
@requires(Role.WRITER)
def story_autosave_discard(ident):
    """Throw away your unsaved changes to the story and go back to it as saved."""
    story = _load_story(ident)
    revisions.discard_autosave(story, current_user)
    flash("Your unsaved changes were discarded.", "success")
    return redirect(url_for("admin.story_edit", ident=story.id), 303)


@bp.get("/stories/<int:ident>/editing")
@requires(Role.WRITER)
def story_editing(ident):
    """Who else has the story open (polled by the open form, which also says you are there)."""
    story = _load_story(ident)
    if not wants_fragment():
        return redirect(url_for("admin.story_edit", ident=story.id), 303)
    others = presence.mark_editing(story.id, current_user)
    return form_response("admin/_presence.html", story=story, others=others)
