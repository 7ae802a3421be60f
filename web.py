"""Request helpers shared by the reader blueprints: fragment-or-page, page cache, HTTP caching."""

from __future__ import annotations

import hashlib
import json
import time
from functools import wraps
from urllib.parse import urljoin

from flask import (
    Request,
    Response,
    after_this_request,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import ImmutableMultiDict

from extensions import cache

VERSION_KEY = "content-version"


# --- request bodies: small everywhere but where a view says otherwise ------------------------


def accepts_body(max_bytes: int):
    """Let this view receive a request body up to max_bytes (MAX_CONTENT_LENGTH elsewhere)."""

    def mark(view):
        view.max_body_bytes = max_bytes
        return view

    return mark


class BodyLimitedRequest(Request):
    """A request whose body limit is its view's own (see accepts_body), known before anything
    reads the form: the CSRF check and the NUL-byte check read it before the view runs."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None:
            view = current_app.view_functions.get(self.endpoint)
            limit = getattr(view, "max_body_bytes", None)
            if limit is not None:
                return limit
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


# --- fragment or page ------------------------------------------------------------------------


# Every request header that wants_fragment() reads. A response chosen by it varies on all of
# them, and every cache in front of the app keys on its outcome (deploy/nginx/asian-news.conf).
FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Request-Type")


def wants_fragment() -> bool:
    """True when htmx asked for a part of the page (not a boosted navigation or history restore).

    The response to a request that asked this names every header consulted in its Vary.
    """
    if not g.get("varies_on_fragment_headers"):
        g.varies_on_fragment_headers = True
        after_this_request(_vary_on_fragment_headers)
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Request-Type", "partial") == "partial"
    )


def _vary_on_fragment_headers(response: Response) -> Response:
    response.vary.update(FRAGMENT_HEADERS)
    return response


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the fragment for htmx, the whole page otherwise; both vary on FRAGMENT_HEADERS."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


# --- absolute URLs from configuration, never from the request's Host ----------------------------


def absolute_url(endpoint: str, **values) -> str:
    return urljoin(current_app.config["SITE_URL"], url_for(endpoint, **values))


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
    from models import next_scheduled_time

    due = next_scheduled_time()
    version = f"{time.time_ns():x}"
    # The version expires on its own too, which bounds how long a change made while the cache
    # was unreachable (so its invalidation was lost) can stay hidden behind cached pages.
    state = {"v": version, "due": due.timestamp() if due else None}
    cache.set(VERSION_KEY, state, timeout=current_app.config["CONTENT_VERSION_SECONDS"])
    return version


# --- the page cache ------------------------------------------------------------------------------


# The query parameters that some page or fragment reads: story lists (before, depth, stream),
# search (q, section, country, from, to, start) and the live polls (v, after, seen and the list
# they watch). A cached page is rendered from these alone and keyed on them, so any other
# parameter (utm_source, fbclid, junk) can neither change a cached page nor add an entry.
# deploy/nginx/asian-news.conf lists the same names.
QUERY_PARAMETERS = frozenset(
    {"before", "depth", "stream", "q", "section", "country", "from", "to", "start"}
    | {"v", "after", "seen", "region", "tag", "author"}
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


def _may_add_page() -> bool:
    """Each client (address) may add PAGE_CACHE_NEW_PER_CLIENT pages a minute to the cache;
    past that its pages are still served, just not kept, so one client cannot flood it."""
    key = f"page-budget:{request.remote_addr}:{int(time.time() // 60)}"
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
            and _may_add_page()
        )
        if storable:
            if response.status_code == 200 and not wants_fragment():
                _set_etag(response)
            kept = ("Content-Type", "Vary", "ETag")
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
