"""The fast path: a reader's request that the cache can answer is answered before Flask runs.

Most requests a news site gets are anonymous readers asking for a page that is already in the
page cache, and pages polling the ticker, the new-stories notice or a live page that has not
changed. For those, Flask's request machinery (request and app contexts, sessions, sign-in, rate
limits, hooks) costs several times what serving the stored body does. This WSGI layer, placed
between ProxyFix and Flask, reads the same cache entries with the same keys (web/caching.py) and
answers with exactly the headers the Flask path gives (tests/web/test_fast_path.py compares
them). Anything else, and any doubt (a cookie, a cache miss or error, a due scheduled story,
a 404), goes on to Flask unchanged.
"""

from __future__ import annotations

import io
import re
import time
from collections import OrderedDict
from functools import lru_cache
from urllib.parse import parse_qs

from flask import Flask, Response
from werkzeug.datastructures import EnvironHeaders, Headers, MultiDict
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Request
from werkzeug.wsgi import ClosingIterator

from extensions import cache
from newsroom import readership
from web.beacon import BEACON_BYTES, STORY_ID, beacon_limit, declines_counting, fold_when_due
from web.caching import (
    LIVE_POLL_CACHE_SECONDS,
    PAGE_MISSED,
    VERSION_KEY,
    known_args,
    live_version,
    page_key,
    plain_query,
    poll_cache_control,
    poll_key,
    seen_version,
)
from web.observability import request_id
from web.pages import FRAGMENT_HEADERS, fragment_requested
from web.security import add_security_headers
from web.stored_pages import finish_public, stored_body, stored_response

# The polls a page sends on a timer, answered 204 when nothing changed (blueprints/live).
TICKER_PATH = "/live/ticker"
LATEST_PATH = "/live/latest"
COVERAGE_PATH = re.compile(r"/live/coverage/([0-9]{1,18})")
# The counting beacon (blueprints/readership): an ordinary one is counted here.
BEACON_PATH = "/count"
FORM = "application/x-www-form-urlencoded"


# Request headers that make an answer conditional or partial: those go the werkzeug way below
# (make_conditional), which is slower but the same code Flask's path runs.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")
NO_ARGS = MultiDict()
# How many of its last pages a worker keeps at hand, and for how long.
KEEP_PAGES = 32
KEEP_SECONDS = 5.0


class FastPath:
    """WSGI middleware: cached pages and unchanged polls for readers without a session."""

    def __init__(self, app: Flask, wsgi_app):
        self.wsgi_app = wsgi_app
        self.app = app
        self.config = app.config
        # As Flask's path answers a beacon (its 204 is a Response like any other; Flask-Login's
        # hooks read the session, so Vary names Cookie).
        self.beacon_headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Vary", "Cookie"),
        ]
        self.backend = app.extensions["cache"][cache]
        # The content version this worker last read or stored.
        self.seen = seen_version(app)
        self.health = app.extensions.setdefault("cache_health", {"down_until": 0.0, "error": ""})
        self.cookies = (
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )
        self.trusted = app.config.get("TRUSTED_HOSTS")
        # The pages this worker served last, by page key: a key names its content version, so a
        # kept page is the stored one (re-read after KEEP_SECONDS in case the cache dropped it).
        self.kept: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        # The headers every answer carries, worked out once: the security headers (with HSTS
        # over https), and the caching headers of a stored page.
        self.security = {}
        for secure in (False, True):
            headers = Headers()
            add_security_headers(headers, secure=secure)
            self.security[secure] = headers.to_wsgi_list()
        self.page_headers = {}
        for shared in (False, True):
            probe = Response(b"", 200)
            finish_public(probe, shared, True, app.config["HTTP_MAX_AGE"])
            self.page_headers[shared] = [
                (k, v)
                for k, v in probe.headers.to_wsgi_list()
                if k not in ("Content-Type", "Content-Length")
            ]

    def __call__(self, environ, start_response):
        answer = None
        method = environ.get("REQUEST_METHOD")
        if method == "POST" and environ.get("PATH_INFO") == BEACON_PATH:
            return self._beacon(environ, start_response)
        if method in ("GET", "HEAD") and not self._has_session(environ):
            try:
                answer = self._answer(environ)
            except Exception:  # a broken cache entry or backend: Flask's path copes and logs
                answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        if isinstance(answer, Response):
            return answer(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    def _beacon(self, environ, start_response):
        """An ordinary beacon, counted with Flask's rules (web/beacon.py) and answered 204; one
        with anything unusual (no Sec-Fetch-Site, another site, a session, an odd body, a story
        not yet known to be live this content version, over the limit) goes on to Flask, which
        answers it, errors included, as it always has."""
        if (
            environ.get("HTTP_SEC_FETCH_SITE") != "same-origin"
            or self._has_session(environ)
            or not environ.get("CONTENT_TYPE", "").startswith(FORM)
        ):
            return self.wsgi_app(environ, start_response)
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or not 0 < int(length) <= BEACON_BYTES:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again if it takes over
        try:
            answer = self._count(environ, body)
        except Exception:  # a cache or buffer error: Flask's path copes and logs
            answer = None
        if answer is None:
            environ["wsgi.input"].seek(0)
            return self.wsgi_app(environ, start_response)
        headers, after = answer
        start_response("204 NO CONTENT", headers)
        return ClosingIterator([], after) if after else []

    def _count(self, environ, body: bytes):
        with self.app.app_context():
            story, referrer, after = None, None, None
            if not declines_counting(EnvironHeaders(environ)):
                form = parse_qs(body.decode("ascii"), max_num_fields=4)
                story = form.get("story", [""])[-1]
                referrer = readership.clean_referrer(form.get("from", [None])[-1])
                if not STORY_ID.fullmatch(story) or referrer is None:
                    return None
                version = live_version(self.backend.get(VERSION_KEY))
                if version is None or not readership.known_live(int(story), version):
                    return None
            # Last, so that a beacon Flask takes over is not held against the limit twice.
            if not beacon_limit(self.app).allows(environ.get("REMOTE_ADDR")):
                return None  # Flask answers the 429
            if story is not None:
                readership.record_view(int(story), referrer)
                after = fold_when_due(self.app)
        ids = [("X-Request-ID", request_id(environ.get("HTTP_X_REQUEST_ID", "")))]
        secure = self.security[environ.get("wsgi.url_scheme") == "https"]
        return [*self.beacon_headers, *ids, *secure], after

    def _has_session(self, environ) -> bool:
        cookies = environ.get("HTTP_COOKIE", "")
        return any(name in cookies for name in self.cookies)

    def _answer(self, environ):
        now = time.monotonic()
        if now < self.health["down_until"]:
            return None
        version = live_version(self._version_state(now))
        if version is None:
            return None
        if self.trusted and not host_is_trusted(Request(environ).host, self.trusted):
            return None  # Flask refuses it with a 400
        # As werkzeug reads them (request.path, request.args, request.headers).
        raw = environ.get("PATH_INFO") or ""
        path = "/" + raw.encode("latin1").decode("utf-8", "replace").lstrip("/")
        args = Request(environ).args if environ.get("QUERY_STRING") else NO_ARGS
        headers = EnvironHeaders(environ)
        fragment = fragment_requested(headers)
        coverage = COVERAGE_PATH.fullmatch(path)
        if path == TICKER_PATH:
            answer = self._unchanged_ticker(version, fragment, args)
        elif path == LATEST_PATH:
            answer = self._unchanged_latest(version, fragment, args)
        elif coverage:
            answer = self._unchanged_coverage(version, fragment, args, int(coverage[1]))
        else:
            answer = self._stored_page(version, fragment, path, args, environ)
        if answer is None:
            return None
        # What Flask's hooks add to every response: the headers wants_fragment() read and the
        # session cookie (which Flask notes as read), the request id, the security headers.
        ids = [("X-Request-ID", request_id(environ.get("HTTP_X_REQUEST_ID", "")))]
        secure = self.security[environ.get("wsgi.url_scheme") == "https"]
        if isinstance(answer, Response):
            answer.vary.update((*FRAGMENT_HEADERS, "Cookie"))
            answer.headers.extend(ids + secure)
            return answer
        status, response_headers, body, vary = answer
        vary = _merged((*vary, *FRAGMENT_HEADERS, "Cookie"))
        return status, [*response_headers, ("Vary", vary), *ids, *secure], body

    def _version_state(self, now: float):
        """The content version state: the one this worker last saw, for
        CONTENT_VERSION_RECHECK_SECONDS, else the cache's (a round trip to Redis)."""
        state = self.seen.recent(now)
        if state is None:
            state = self.backend.get(VERSION_KEY)
            self.seen.remember(state, now)
        return state

    def _stored_page(self, version, fragment, path, args, environ):
        key = page_key(version, fragment, path, known_args(args))
        entry = self._page(key)
        if entry is None:
            environ[PAGE_MISSED] = key  # Flask's path need not ask the cache again
        if not isinstance(entry, dict) or entry.get("status") != 200:
            return None  # not stored, or a 404/410 (Flask's path logs those)
        accept = environ.get("HTTP_ACCEPT_ENCODING")
        shared = plain_query(args)
        if not fragment and any(name in environ for name in CONDITIONAL):
            response = stored_response(entry, accept)
            response.headers["X-Cache"] = "HIT"
            finish_public(response, shared, fragment, self.config["HTTP_MAX_AGE"])
            response.make_conditional(environ)
            return response
        body, encoding = stored_body(entry, accept)
        headers, vary = [], []
        for name, value in entry["headers"]:
            if name == "Vary":
                vary.append(value)
            elif fragment and name == "ETag":
                continue  # as finish_public: fragments carry no validators
            else:
                headers.append((name, value))
        if entry["encoded"]:
            vary.append("Accept-Encoding")
        if encoding:
            headers.append(("Content-Encoding", encoding))
        headers += [("Content-Length", str(len(body))), ("X-Cache", "HIT")]
        headers += self.page_headers[shared]
        return "200 OK", headers, body, vary

    def _page(self, key: str):
        """The stored page under this key: from this worker's few last pages, else the cache
        (unpickling a page and its compressed copies was most of a hit's cost)."""
        return self._kept(key, lambda entry: entry.get("status") == 200)

    def _kept(self, key: str, worth_keeping):
        """The cache's entry under `key` (a dict), kept at hand for KEEP_SECONDS when
        worth_keeping(entry): a page, or the ticker's state (an item that expires meanwhile
        leaves the ticker at most that much later, as a shared cache's copy of a poll would)."""
        now = time.monotonic()
        kept = self.kept.get(key)
        if kept is not None and kept[0] > now:
            self.kept.move_to_end(key)
            return kept[1]
        entry = self.backend.get(key)
        if isinstance(entry, dict) and worth_keeping(entry):
            self.kept[key] = (now + KEEP_SECONDS, entry)
            while len(self.kept) > KEEP_PAGES:
                self.kept.popitem(last=False)
        return entry

    def _unchanged_ticker(self, version, fragment, args):
        state = self._kept(f"ticker:{version}", lambda state: "version" in state)
        if not fragment or not isinstance(state, dict) or args.get("v") != state["version"]:
            return None
        return self._no_change("TICKER_POLL_SECONDS")

    def _unchanged_latest(self, version, fragment, args):
        seen = args.get("seen", "0")
        if not fragment or not seen.isdigit():
            return None
        count = self.backend.get(poll_key(version, known_args(args)))
        if count is None or count != int(seen):
            return None
        return self._no_change("LATEST_POLL_SECONDS")

    def _unchanged_coverage(self, version, fragment, args, story_id):
        state = self.backend.get(f"live-state:{version}:{story_id}")
        if not fragment or not isinstance(state, dict) or not state.get("visible"):
            return None
        if args.get("since") != str(state["stamp"]):
            return None
        return self._no_change("LIVE_POLL_SECONDS", most=LIVE_POLL_CACHE_SECONDS)

    def _no_change(self, poll_setting: str, most: int = 10):
        """As blueprints/live's answer to a poll when nothing changed."""
        control = poll_cache_control(self.config, poll_setting, most)
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", control)]
        return "204 NO CONTENT", headers, b"", ["HX-Request"]


@lru_cache(maxsize=64)
def _merged(values: tuple[str, ...]) -> str:
    """One Vary value from several, each name once (as werkzeug's HeaderSet)."""
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name.lower() not in (n.lower() for n in names):
                names.append(name)
    return ", ".join(names)


def register_fast_path(app: Flask) -> None:
    """Put the fast path in front of Flask (before ProxyFix wraps both); FAST_PATH=False turns
    it off (the comparison tests and the bench use that)."""
    if app.config.get("FAST_PATH", True):
        app.wsgi_app = FastPath(app, app.wsgi_app)
