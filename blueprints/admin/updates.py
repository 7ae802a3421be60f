"""A published story's update log: add an update or a correction, put right or take out an
entry made by mistake (newsroom.story_updates writes and audits each)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import NewsroomForm
from extensions import db
from newsroom import story_updates
from newsroom.models import Role, Story, StoryUpdate
from newsroom.models.update_log import UPDATE_TEXT_MAX
from newsroom.stories import StoryRefused
from web.pages import render_page_or_fragment, wants_fragment

ADDED = {
    "update": "Update added: readers see it on the story now.",
    "correction": "Correction added: readers see it on the story and on the corrections page.",
}


class UpdateEntryForm(NewsroomForm):
    kind = RadioField(
        "Kind",
        choices={
            "update": "Update: new information",
            "correction": "Correction: we got something wrong",
        },
        default="update",
        validators=[InputRequired(message="Choose an update or a correction.")],
    )
    text = TextAreaField(
        "Note for readers",
        validators=[
            InputRequired(message="Say what changed: readers see this note on the story."),
            Length(max=UPDATE_TEXT_MAX),
        ],
        description="For example “Updated with the death toll from the provincial authority” "
        "or “An earlier version misstated …”. Shown on the story with the time it is added.",
    )


def update_log(story: Story, form: UpdateEntryForm | None = None, message: str = "") -> dict:
    """What templates/admin/_story_updates.html shows: the entries, the form, a message."""
    return {
        "entries": StoryUpdate.of(story),
        "form": form or UpdateEntryForm(prefix="log", formdata=None),
        "message": message,
    }


@bp.app_template_global("update_log")
def _update_log_global(story: Story) -> dict:
    """The story form includes the log's partial with what this gives (no view of its own)."""
    return update_log(story)


@bp.route("/stories/<int:ident>/updates", methods=["GET", "POST"])
@requires(Role.EDITOR)
def story_updates_log(ident):
    """A story's update log with the form to add an update or a correction (POST adds one)."""
    story = db.get_or_404(Story, ident)
    form = UpdateEntryForm(prefix="log")
    if request.method == "GET":
        return _log_response(story, update_log(story))
    if form.validate():
        try:
            story_updates.add_entry(story, form.kind.data, form.text.data, by=current_user)
        except StoryRefused as refused:
            getattr(form, refused.field).errors = [str(refused)]
        else:
            message = ADDED[form.kind.data]
            if wants_fragment():
                return _log_response(story, update_log(story, message=message))
            flash(message, "success")
            return redirect(url_for("admin.story_edit", ident=story.id, _anchor="update-log"), 303)
    # Refused: the note comes back as it was typed.
    return _log_response(story, update_log(story, form), status=422)


def _log_response(story: Story, log: dict, status: int = 200):
    return render_page_or_fragment(
        "admin/story_updates.html", "admin/_story_updates.html", status, story=story, log=log
    )


@bp.route("/updates/<int:ident>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def story_update_edit(ident):
    """Put right the words or the kind of an entry made by mistake; its time stays."""
    entry = db.get_or_404(StoryUpdate, ident)
    form = UpdateEntryForm(prefix="log", obj=entry)
    if request.method == "POST":
        if form.validate():
            try:
                story_updates.change_entry(entry, form.kind.data, form.text.data, current_user)
            except StoryRefused as refused:
                getattr(form, refused.field).errors = [str(refused)]
            else:
                flash("The entry was changed.", "success")
                return redirect(url_for("admin.story_edit", ident=entry.story_id), 303)
        return form_response("admin/story_update_edit.html", 422, form=form, entry=entry)
    return form_response("admin/story_update_edit.html", form=form, entry=entry)


@bp.post("/updates/<int:ident>/remove")
@requires(Role.EDITOR)
def story_update_remove(ident):
    """Take out an entry made by mistake; "Updated" goes back to the latest entry left."""
    entry = db.get_or_404(StoryUpdate, ident)
    story_id = entry.story_id
    story_updates.remove_entry(entry, current_user)
    flash("The entry was taken out of the story's log.", "success")
    return redirect(url_for("admin.story_edit", ident=story_id), 303)
