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

import re
import time

from flask import Flask, Response
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Request

from extensions import cache
from web.caching import (
    LIVE_POLL_CACHE_SECONDS,
    VERSION_KEY,
    finish_public,
    known_args,
    live_version,
    page_key,
    plain_query,
    poll_cache_control,
    poll_key,
    stored_response,
)
from web.observability import request_id
from web.pages import FRAGMENT_HEADERS, fragment_requested
from web.security import add_security_headers

# The polls a page sends on a timer, answered 204 when nothing changed (blueprints/live).
TICKER_PATH = "/live/ticker"
LATEST_PATH = "/live/latest"
COVERAGE_PATH = re.compile(r"/live/coverage/([0-9]{1,18})")


class FastPath:
    """WSGI middleware: cached pages and unchanged polls for readers without a session."""

    def __init__(self, app: Flask, wsgi_app):
        self.wsgi_app = wsgi_app
        self.config = app.config
        self.backend = app.extensions["cache"][cache]
        self.health = app.extensions.setdefault("cache_health", {"down_until": 0.0, "error": ""})
        self.cookies = (
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )

    def __call__(self, environ, start_response):
        response = None
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not self._has_session(environ):
            try:
                response = self._answer(environ)
            except Exception:  # a broken cache entry or backend: Flask's path copes and logs
                response = None
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _has_session(self, environ) -> bool:
        cookies = environ.get("HTTP_COOKIE", "")
        return any(name in cookies for name in self.cookies)

    def _answer(self, environ) -> Response | None:
        if time.monotonic() < self.health["down_until"]:
            return None
        version = live_version(self.backend.get(VERSION_KEY))
        if version is None:
            return None
        request = Request(environ)
        trusted = self.config.get("TRUSTED_HOSTS")
        if trusted and not host_is_trusted(request.host, trusted):
            return None  # Flask refuses it with a 400
        headers, args = request.headers, request.args
        fragment = fragment_requested(headers)
        coverage = COVERAGE_PATH.fullmatch(request.path)
        if request.path == TICKER_PATH:
            response = self._unchanged_ticker(version, fragment, args)
        elif request.path == LATEST_PATH:
            response = self._unchanged_latest(version, fragment, args)
        elif coverage:
            response = self._unchanged_coverage(version, fragment, args, int(coverage[1]))
        else:
            response = self._stored_page(version, fragment, request)
        if response is None:
            return None
        # What Flask's hooks add to every response: the headers wants_fragment() read and the
        # session cookie (which Flask notes as read), the request id, the security headers.
        response.vary.update((*FRAGMENT_HEADERS, "Cookie"))
        response.headers["X-Request-ID"] = request_id(headers.get("X-Request-ID", ""))
        add_security_headers(response.headers, secure=environ.get("wsgi.url_scheme") == "https")
        return response

    def _stored_page(self, version, fragment, request) -> Response | None:
        key = page_key(version, fragment, request.path, known_args(request.args))
        entry = self.backend.get(key)
        if not isinstance(entry, dict) or entry.get("status") != 200:
            return None  # not stored, or a 404/410 (Flask's path logs those)
        response = stored_response(entry, request.headers.get("Accept-Encoding"))
        response.headers["X-Cache"] = "HIT"
        shared = plain_query(request.args)
        finish_public(response, shared, fragment, self.config["HTTP_MAX_AGE"])
        if not fragment:
            response.make_conditional(request)
        return response

    def _unchanged_ticker(self, version, fragment, args) -> Response | None:
        state = self.backend.get(f"ticker:{version}")
        if not fragment or not isinstance(state, dict) or args.get("v") != state["version"]:
            return None
        return self._no_change("TICKER_POLL_SECONDS")

    def _unchanged_latest(self, version, fragment, args) -> Response | None:
        seen = args.get("seen", "0")
        if not fragment or not seen.isdigit():
            return None
        count = self.backend.get(poll_key(version, known_args(args)))
        if count is None or count != int(seen):
            return None
        return self._no_change("LATEST_POLL_SECONDS")

    def _unchanged_coverage(self, version, fragment, args, story_id) -> Response | None:
        state = self.backend.get(f"live-state:{version}:{story_id}")
        if not fragment or not isinstance(state, dict) or not state.get("visible"):
            return None
        if args.get("since") != str(state["stamp"]):
            return None
        return self._no_change("LIVE_POLL_SECONDS", most=LIVE_POLL_CACHE_SECONDS)

    def _no_change(self, poll_setting: str, most: int = 10) -> Response:
        """As blueprints/live's answer to a poll when nothing changed."""
        response = Response(b"", 204)
        response.headers["Cache-Control"] = poll_cache_control(self.config, poll_setting, most)
        response.vary.add("HX-Request")
        return response


def register_fast_path(app: Flask) -> None:
    """Put the fast path in front of Flask (before ProxyFix wraps both); FAST_PATH=False turns
    it off (the comparison tests and the bench use that)."""
    if app.config.get("FAST_PATH", True):
        app.wsgi_app = FastPath(app, app.wsgi_app)
