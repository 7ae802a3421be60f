"""Stories: the list, writing and editing (the form lives in story_form.py), killing, preview."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import PER_PAGE, bp, form_response, requires, search_text
from blueprints.admin.forms import KillForm
from blueprints.admin.story_form import STORY_FORM_BYTES, story_form
from blueprints.news.views import embed_cards
from extensions import db
from newsroom.content import expand_embeds, render_story_body
from newsroom.models import (
    Author,
    Country,
    Role,
    Section,
    Status,
    Story,
)
from newsroom.stories import KILLABLE, CannotKill, kill_story
from web import auth
from web.pages import accepts_body
from web.params import cursor_arg, parse_int


@bp.get("/stories")
@requires(Role.WRITER)
def stories():
    """The stories you may see (all of them for editors), newest change first, filtered."""
    args = request.args
    page = Story.desk_page(
        Story.seen_by(current_user),
        status=args["status"] if args.get("status") in {s.value for s in Status} else None,
        section_id=parse_int(args.get("section")),
        country_id=parse_int(args.get("country")),
        author_id=parse_int(args.get("author")),
        q=search_text(args.get("q")),
        before=cursor_arg("before"),
        limit=PER_PAGE,
    )
    filters = {k: v for k, v in args.items() if k != "before"}
    return render_template(
        "admin/stories.html",
        stories=page.rows,
        can_edit=lambda story: story.is_editable_by(current_user),
        next_cursor=page.next_cursor,
        filters=filters,
        statuses=list(Status),
        sections=Section.ordered(),
        countries=Country.all_by_name(),
        authors=Author.all_by_name(),
    )


def _load_story(ident: int) -> Story:
    """The story, if the signed-in user may edit it: 404 if there is none, else 403.

    This check is about the story, not the role: a writer edits only their own drafts."""
    # A save reads the revision to decide whether to write: on PostgreSQL the row is locked
    # (FOR UPDATE) so two editors saving at once cannot both pass the check. SQLite serializes
    # writing requests with BEGIN IMMEDIATE instead.
    story = db.get_or_404(Story, ident, with_for_update=request.method == "POST")
    if not story.is_editable_by(current_user):
        auth.security_event("authorization", "denied", story=ident)
        abort(403)
    return story


@bp.route("/stories/new", methods=["GET", "POST"])
@requires(Role.WRITER)
@accepts_body(STORY_FORM_BYTES)
def story_new():
    """Write a new story."""
    return story_form(None)


@bp.route("/stories/<int:ident>", methods=["GET", "POST"])
@requires(Role.WRITER)
@accepts_body(STORY_FORM_BYTES)
def story_edit(ident):
    """Edit a story, move it through the workflow, and see its history."""
    return story_form(_load_story(ident))


@bp.route("/stories/<int:ident>/kill", methods=["GET", "POST"])
@requires(Role.EDITOR)
def story_kill(ident):
    """Kill a story: say why, confirm, and its addresses answer 410 Gone with that notice."""
    story = _load_story(ident)
    form = KillForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                kill_story(story, form.notice.data, by=current_user)
            except CannotKill as exc:
                form.notice.errors = [str(exc)]
                status = 409 if story.status not in KILLABLE else 422
            else:
                flash("Story killed. Its addresses now show readers your notice.", "success")
                return redirect(url_for("admin.story_edit", ident=story.id), 303)
    return form_response("admin/story_kill.html", status, form=form, story=story)


@bp.post("/preview")
@requires(Role.WRITER)
@accepts_body(STORY_FORM_BYTES)
def preview():
    """The story body as readers will see it, for the live preview beside the editor."""
    body = request.form.get("body", "")[:200_000]
    html, ids = render_story_body(request.form.get("dateline", ""), body)
    cards, links = embed_cards(tuple(ids)) if ids else ({}, {})
    return render_template("admin/_preview.html", body=expand_embeds(html, cards, links))
