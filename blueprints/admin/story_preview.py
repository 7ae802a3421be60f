"""Preview: the whole story as readers will see it (the reader's own template: hero, gallery,
embeds, byline, related stories), from what the form holds now, saved or not.

The form's Preview button posts the form here, into a tab of its own. The unsaved values are
kept for an hour under a random key (in the cache, never in the database) and the answer is a
page with a frame showing the reader's page at a phone's or a desktop's width; the frame loads
that page by its key. Nothing is written to the database: the story shown is never added to the
session."""

from __future__ import annotations

import secrets

from flask import abort, make_response, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from blueprints.admin.common import bp, requires
from blueprints.admin.story_form import (
    NOT_KEPT,
    STORY_FORM_BYTES,
    _changes,
    form_for,
    typed_tags,
)
from blueprints.news.views import render_body
from extensions import cache, db
from newsroom.models import Role, Story, StoryUpdate, related_stories
from newsroom.preview import preview_story
from newsroom.video import host_name
from web.pages import accepts_body
from web.params import parse_int
from web.security import content_security_policy

KEPT_SECONDS = 3600
# The form's fields a preview needs; the rest (the CSRF token, the photo search) stay out.


@bp.post("/stories/preview")
@requires(Role.WRITER)
@accepts_body(STORY_FORM_BYTES)
def story_preview():
    """The story as readers will see it, from the form's unsaved values, at two widths."""
    original = _original(request.args.get("story"))
    key = secrets.token_urlsafe(18)
    values = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_KEPT]
    cache.set(
        f"preview:{key}",
        {"user": current_user.id, "story": original.id if original else None, "form": values},
        timeout=KEPT_SECONDS,
    )
    form = form_for(original, formdata=MultiDict(values), meta={"csrf": False})
    response = make_response(
        render_template(
            "admin/story_preview.html",
            headline=form.headline.data or "(No headline yet)",
            frame=url_for("admin.story_preview_page", key=key),
        )
    )
    # The page frames the preview, which is on this site.
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_src="'self' https://www.youtube-nocookie.com https://player.vimeo.com"
    )
    return response


@bp.get("/stories/preview/<key>")
@requires(Role.WRITER)
def story_preview_page(key):
    """The reader's page of the previewed story, shown in the preview's frame."""
    kept = cache.get(f"preview:{key[:40]}")
    if not kept or kept.get("user") != current_user.id:
        abort(404, description="This preview has expired: press Preview in the story form again.")
    original = _original(kept["story"])
    form = form_for(original, formdata=MultiDict(kept["form"]), meta={"csrf": False})
    form.tags.data = typed_tags(form, MultiDict(kept["form"]))
    story = preview_story(_changes(form), original)
    try:
        page = render_template(
            "admin/story_preview_page.html",
            story=story,
            body=render_body(story),
            related=related_stories(story),
            # The story's log as saved: a preview shows the entries readers already see.
            updates=StoryUpdate.of(original) if original is not None else [],
            preview=False,
            video_host=host_name(story.video_url) if story.video_embed else "",
        )
    finally:
        # Whatever rendering touched, the previewed story is never saved.
        if story in db.session:
            db.session.expunge(story)
    response = make_response(page)
    response.headers["Content-Security-Policy"] = content_security_policy(frame_ancestors="'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _original(ident) -> Story | None:
    """The saved story the preview starts from, if the form is for one: only for those who may
    see it (404 otherwise, like its address)."""
    if ident in (None, ""):
        return None
    number = parse_int(str(ident))
    story = db.session.get(Story, number) if number is not None else None
    if story is None or not story.is_seen_by(current_user):
        abort(404)
    return story
