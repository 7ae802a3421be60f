"""The live coverage poll: a reader's live page asks what changed since the stamp it holds.

Every reader holding the same stamp sends the same URL, so nginx's micro-cache and the app's
cache answer them all from one copy. An unchanged page is answered from the app cache alone
(the page's state, keyed on the content version that every save retires): 204, no post read."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.live.views import bp, live_cache_control
from blueprints.news import live_page
from blueprints.news.views import embed_cards
from extensions import cache, db
from newsroom.models import Status, Story
from newsroom.models.cursors import CURSOR_MAX_MICROS
from web.caching import LIVE_POLL_CACHE_SECONDS, content_version, may_add_page
from web.pages import wants_fragment
from web.params import parse_int

STATE_SECONDS = 600
FRAGMENT_SECONDS = 120


def coverage_state(story_id: int) -> dict | None:
    """The live page's stamp, address and visibility, cached per content version; None when
    there is no live page with this id."""
    key = f"live-state:{content_version()}:{story_id}"
    state = cache.get(key)
    if state is None:
        story = db.session.get(Story, story_id)
        if story is None or not story.is_live_page or story.status == Status.KILLED:
            return None  # not kept: junk ids must not add cache entries
        state = {
            "stamp": live_page.stamp_of(story),
            "slug": story.slug,
            "visible": story.is_visible,
        }
        cache.set(key, state, timeout=STATE_SECONDS)
    return state


def _may_preview(story_id: int) -> bool:
    """Newsroom members following an unpublished live page they may see in the admin."""
    if not current_user.is_authenticated:
        return False
    story = db.session.get(Story, story_id)
    return story is not None and story.is_seen_by(current_user)


def _headers(response, public: bool):
    response.headers["Cache-Control"] = (
        live_cache_control("LIVE_POLL_SECONDS", most=LIVE_POLL_CACHE_SECONDS)
        if public
        else "private, no-store"
    )
    response.vary.add("HX-Request")
    return response


@bp.get("/coverage/<int:story_id>")
def coverage(story_id):
    """The posts of a live page written, edited or deleted since `since`; 204 when none were."""
    since = parse_int(request.args.get("since"), minimum=0, maximum=CURSOR_MAX_MICROS)
    if since is None:
        abort(400, description="This live page's update address is not valid. Reload the page.")
    state = coverage_state(story_id)
    if state is None:
        abort(404)
    public = state["visible"]
    if not public and not _may_preview(story_id):
        abort(404)
    if not wants_fragment():
        return redirect(url_for("news.story", slug=state["slug"]))
    if since == state["stamp"]:
        return _headers(make_response("", 204), public)
    key = f"live-poll:{content_version()}:{story_id}:{since}"
    body = cache.get(key)
    if body is None:
        story = db.session.get(Story, story_id)
        live = live_page.changes(story, since, embed_cards)
        body = render_template("news/_live_poll.html", live=live, story=story, changes=True)
        # Every reader holding a stamp the page handed out asks the same; any other `since`
        # (a script counting up) is answered, not kept: it must not fill the cache.
        if may_add_page():
            cache.set(key, body, timeout=FRAGMENT_SECONDS)
    return _headers(make_response(body), public)
