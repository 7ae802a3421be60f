"""The counting beacon: one POST per story page load, sent by static/js/count.js.

No cookie, no session, no address or user agent kept (newsroom/readership.py). The page itself
stays in every cache: counting is this separate request, answered 204 and never stored.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request

from extensions import cache, csrf, limiter
from newsroom import readership
from web.caching import content_version
from web.pages import accepts_body

bp = Blueprint("readership", __name__)
log = logging.getLogger(__name__)

# A beacon is "story=<id>&from=<host>": far under this. Anything bigger is refused (413).
BEACON_BYTES = 512
STORY_ID = re.compile(r"[1-9][0-9]{0,17}")
FOLD_LOCK = "readership-fold"
RETENTION_LOCK = "readership-retention"


def _count_limit() -> str:
    return current_app.config["COUNT_RATE_LIMIT"]


@bp.post("/count")
@accepts_body(BEACON_BYTES)
@csrf.exempt  # a beacon carries no token; it is refused unless it comes from the site itself
@limiter.limit(_count_limit)
def count():
    """Count one view of a live story: 204 and nothing else, counted or not."""
    _refuse_other_sites()
    counted = False
    if not _declines_counting():
        story_id = request.form.get("story", "")
        if not STORY_ID.fullmatch(story_id):
            abort(400, description="The beacon names no story.")
        referrer = readership.clean_referrer(request.form.get("from"))
        if referrer is None:
            abort(400, description="The beacon's referrer is not a host name.")
        if not readership.is_live_story(int(story_id), content_version()):
            abort(404)
        readership.record_view(int(story_id), referrer)
        counted = True
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    if counted:
        _fold_after(response)
    return response


def _refuse_other_sites() -> None:
    """403 unless the beacon comes from a page of this site: browsers say so in Sec-Fetch-Site;
    one that sends no Sec-Fetch-Site is judged on its Origin, which must be SITE_URL's. (A
    client that forges both is a script, and the rate limit and robot list are for it.)"""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site != "same-origin":
            abort(403)
        return
    origin = request.headers.get("Origin")
    if origin is not None and _origin(origin) != _origin(current_app.config["SITE_URL"]):
        abort(403)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _declines_counting() -> bool:
    """The reader asked not to be tracked (Global Privacy Control, Do Not Track), or the user
    agent is a robot (crawlerdetect's list; an empty one too: every browser sends one)."""
    headers = request.headers
    if headers.get("Sec-GPC", "").strip() == "1" or headers.get("DNT", "").strip() == "1":
        return True
    return readership.is_robot(headers.get("User-Agent", ""))


def _fold_after(response: Response) -> None:
    """Fold the buffered counts once the reader has the answer, at most every
    READERSHIP_FOLD_SECONDS across workers (a lock in the shared cache), and retire old detail
    once a day."""
    seconds = current_app.config["READERSHIP_FOLD_SECONDS"]
    if seconds <= 0 or not cache.claim(FOLD_LOCK, timeout=seconds):
        return
    health = current_app.extensions.get("cache_health", {})
    if time.monotonic() < health.get("down_until", 0.0):
        return  # without a working cache every worker "has" the lock: fold from the command only
    retire = cache.claim(RETENTION_LOCK, timeout=24 * 3600)
    app = current_app._get_current_object()

    def fold():
        with app.app_context():
            try:
                readership.fold()
                if retire:
                    readership.retire_old_counts()
            except Exception:  # the counts stay buffered; the next fold takes them
                log.exception("folding the readership counts failed")

    response.call_on_close(fold)


@bp.app_template_global()
def most_read_box(scope) -> readership.MostRead:
    """What the most-read box of a front shows: the home page's (scope without a subject) or
    a section's, country's or region's. Part of the cached page: it is at most
    MOST_READ_SECONDS + PAGE_CACHE_SECONDS old."""
    if scope.kind not in ("latest", "section", "country", "region"):
        return readership.MostRead()
    return readership.most_read(scope.filters)
