"""Caching in one place: the content version, the page cache, HTTP caching headers, and the
invalidation listeners that retire cached pages after every content change."""

from __future__ import annotations

import hashlib
import json
import time
from functools import wraps

import sqlalchemy as sa
from flask import Response, current_app, g, has_request_context, make_response, request, session
from sqlalchemy.orm import Session
from werkzeug.datastructures import ImmutableMultiDict

from extensions import cache, db
from newsroom.models import CONTENT_MODELS, next_scheduled_time
from web.pages import wants_fragment
from web.stored_pages import (
    accepted_encodings,
    finish_public,
    set_etag,
    stored_page,
    stored_response,
)

VERSION_KEY = "content-version"
# The page key the fast path (web/fast_path.py) has just found nothing under, in the request's
# WSGI environ: Flask's path does not ask the cache for it again (a round trip to Redis).
PAGE_MISSED = "asiannews.page_missed"


# --- content version: one value that every cached page and fragment is keyed on ----------------


def content_version() -> str:
    """The current content version, read once per request (a page asks for it several times:
    its cache key, the front, the navigation, the ticker)."""
    if not has_request_context():
        return _read_content_version()
    version = g.get("content_version")
    if version is None:
        version = g.content_version = _read_content_version()
    return version


def live_version(state) -> str | None:
    """The version a stored content-version state names, or None when it is due for a new one
    (a scheduled story's time has come)."""
    if not isinstance(state, dict):
        return None
    due = state.get("due")
    if due is not None and due <= time.time():
        return None
    return state.get("v")


def _read_content_version() -> str:
    """The current content version; a scheduled story whose time has come starts a new one."""
    state = cache.get(VERSION_KEY)
    remember_version(state)
    version = live_version(state)
    if version is not None:
        return version
    return _read_afresh(_new_version(waiting=state is None))


def _new_version(waiting: bool) -> str:
    """A new content version. After a publish (`waiting`: none is stored) many requests arrive
    at once: one starts the new version, the others wait a moment for it, so they all share one
    set of cached pages. A scheduled story's time coming starts one at once."""
    if waiting:
        if cache.claim(VERSION_KEY, timeout=2):
            try:
                return bump_content_version()
            finally:
                cache.release(VERSION_KEY)
        state = _wait_for(VERSION_KEY, seconds=1.0)
        version = live_version(state)
        if version is not None:
            remember_version(state)
            return version
    return bump_content_version()


def _read_afresh(version: str) -> str:
    """An anonymous reader's request (what it gets may be kept) that has just started, or waited
    for, a new content version ends the transaction it may have begun before, so that what it
    reads next is at least as new as the version. SQLite reads from one snapshot per
    transaction: one begun before the version was stored (by the query for the next scheduled
    time, say) could miss a publish that retired the previous version, and what it rendered
    would be kept under the new one as current."""
    if has_request_context() and _cacheable_request():
        reads = db.session()
        if reads.in_transaction() and not (reads.new or reads.dirty or reads.deleted):
            reads.rollback()
    return version


# However it is set, a worker asks for the content version at least this often.
MOST_RECHECK_SECONDS = 5.0


def recheck_seconds(config) -> float:
    """CONTENT_VERSION_RECHECK_SECONDS, kept within 0 and MOST_RECHECK_SECONDS."""
    return min(max(float(config["CONTENT_VERSION_RECHECK_SECONDS"]), 0.0), MOST_RECHECK_SECONDS)


class SeenVersion:
    """The content version state this worker last read or stored, trusted for `seconds`
    (CONTENT_VERSION_RECHECK_SECONDS): the fast path (web/fast_path.py) answers from it instead
    of asking the cache on every hit; Flask's path notes what it reads and retires."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.seen: tuple[float, dict] | None = None  # (until when, state)

    def remember(self, state, now: float | None = None) -> None:
        """Note a state read or stored; None (none stored, or retired here) forgets it."""
        if isinstance(state, dict) and self.seconds > 0:
            self.seen = ((time.monotonic() if now is None else now) + self.seconds, state)
        else:
            self.seen = None

    def recent(self, now: float):
        """The state noted less than `seconds` ago, else None."""
        seen = self.seen
        return seen[1] if seen is not None and seen[0] > now else None


def seen_version(app) -> SeenVersion:
    """This worker's SeenVersion, one per app."""
    seen = app.extensions.get("content_version_seen")
    if seen is None:
        seen = app.extensions["content_version_seen"] = SeenVersion(recheck_seconds(app.config))
    return seen


def remember_version(state) -> None:
    """Note the content version state this worker has just read or stored (SeenVersion)."""
    seen_version(current_app).remember(state)


def invalidate_content() -> None:
    """Retire the current content version; the next request starts a new one.

    Called after commits, when the session may not run the query that a new version needs.
    """
    cache.delete(VERSION_KEY)
    remember_version(None)
    if has_request_context():
        g.pop("content_version", None)


def bump_content_version() -> str:
    """Invalidate every cached page and fragment; call after any content change is committed."""
    due = next_scheduled_time()
    version = f"{time.time_ns():x}"
    # The version expires on its own too, which bounds how long a change made while the cache
    # was unreachable (so its invalidation was lost) can stay hidden behind cached pages.
    state = {"v": version, "due": due.timestamp() if due else None}
    cache.set(VERSION_KEY, state, timeout=current_app.config["CONTENT_VERSION_SECONDS"])
    remember_version(state)
    if has_request_context():
        g.content_version = version
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


def known_args(args) -> list[tuple[str, str]]:
    """The query as a page reads it: known parameters only, the first value of each, sorted."""
    first: dict[str, str] = {}
    for name, value in args.items(multi=True):
        if name in QUERY_PARAMETERS:
            first.setdefault(name, value)
    return sorted(first.items())


def page_args() -> ImmutableMultiDict:
    """This request's query as a page reads it (see known_args)."""
    return ImmutableMultiDict(known_args(request.args))


def plain_query(args) -> bool:
    """True when the query holds known parameters only, each once, so its URL is worth keeping
    in a shared cache (nginx's key is the URL as sent); any other query adds no entry there."""
    names = [name for name, _ in args.items(multi=True)]
    return len(set(names)) == len(names) and QUERY_PARAMETERS.issuperset(names)


def page_key(version: str, fragment: bool, path: str, args: list[tuple[str, str]]) -> str:
    """Everything a cached page varies on: content version, fragment or page, path, known query."""
    what = json.dumps([path, args])
    digest = hashlib.sha256(what.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{version}:{'f' if fragment else 'p'}:{digest}"


def page_cache_key() -> str:
    """This request's page key (see page_key)."""
    return page_key(content_version(), wants_fragment(), request.path, known_args(request.args))


def budget_minute() -> int:
    """The minute a client's page budget counts in."""
    return int(time.time() // 60)


def may_add_page() -> bool:
    """Each client (address) may add PAGE_CACHE_NEW_PER_CLIENT pages a minute to the cache;
    past that its pages are still served, just not kept, so one client cannot flood it."""
    budget = current_app.config["PAGE_CACHE_NEW_PER_CLIENT"]
    if budget <= 0:
        return False  # no page is kept: nothing to count
    key = f"page-budget:{request.remote_addr}:{budget_minute()}"
    cache.add(key, 0, timeout=120)
    added = cache.inc(key)
    return added is None or added <= budget


def cached_page(view):
    """Serve an anonymous page or fragment from the shared cache, keyed on all it varies on."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return _finish(make_response(view(*args, **kwargs)), public=False)
        shared = plain_query(request.args)
        request.args = page_args()  # the view sees exactly what the key names
        key = page_cache_key()
        hit = None if request.environ.get(PAGE_MISSED) == key else cache.get(key)
        claimed = False
        if hit is None and current_app.config["PAGE_CACHE_NEW_PER_CLIENT"] > 0:
            claimed = cache.claim(key)
            if not claimed:
                # Single flight: another worker is rendering this page right now (a publish
                # just retired every cached page); wait for its copy rather than all querying
                # at once. With no page kept (a budget of 0) there is no copy to wait for.
                hit = _wait_for(key, while_claimed=True)
        if not isinstance(hit, dict):
            hit = None  # nothing, or a page stored by an older version of the site (a tuple)
        if hit is not None:
            response = stored_response(hit, request.headers.get("Accept-Encoding"))
            response.headers["X-Cache"] = "HIT"
            return _finish(response, public=True, shared=shared)
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
                set_etag(response)
            accept = request.headers.get("Accept-Encoding")
            if cache.keeps_nothing:
                # No copy is kept (every cache off): only the one this reader takes is made.
                entry = stored_page(response, accepted_encodings(accept)[:1])
            else:
                entry = stored_page(response)
                cache.set(key, entry, timeout=current_app.config["PAGE_CACHE_SECONDS"])
            # This reader gets what the next one will (the stored copy, compressed the same
            # way), or with nothing kept, the one copy made for them.
            response = stored_response(entry, accept)
            response.headers["X-Cache"] = "MISS"
        if claimed:
            cache.release(key)
        return _finish(response, public=storable, shared=shared)

    return wrapper


def _wait_for(key: str, seconds: float = 2.0, while_claimed: bool = False):
    """The entry another worker is making, once it is there; None after `seconds`, or (with
    while_claimed) as soon as that worker lets go without storing it (a client past its page
    budget, a page not to keep): waiting longer would be for nothing."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        hit = cache.get(key)
        if hit is not None:
            return hit
        if while_claimed and not cache.claimed(key):
            return cache.get(key)
    return None


# --- polls: an unchanged one is answered 204 from the cache alone --------------------------------

# Shared caches keep a live page poll's answer this long at most: a post reaches a reader within
# one poll interval and this (bench/live.py measures it; 10 s, the ticker's, made it 19.5 s at p95).
LIVE_POLL_CACHE_SECONDS = 2


def poll_cache_control(config, poll_setting: str, most: int = 10) -> str:
    """Shared caches may keep a poll answer for up to `most` seconds, never as long as the poll
    interval. The URL names the version the page shows, so a kept answer is never wrong, only
    late."""
    seconds = min(most, max(0, config[poll_setting] - 1))
    return f"public, max-age={seconds}"


def poll_key(version: str, args: list[tuple[str, str]]) -> str:
    """Where the count of new stories for a list and cursor is kept, under a content version
    (what the page already shows, `seen`, is not part of it)."""
    what = json.dumps([(name, value) for name, value in args if name != "seen"])
    digest = hashlib.sha256(what.encode("utf-8", "surrogateescape")).hexdigest()
    return f"poll-count:{version}:{digest}"


# --- HTTP caching headers -----------------------------------------------------------------------


def _finish(response: Response, public: bool, shared: bool = True) -> Response:
    """HTTP caching headers: shared and revalidatable for anonymous pages, private otherwise.

    shared=False: nginx must not keep this URL (it is not in the form the site's links use);
    X-Accel-Expires is read by nginx and never reaches the browser.
    """
    if not public:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    finish_public(response, shared, wants_fragment(), current_app.config["HTTP_MAX_AGE"])
    if response.status_code == 200 and not wants_fragment():
        response.make_conditional(request)
    return response


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
