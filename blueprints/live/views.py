"""Live updates: the breaking-news ticker and the "new stories" notice, polled by htmx."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from blueprints.news.lists import list_scope
from extensions import cache
from newsroom.models import card_page
from web.caching import content_version, known_args, may_add_page, poll_cache_control, poll_key
from web.pages import render_page_or_fragment, wants_fragment
from web.params import cursor_arg
from web.ticker import new_items, ticker_state

bp = Blueprint("live", __name__, url_prefix="/live")

MAX_NEW_STORIES = 50


def live_cache_control(poll_setting: str, most: int = 10) -> str:
    """How long shared caches may keep a poll's answer (see poll_cache_control)."""
    return poll_cache_control(current_app.config, poll_setting, most)


def _home_stream() -> bool:
    """True when the cards are for the front page's stream (`stream=home`), which has no
    pictures; 400 for any other value."""
    stream = request.args.get("stream", "")
    if stream not in ("", "home"):
        abort(400, description="This list link is not valid. Start again from the first page.")
    return stream == "home"


def _no_change(poll_setting: str):
    response = make_response("", 204)
    response.headers["Cache-Control"] = live_cache_control(poll_setting)
    response.vary.add("HX-Request")
    return response


@bp.get("/ticker")
def ticker():
    """The breaking-news ticker; 204 when the version the page shows is still current."""
    state = ticker_state()
    if wants_fragment() and request.args.get("v") == state["version"]:
        return _no_change("TICKER_POLL_SECONDS")
    response = render_page_or_fragment(
        "live/ticker.html",
        "partials/_ticker.html",
        announce=new_items(state, request.args.get("v")),
    )
    response.headers["Cache-Control"] = live_cache_control("TICKER_POLL_SECONDS")
    return response


@bp.get("/latest")
def latest():
    """How many stories were published in a list since the page was rendered, as a notice;
    screen readers hear once (when there were none before) that there are new ones."""
    # The version is read before anything else: a story published after it then starts a newer
    # version, and this count, filed under the older one, cannot hide it from the next poll.
    version = content_version()
    scope = list_scope(request.args)
    after = cursor_arg("after", required=True)
    home_stream = _home_stream()
    if not wants_fragment():
        return redirect(url_for("news.home") if home_stream else scope.url)
    seen = request.args.get("seen", "0")
    fresh = card_page(after=after, limit=MAX_NEW_STORIES + 1, fill=False, **scope.filters).rows
    count = len(fresh)
    if may_add_page():
        # The next poll from a page holding this count is answered 204 from the cache alone,
        # before Flask (web/fast_path.py), until the content changes. Within one content version
        # the count is fixed, so the first poll's answer stands: add, not set, writes it once.
        key = poll_key(version, known_args(request.args))
        cache.add(key, count, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    if str(count) == seen:
        return _no_change("LATEST_POLL_SECONDS")
    response = make_response(
        render_template(
            "partials/_new_stories.html",
            scope=scope,
            after_cursor=after,
            count=count,
            home_stream=home_stream,
            announce=count > 0 and seen == "0",
        )
    )
    response.headers["Cache-Control"] = live_cache_control("LATEST_POLL_SECONDS")
    response.vary.add("HX-Request")
    return response


@bp.get("/latest/stories")
def latest_stories():
    """The stories published since the page was rendered, to insert at the top of its list in
    that list's style."""
    scope = list_scope(request.args)
    after = cursor_arg("after", required=True)
    home_stream = _home_stream()
    if not wants_fragment():
        return redirect(url_for("news.home") if home_stream else scope.url)
    stories = card_page(after=after, limit=MAX_NEW_STORIES, **scope.filters).rows
    if not stories:
        abort(404)
    response = make_response(
        render_template(
            "partials/_new_story_cards.html",
            scope=scope,
            stories=stories,
            home_stream=home_stream,
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("HX-Request")
    return response
