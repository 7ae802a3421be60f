"""Live updates: the breaking-news ticker and the "new stories" notice, polled by htmx."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
)

from blueprints.live.ticker import new_items, ticker_state
from blueprints.news.lists import list_scope, parse_cursor_arg
from models import Article
from web import render_page_or_fragment, wants_fragment

bp = Blueprint("live", __name__, url_prefix="/live")

LIVE_CACHE_CONTROL = "public, max-age=10"
MAX_NEW_STORIES = 50


def _no_change():
    response = make_response("", 204)
    response.headers["Cache-Control"] = LIVE_CACHE_CONTROL
    response.vary.add("HX-Request")
    return response


@bp.get("/ticker")
def ticker():
    """The breaking-news ticker; 204 when the version the page shows is still current."""
    state = ticker_state()
    if wants_fragment() and request.args.get("v") == state["version"]:
        return _no_change()
    response = render_page_or_fragment(
        "live/ticker.html",
        "partials/_ticker.html",
        announce=new_items(state, request.args.get("v")),
    )
    response.headers["Cache-Control"] = LIVE_CACHE_CONTROL
    return response


@bp.get("/latest")
def latest():
    """How many stories were published in a list since the page was rendered, as a notice."""
    scope = list_scope(request.args)
    after = parse_cursor_arg("after", required=True)
    if not wants_fragment():
        return redirect(scope.url)
    seen = request.args.get("seen", "0")
    fresh = Article.latest(after=after, limit=MAX_NEW_STORIES + 1, **scope.filters)
    count = len(fresh)
    if str(count) == seen:
        return _no_change()
    response = make_response(
        render_template(
            "partials/_new_stories.html",
            scope=scope,
            after_cursor=request.args["after"],
            count=count,
        )
    )
    response.headers["Cache-Control"] = LIVE_CACHE_CONTROL
    response.vary.add("HX-Request")
    return response


@bp.get("/latest/stories")
def latest_stories():
    """The stories published since the page was rendered, to insert at the top of its list."""
    scope = list_scope(request.args)
    after = parse_cursor_arg("after", required=True)
    if not wants_fragment():
        return redirect(scope.url)
    stories = Article.latest(after=after, limit=MAX_NEW_STORIES, **scope.filters)
    if not stories:
        abort(404)
    response = make_response(
        render_template("partials/_new_story_cards.html", scope=scope, stories=stories)
    )
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("HX-Request")
    return response
