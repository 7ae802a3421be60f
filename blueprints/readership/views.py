"""The counting beacon: one POST per story page load, sent by static/js/count.js.

No cookie, no session, no address or user agent kept (newsroom/readership.py). The page itself
stays in every cache: counting is this separate request, answered 204 and never stored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request

from extensions import csrf
from newsroom import readership
from web.beacon import BEACON_BYTES, STORY_ID, beacon_limit, declines_counting, fold_when_due
from web.caching import content_version
from web.pages import accepts_body

bp = Blueprint("readership", __name__)


@bp.post("/count")
@accepts_body(BEACON_BYTES)
@csrf.exempt  # a beacon carries no token; it is refused unless it comes from the site itself
def count():
    """Count one view of a live story: 204 and nothing else, counted or not. (An ordinary
    beacon is answered by the fast path, web/fast_path.py, with the same rules: web/beacon.py.)"""
    _refuse_other_sites()
    app = current_app._get_current_object()
    if not beacon_limit(app).allows(request.remote_addr):
        abort(429, description="Too many beacons from this address.")
    counted = False
    if not declines_counting(request.headers):
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
    if counted and (fold := fold_when_due(app)) is not None:
        response.call_on_close(fold)
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


@bp.app_template_global()
def most_read_box(scope) -> readership.MostRead:
    """What the most-read box of a front shows: the home page's (scope without a subject) or
    a section's, country's or region's. Part of the cached page: it is at most
    MOST_READ_SECONDS + PAGE_CACHE_SECONDS old."""
    if scope.kind not in ("latest", "section", "country", "region"):
        return readership.MostRead()
    return readership.most_read(scope.filters)
