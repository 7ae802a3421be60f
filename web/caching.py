"""Caching in one place: the content version, the page cache, HTTP caching headers, and the
invalidation listeners that retire cached pages after every content change."""

from __future__ import annotations

import hashlib
import json
import time
from functools import wraps

import sqlalchemy as sa
from flask import Response, current_app, make_response, request, session
from sqlalchemy.orm import Session
from werkzeug.datastructures import ImmutableMultiDict

from extensions import cache
from newsroom.models import CONTENT_MODELS, next_scheduled_time
from web.pages import wants_fragment

VERSION_KEY = "content-version"


# --- content version: one value that every cached page and fragment is keyed on ----------------


def content_version() -> str:
    """The current content version; a scheduled story whose time has come starts a new one."""
    state = cache.get(VERSION_KEY)
    if state is None:
        # Many requests arrive at once after a publish: one starts the new version, the others
        # wait a moment for it, so they all share one set of cached pages.
        if cache.claim(VERSION_KEY, timeout=2):
            try:
                return bump_content_version()
            finally:
                cache.release(VERSION_KEY)
        state = _wait_for(VERSION_KEY, seconds=1.0)
        if state is None:
            return bump_content_version()
    due = state.get("due")
    if due is not None and due <= time.time():
        return bump_content_version()
    return state["v"]


def invalidate_content() -> None:
    """Retire the current content version; the next request starts a new one.

    Called after commits, when the session may not run the query that a new version needs.
    """
    cache.delete(VERSION_KEY)


def bump_content_version() -> str:
    """Invalidate every cached page and fragment; call after any content change is committed."""
    due = next_scheduled_time()
    version = f"{time.time_ns():x}"
    # The version expires on its own too, which bounds how long a change made while the cache
    # was unreachable (so its invalidation was lost) can stay hidden behind cached pages.
    state = {"v": version, "due": due.timestamp() if due else None}
    cache.set(VERSION_KEY, state, timeout=current_app.config["CONTENT_VERSION_SECONDS"])
    return version


# --- the page cache ------------------------------------------------------------------------------


# The query parameters that some page or fragment reads: story lists (before, depth, stream),
# search (q, section, country, from, to, before), the live polls (v, after, seen and the list
# they watch; since, the stamp a live coverage page holds) and a live page's permalink (upto).
# A cached page is rendered from these alone and keyed on them, so any other parameter
# (utm_source, fbclid, junk) can neither change a cached page nor add an entry.
# deploy/nginx/asian-news.conf lists the same names.
QUERY_PARAMETERS = frozenset(
    {"before", "depth", "stream", "q", "section", "country", "from", "to"}
    | {"v", "after", "seen", "region", "tag", "author"}
    | {"since", "upto"}
)


def _cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    return not ("_flashes" in session or "_user_id" in session)


def page_args() -> ImmutableMultiDict:
    """The query as a page reads it: known parameters only, the first value of each, sorted."""
    first: dict[str, str] = {}
    for name, value in request.args.items(multi=True):
        if name in QUERY_PARAMETERS:
            first.setdefault(name, value)
    return ImmutableMultiDict(sorted(first.items()))


def _plain_query() -> bool:
    """True when the query holds known parameters only, each once, so its URL is worth keeping
    in a shared cache (nginx's key is the URL as sent); any other query adds no entry there."""
    names = [name for name, _ in request.args.items(multi=True)]
    return len(set(names)) == len(names) and QUERY_PARAMETERS.issuperset(names)


def page_cache_key() -> str:
    """Everything a cached page varies on: content version, fragment or page, path, page_args."""
    flavour = "f" if wants_fragment() else "p"
    what = json.dumps([request.path, list(page_args().items())])
    digest = hashlib.sha256(what.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{content_version()}:{flavour}:{digest}"


def budget_minute() -> int:
    """The minute a client's page budget counts in."""
    return int(time.time() // 60)


def may_add_page() -> bool:
    """Each client (address) may add PAGE_CACHE_NEW_PER_CLIENT pages a minute to the cache;
    past that its pages are still served, just not kept, so one client cannot flood it."""
    key = f"page-budget:{request.remote_addr}:{budget_minute()}"
    cache.add(key, 0, timeout=120)
    added = cache.inc(key)
    return added is None or added <= current_app.config["PAGE_CACHE_NEW_PER_CLIENT"]


def cached_page(view):
    """Serve an anonymous page or fragment from the shared cache, keyed on all it varies on."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return _finish(make_response(view(*args, **kwargs)), public=False)
        shared = _plain_query()
        request.args = page_args()  # the view sees exactly what the key names
        key = page_cache_key()
        hit = cache.get(key)
        claimed = False
        if hit is None:
            claimed = cache.claim(key)
        if hit is None and not claimed:
            # Single flight: another worker is rendering this page right now (a publish just
            # retired every cached page); wait for its copy rather than all querying at once.
            hit = _wait_for(key)
        if hit is not None:
            return _from_cache(hit, shared)
        response = make_response(view(*args, **kwargs))
        storable = (
            response.status_code in (200, 404, 410)
            and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
            and not session.modified
            and may_add_page()
        )
        if storable:
            if response.status_code == 200 and not wants_fragment():
                _set_etag(response)
            # HX-Replace-Url: how far down a list a page of infinite scroll reaches.
            kept = ("Content-Type", "Vary", "ETag", "HX-Replace-Url")
            headers = [(k, v) for k, v in response.headers.items() if k in kept]
            cache.set(
                key,
                (response.get_data(), response.status_code, headers),
                timeout=current_app.config["PAGE_CACHE_SECONDS"],
            )
            response.headers["X-Cache"] = "MISS"
        if claimed:
            cache.release(key)
        return _finish(response, public=storable, shared=shared)

    return wrapper


def _wait_for(key: str, seconds: float = 2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        hit = cache.get(key)
        if hit is not None:
            return hit
    return None


def _from_cache(hit, shared: bool) -> Response:
    body, status, headers = hit
    response = Response(body, status=status, headers=headers)
    response.headers["X-Cache"] = "HIT"
    return _finish(response, public=True, shared=shared)


def _finish(response: Response, public: bool, shared: bool = True) -> Response:
    """HTTP caching headers: shared and revalidatable for anonymous pages, private otherwise.

    shared=False: nginx must not keep this URL (it is not in the form the site's links use);
    X-Accel-Expires is read by nginx and never reaches the browser.
    """
    if not public:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    if not shared:
        response.headers["X-Accel-Expires"] = "0"
    max_age = current_app.config["HTTP_MAX_AGE"]
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 2}"
    )
    if response.status_code == 200 and not wants_fragment():
        # Full pages only: htmx swaps whatever fetch() hands it, so fragments get no validators.
        if "ETag" not in response.headers:
            _set_etag(response)
        response.make_conditional(request)
    return response


def _set_etag(response: Response) -> None:
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32], weak=True)


# --- invalidation: every commit that changed what readers see starts a new content version --


def register_invalidation() -> None:
    """Start a new content version after every commit that changed content, from anywhere."""
    if sa.event.contains(Session, "before_flush", _note_content_change):
        return
    sa.event.listen(Session, "before_flush", _note_content_change)
    sa.event.listen(Session, "after_commit", _bump_if_changed)
    sa.event.listen(Session, "after_rollback", _forget_change)


def _note_content_change(session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, CONTENT_MODELS):
            session.info["content_changed"] = True
            return


def _bump_if_changed(session) -> None:
    if session.info.pop("content_changed", False):
        invalidate_content()


def _forget_change(session) -> None:
    session.info.pop("content_changed", None)
