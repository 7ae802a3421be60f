"""The live desk: post to a live page (from a phone, with a photo), change or delete a post,
mark key events. The page itself (opening, summary, writers, closing) is in live_page.py.

Every write is the live service's (newsroom/live.py): it decides who may do what, audits and
commits; these views read the form, call it, and put a refusal in the form's words. Nothing
typed is lost: a refused post comes back in the form (without JavaScript) or leaves the form
untouched and says why in its status line (with htmx)."""

from __future__ import annotations

import logging

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from blueprints.admin.common import bp, requires
from blueprints.admin.live_forms import (
    LivePostForm,
    LivePostTextForm,
    SummaryForm,
    WritersForm,
)
from blueprints.admin.photos import UPLOAD_OVERHEAD
from blueprints.news import live_page
from blueprints.news.views import embed_cards
from extensions import db
from newsroom import live
from newsroom.models import LivePost, Photo, Role, Story, User
from newsroom.photo_desk import add_photo, delete_photo
from newsroom.photos import MAX_BYTES as PHOTO_MAX_BYTES
from newsroom.photos import PhotoRejected, StorageFull, too_large_message
from newsroom.stories import NotAllowed, StoryRefused
from web import auth
from web.errors import render_error
from web.pages import accepts_body, wants_fragment
from web.params import cursor_arg
from web.urls import media_url

log = logging.getLogger(__name__)

DESK_POSTS = 50
NOT_ADDED = "An editor adds the writers who may post to a live page: ask one to add you."
# The width of the photo a post shows: the reader's column is narrower, a phone's screen denser.
POST_PHOTO_WIDTH = 1024


# --- the desk page -----------------------------------------------------------------------------


@bp.route("/stories/<int:ident>/live", methods=["GET", "POST"])
@requires(Role.WRITER)
@accepts_body(PHOTO_MAX_BYTES + UPLOAD_OVERHEAD)
def live_desk(ident):
    """The live desk: the post form on top, the posts newest first, and (for editors) the
    summary, the writers and closing; POST sends a post."""
    story = db.get_or_404(Story, ident)
    if not live.may_post(story, current_user):
        auth.security_event("authorization", "denied", story=ident)
        if request.method == "POST":
            return _refused_post(story, LivePostForm(), 403, NOT_ADDED)
        return render_error(403, NOT_ADDED)
    if request.method == "POST":
        return _send_post(story)
    return desk_page(story)


def desk_page(story: Story, status: int = 200, **forms):
    """The whole desk, with any form given as it was sent (refused: its text kept)."""
    before = cursor_arg("before")
    page = LivePost.page(story, before=before, limit=DESK_POSTS) if story.is_live_page else None
    editor = current_user.can(Role.EDITOR)
    summary = forms.get("summary_form") or SummaryForm(formdata=None, summary=story.live_summary_md)
    writers = forms.get("writers_form") or writers_form(story)
    return make_response(
        render_template(
            "admin/live.html",
            story=story,
            posts=page.rows if page else [],
            next_cursor=page.next_cursor if page else None,
            first_page=before is None,
            post_count=LivePost.count(story) if story.is_live_page else 0,
            form=forms.get("form") or LivePostForm(formdata=None),
            summary_form=summary,
            writers_form=writers,
            editor=editor,
            can_change=lambda post: live.may_change(post, current_user),
            bodies=post_bodies(page.rows if page else []),
            message=forms.get("message", ""),
        ),
        status,
    )


def post_bodies(posts: list[LivePost]) -> dict[int, Markup]:
    """Each post's body as readers see it (the reader page's own rendering)."""
    return live_page.post_bodies(posts, embed_cards)


def writers_form(story: Story, sent: bool = False) -> WritersForm:
    """The writers' check boxes: every active writer (those added ticked), or as sent."""
    form = WritersForm() if sent else WritersForm(formdata=None)
    form.writers.choices = [(u.id, u.display_name) for u in User.active_writers()]
    if not sent:
        form.writers.data = [u.id for u in story.live_contributors]
    return form


# --- posting -----------------------------------------------------------------------------------


def _send_post(story: Story):
    """Store the photo (if any), post, and answer with an empty form (htmx) or the desk."""
    form = LivePostForm()
    if not form.validate():
        return _refused_post(story, form, 422, "The post was not sent: see the fields marked.")
    photo = None
    try:
        live.check_post(story, current_user)  # before the photo is stored, not after
        body = form.body.data or ""
        if form.photo.data and form.photo.data.filename:
            photo = _store_photo(form)
            body = "\n\n".join(part for part in (body.strip(), photo_markup(photo)) if part)
        post = live.add_post(
            story,
            current_user,
            body,
            title=form.title.data or "",
            key_event=form.key_event.data,
        )
    except (NotAllowed, StoryRefused) as refused:
        if photo is not None:  # stored for this post alone: refused with it (text too long)
            delete_photo(photo, current_user)
        if isinstance(refused, NotAllowed):
            return _refused_post(story, form, 403, str(refused))
        status = 409 if isinstance(refused, live.CoverageClosed) or not story.is_live_page else 422
        if refused.field in form:
            form[refused.field].errors = [str(refused)]
        return _refused_post(story, form, status, str(refused))
    except _PhotoNotStored as failed:
        form.photo.errors = [failed.message]
        return _refused_post(story, form, failed.status, failed.message)
    return _posted(story, post)


class _PhotoNotStored(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _store_photo(form: LivePostForm) -> Photo:
    """Store the post's photo as the photo desk stores an upload."""
    data = form.photo.data.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        auth.security_event("upload", "refused", reason="too large")
        raise _PhotoNotStored(413, too_large_message(len(data)))
    try:
        photo = add_photo(
            data,
            current_user,
            alt=form.photo_alt.data or "",
            credit=form.photo_credit.data or "",
        )
    except PhotoRejected as exc:
        auth.security_event("upload", "refused", reason=str(exc))
        raise _PhotoNotStored(422, f"The photo was not used: {exc}") from None
    except StorageFull as exc:
        log.error("live post photo failed: %s", exc)
        raise _PhotoNotStored(
            507, "The photo could not be stored: the media disk is full."
        ) from None
    return photo


def photo_markup(photo: Photo) -> str:
    """A photo as a post's body carries it: a figure with its alt text, size, caption and
    credit, in the HTML the body sanitizer keeps (newsroom/content.py), on one line so that
    Markdown takes it as one block."""
    width = photo.best_width(POST_PHOTO_WIDTH)
    words = [str(escape(photo.caption))] if photo.caption else []
    if photo.credit:
        words.append(f"<small>{escape(photo.credit)}</small>")
    caption = f"<figcaption>{' '.join(words)}</figcaption>" if words else ""
    return (
        f'<figure><img src="{media_url(photo, width, "jpg")}" alt="{escape(photo.alt)}" '
        f'width="{width}" height="{photo.height_for(width)}">{caption}</figure>'
    )


def _refused_post(story: Story, form: LivePostForm, status: int, message: str):
    """A post that was not made: htmx gets only the reason, for the form's status line (the form
    and its text stay as they are); without JavaScript, the desk with the form as it was sent."""
    if wants_fragment():
        return make_response(
            render_template("admin/_live_status.html", message=message, failed=True), status
        )
    if form.photo.data and form.photo.data.filename and status != 413:
        message += " Choose the photo again: a browser does not send it twice."
    return desk_page(story, status, form=form, message=message)


def _posted(story: Story, post: LivePost):
    """A new post: with htmx an empty form and the post for the top of the list; else the desk."""
    if wants_fragment():
        return render_template(
            "admin/_live_posted.html",
            story=story,
            post=post,
            form=LivePostForm(formdata=None),
            editor=current_user.can(Role.EDITOR),
            can_change=lambda _post: True,
            bodies=post_bodies([post]),
            message=_posted_message(story),
        )
    flash(_posted_message(story), "success")
    return redirect(url_for("admin.live_desk", ident=story.id, _anchor=post.anchor), 303)


def _posted_message(story: Story) -> str:
    if story.is_visible:
        return "Posted: readers see it now."
    return "Posted. Readers see it once the story is published."


# --- a post: change, delete, key event ---------------------------------------------------------


@bp.route("/live-posts/<int:ident>", methods=["GET", "POST"])
@requires(Role.WRITER)
def live_post_edit(ident):
    """Change a post's title and text (and, for an editor, whether it is a key event)."""
    post = db.get_or_404(LivePost, ident)
    editor = current_user.can(Role.EDITOR)
    if request.method == "GET":
        if post.deleted_at is not None:
            abort(404)
        if not live.may_change(post, current_user):
            auth.security_event("authorization", "denied", live_post=ident)
            return render_error(403, "Writers change only their own posts; ask an editor.")
        form = LivePostTextForm(formdata=None, obj=post, body=post.body_md)
        return _edit_page(post, form, editor)
    form = LivePostTextForm()
    if not form.validate():
        return _edit_page(post, form, editor, 422)
    try:
        live.edit_post(
            post,
            current_user,
            form.body.data or "",
            title=form.title.data or "",
            key_event=form.key_event.data if editor else None,
        )
    except NotAllowed as refused:
        auth.security_event("authorization", "denied", live_post=ident)
        return _edit_page(post, form, editor, 403, str(refused))
    except StoryRefused as refused:
        form[refused.field].errors = [str(refused)]
        status = 409 if post.deleted_at is not None else 422
        return _edit_page(post, form, editor, status)
    flash("The post was changed: readers' pages update at their next check.", "success")
    return redirect(url_for("admin.live_desk", ident=post.story_id, _anchor=post.anchor), 303)


def _edit_page(post: LivePost, form: LivePostTextForm, editor: bool, status=200, message=""):
    page = render_template(
        "admin/live_post_edit.html", post=post, form=form, editor=editor, message=message
    )
    return make_response(page, status)


@bp.post("/live-posts/<int:ident>/delete")
@requires(Role.WRITER)
def live_post_delete(ident):
    """Take a post off the page; readers' pages drop it at their next check."""
    post = db.get_or_404(LivePost, ident)
    try:
        live.delete_post(post, current_user)
    except NotAllowed as refused:
        auth.security_event("authorization", "denied", live_post=ident)
        return render_error(403, str(refused))
    if wants_fragment():
        return render_template("admin/_live_deleted.html", post=post)
    flash("The post was deleted: readers' pages drop it at their next check.", "success")
    return redirect(url_for("admin.live_desk", ident=post.story_id), 303)


@bp.post("/live-posts/<int:ident>/key-event")
@requires(Role.EDITOR)
def live_post_key_event(ident):
    """Mark a post a key event (listed at the top of the page), or take the mark away."""
    post = db.get_or_404(LivePost, ident)
    if post.deleted_at is not None:
        return render_error(409, "This post was deleted.")
    on = request.form.get("on") == "1"
    live.set_key_event(post, on, current_user)
    if wants_fragment():
        return render_template(
            "admin/_live_post.html",
            post=post,
            story=post.story,
            editor=True,
            can_change=lambda _post: True,
            bodies=post_bodies([post]),
        )
    flash("Marked a key event." if on else "No longer a key event.", "success")
    return redirect(url_for("admin.live_desk", ident=post.story_id, _anchor=post.anchor), 303)
