"""Forms of the live desk: a post (with an optional photo), the pinned summary, its writers.

They check only what a form can (lengths, a number that names a writer); whether a post may be
made, and what its text must be, is the live service's call (newsroom/live.py)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.admin.forms import NewsroomForm
from newsroom.models.live import POST_BODY_MAX, POST_TITLE_MAX, SUMMARY_MAX
from newsroom.photos import ACCEPT as PHOTO_ACCEPT
from newsroom.photos import LIMITS as PHOTO_LIMITS


class LivePostTextForm(NewsroomForm):
    """A post's words, and whether it is a key event (an editor's call)."""

    title = StringField("Title (optional)", validators=[Optional(), Length(max=POST_TITLE_MAX)])
    body = TextAreaField(
        "Post",
        validators=[Length(max=POST_BODY_MAX, message="Keep a post under 20,000 characters.")],
        description="Markdown: **bold**, [link](https://…), > quote, [[nid:123]] for a story.",
    )
    key_event = BooleanField(
        "Key event", description="Listed at the top of the page for readers to jump to."
    )


class LivePostForm(LivePostTextForm):
    """A new post, as a reporter sends it from a phone: words and, if they like, a photo."""

    photo = FileField(
        "Photo (optional)", description=PHOTO_LIMITS, render_kw={"accept": PHOTO_ACCEPT}
    )
    photo_alt = StringField(
        "What the photo shows",
        validators=[Optional(), Length(max=300)],
        description="For readers who cannot see it; left empty, the file's own caption is used.",
    )
    photo_credit = StringField("Photo credit", validators=[Optional(), Length(max=200)])


class SummaryForm(NewsroomForm):
    summary = TextAreaField(
        "What we know",
        validators=[Length(max=SUMMARY_MAX, message="Keep the summary under 5,000 characters.")],
        description="Pinned above the posts. Markdown; a list of short points reads best. "
        "Leave it empty to take the summary away.",
    )


class WritersForm(NewsroomForm):
    writers = SelectMultipleField(
        "Writers who may post",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="Editors may always post. A writer edits and deletes only their own posts.",
    )
