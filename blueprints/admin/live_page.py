"""Running a live page from its desk: opening (or reopening) the coverage, the pinned summary,
the writers who may post, closing. Each is an editor's, and each is the live service's write."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.admin.common import bp, requires
from blueprints.admin.live import desk_page, writers_form
from blueprints.admin.live_forms import SummaryForm
from extensions import db
from newsroom import live
from newsroom.models import Role, Story, User
from newsroom.stories import StoryRefused
from web.errors import render_error
from web.pages import wants_fragment


def _back_to_desk(story: Story, message: str):
    flash(message, "success")
    return redirect(url_for("admin.live_desk", ident=story.id), 303)


@bp.post("/stories/<int:ident>/live/open")
@requires(Role.EDITOR)
def live_open(ident):
    """Make the story a live page, or reopen its closed coverage."""
    story = db.get_or_404(Story, ident)
    reopening = story.is_live_page
    try:
        live.open_coverage(story, current_user)
    except StoryRefused as refused:
        return render_error(409, str(refused))
    if reopening:
        return _back_to_desk(story, "Coverage reopened: readers' pages update again.")
    return _back_to_desk(story, "This story is now a live page. Post the first update below.")


@bp.post("/stories/<int:ident>/live/close")
@requires(Role.EDITOR)
def live_close(ident):
    """End the coverage: readers see "Live coverage ended" and their pages stop checking."""
    story = db.get_or_404(Story, ident)
    try:
        live.close_coverage(story, current_user)
    except StoryRefused as refused:
        return render_error(409, str(refused))
    return _back_to_desk(story, "Coverage closed. Readers see that it has ended; reopen it here.")


@bp.post("/stories/<int:ident>/live/summary")
@requires(Role.EDITOR)
def live_summary(ident):
    """Pin the summary ("What we know") above the posts; an empty one takes it away."""
    story = db.get_or_404(Story, ident)
    form = SummaryForm()
    if form.validate():
        try:
            live.set_summary(story, form.summary.data or "", current_user)
        except StoryRefused as refused:
            form.summary.errors = [str(refused)]
        else:
            message = "Summary saved: readers see it above the posts."
            if not story.live_summary_md:
                message = "The summary was taken away."
            if wants_fragment():
                return _section("admin/_live_summary.html", story, summary_form=form, saved=message)
            return _back_to_desk(story, message)
    if wants_fragment():
        return _section("admin/_live_summary.html", story, 422, summary_form=form)
    return desk_page(story, 422, summary_form=form)


@bp.post("/stories/<int:ident>/live/writers")
@requires(Role.EDITOR)
def live_writers(ident):
    """Choose the writers who may post to this page."""
    story = db.get_or_404(Story, ident)
    form = writers_form(story, sent=True)
    if not form.validate():
        if wants_fragment():
            return _section("admin/_live_writers.html", story, 422, writers_form=form)
        return desk_page(story, 422, writers_form=form)
    chosen = set(form.writers.data or [])
    people = [u for u in User.active_writers() if u.id in chosen]
    live.set_contributors(story, people, current_user)
    message = "Writers saved: " + (", ".join(p.display_name for p in people) or "none") + "."
    if wants_fragment():
        return _section(
            "admin/_live_writers.html",
            story,
            writers_form=writers_form(story),
            saved=message,
        )
    return _back_to_desk(story, message)


def _section(template: str, story: Story, status: int = 200, **context):
    return render_template(template, story=story, **context), status
