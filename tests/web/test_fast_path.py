"""The fast path (web/fast_path.py) answers readers' cache hits and unchanged polls before Flask
runs, with exactly the headers Flask's path gives; pages are stored compressed, once."""

from __future__ import annotations

import gzip

import brotli
import pytest
import sqlalchemy as sa
from flask import request_started

from extensions import db
from newsroom.models import StoryViewHour
from tests.factories import make_story

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def stories(query):
    def make():
        for number in range(14):
            make_story(headline=f"Monsoon rains reach Kerala, day {number + 1}", section="business")

    query(make)


@pytest.fixture
def pair(make_app, stories):
    """Two workers on one database and cache: Flask's path only, and the fast path in front."""
    return make_app(FAST_PATH=False).test_client(), make_app().test_client()


def same_headers(slow, fast):
    """Headers as a reader's browser and nginx see them; the request id is new each time."""

    def seen(response):
        headers = {k: v for k, v in response.headers.items() if k not in ("X-Request-ID", "Date")}
        headers["Vary"] = sorted(v.strip() for v in headers.get("Vary", "").split(","))
        return headers

    assert seen(fast) == seen(slow)
    assert fast.headers["X-Request-ID"]


@pytest.fixture
def flask_requests(app):
    """How many requests reached Flask (its request_started signal)."""
    seen = []

    def note(sender, **_extra):
        seen.append(1)

    request_started.connect(note)
    yield seen
    request_started.disconnect(note)


CASES = [
    ("/", {}),
    ("/", BROWSER),
    ("/", {"Accept-Encoding": "gzip"}),
    ("/", {"Accept-Encoding": "br;q=0, gzip;q=0.5"}),
    ("/section/business", BROWSER),
    ("/about", {}),
    ("/?utm_source=newsletter", BROWSER),  # kept by the app, not by nginx (X-Accel-Expires)
    ("/", {"HX-Request": "true", "HX-Boosted": "true"}),  # a boosted navigation: the page
    ("/latest?depth=1", {"HX-Request": "true", "HX-Request-Type": "partial"}),
    ("/feed.rss", BROWSER),
]


@pytest.mark.parametrize(("url", "headers"), CASES)
def test_a_cache_hit_is_answered_before_flask_with_the_same_headers(
    pair, flask_requests, url, headers
):
    slow, fast = pair
    first = slow.get(url, headers=headers)
    assert first.status_code == 200
    hit = slow.get(url, headers=headers)
    assert hit.headers["X-Cache"] == "HIT"
    before = len(flask_requests)
    answered = fast.get(url, headers=headers)
    assert len(flask_requests) == before, "the fast path let Flask build the request"
    same_headers(hit, answered)
    assert answered.data == hit.data


def test_browsers_get_the_stored_compressed_copy_and_others_the_plain_page(pair):
    slow, fast = pair
    plain = slow.get("/").data
    assert b"Monsoon rains reach Kerala" in plain
    br = fast.get("/", headers=BROWSER)
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == plain
    assert len(br.data) < len(plain) / 4
    gz = fast.get("/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.data) == plain
    identity = fast.get("/")
    assert "Content-Encoding" not in identity.headers
    assert identity.data == plain
    for response in (br, gz, identity):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["ETag"] == identity.headers["ETag"]


def test_the_first_reader_gets_the_stored_copy_too(client):
    miss = client.get("/about", headers=BROWSER)
    assert miss.headers["X-Cache"] == "MISS"
    assert miss.headers["Content-Encoding"] == "br"
    hit = client.get("/about", headers=BROWSER)
    assert hit.headers["Content-Encoding"] == "br"
    assert hit.data == miss.data


@pytest.mark.parametrize("method", ["conditional", "head"])
def test_revalidation_and_head_match_flask(pair, method):
    slow, fast = pair
    etag = slow.get("/", headers=BROWSER).headers["ETag"]
    if method == "conditional":
        ask = {"If-None-Match": etag, **BROWSER}
        expected, answered = slow.get("/", headers=ask), fast.get("/", headers=ask)
        assert answered.status_code == 304
    else:
        expected, answered = slow.head("/", headers=BROWSER), fast.head("/", headers=BROWSER)
        assert answered.status_code == 200
    assert answered.data == b""
    same_headers(expected, answered)


def test_over_https_the_fast_path_sends_hsts_as_flask_does(pair):
    slow, fast = pair
    slow.get("/", base_url="https://asian-news.test")
    expected = slow.get("/", base_url="https://asian-news.test")
    answered = fast.get("/", base_url="https://asian-news.test")
    assert "Strict-Transport-Security" in answered.headers
    same_headers(expected, answered)


def test_signed_in_browsers_and_misses_go_through_flask(app, editor, client, flask_requests):
    client.get("/about")  # stored
    before = len(flask_requests)
    page = editor.get("/about")
    assert len(flask_requests) == before + 1
    assert page.headers["Cache-Control"] == "private, no-store"
    client.get("/no-such-page")
    client.get("/no-such-page")  # a stored 404 is answered (and logged) by Flask
    assert len(flask_requests) == before + 3


def test_a_story_published_after_a_hit_is_seen_at_once(client, query):
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "HIT"
    query(lambda: make_story(headline="Typhoon Mawar turns towards Okinawa"))
    assert b"Typhoon Mawar turns towards Okinawa" in client.get("/").data


def test_a_worker_rechecks_the_content_version_after_a_moment_not_on_every_hit(
    make_app, stories, monkeypatch
):
    """A cache hit answers from the content version its worker last saw, for
    CONTENT_VERSION_RECHECK_SECONDS, not from a round trip to the cache (to Redis, a third of a
    hit's cost): a publish in another worker reaches this worker's hits once that has passed,
    and a publish in this worker at once."""
    from extensions import cache
    from web.caching import VERSION_KEY, seen_version

    worker, other = make_app(CONTENT_VERSION_RECHECK_SECONDS=5.0), make_app()
    backend = worker.extensions["cache"][cache]
    reads, get = [], backend.get
    monkeypatch.setattr(
        backend, "get", lambda key: (key == VERSION_KEY and reads.append(1), get(key))[1]
    )
    reader = worker.test_client()
    reader.get("/")
    before = len(reads)
    for _ in range(5):
        assert reader.get("/").headers["X-Cache"] == "HIT"
    assert len(reads) == before, "hits answered from the version the worker last saw"

    with other.app_context():
        make_story(headline="Monsoon rains reach Dhaka early")
    seen = reader.get("/")
    assert b"Monsoon rains reach Dhaka early" not in seen.data, "another worker's, a moment on"
    kept = seen_version(worker)
    kept.seen = (0.0, kept.seen[1])  # the moment passes (no sleep: CI may be slow)
    assert b"Monsoon rains reach Dhaka early" in reader.get("/").data, "once the moment passed"

    assert reader.get("/").headers["X-Cache"] == "HIT"
    with worker.app_context():
        make_story(headline="Tashkent opens its new metro line")
    assert b"Tashkent opens its new metro line" in reader.get("/").data, "this worker's at once"


def test_a_miss_asks_the_cache_for_its_page_once(make_app, stories, monkeypatch):
    """The fast path looked the page up and found nothing: Flask's path renders it without
    asking again (on Redis, a round trip more on every page rendered). A reader whose request
    the fast path does not look at (signed in, say) is still looked up by Flask."""
    from extensions import cache

    app = make_app()
    backend = app.extensions["cache"][cache]
    asked, get = [], backend.get
    monkeypatch.setattr(
        backend, "get", lambda key: (key.startswith("page:") and asked.append(key), get(key))[1]
    )
    reader = app.test_client()
    reader.get("/")  # a content version to look pages up under (a publish just retired it)
    asked.clear()
    assert reader.get("/latest").headers["X-Cache"] == "MISS"
    assert len(asked) == 1, asked
    assert reader.get("/latest").headers["X-Cache"] == "HIT"
    assert len(asked) == 2, "the second reader's hit, found by the fast path"

    asked.clear()
    reader.get("/section/politics", headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}=x"})
    assert len(asked) == 1, "the fast path stood aside; Flask's path looked the page up"


def test_an_unchanged_ticker_poll_is_a_204_before_flask(pair, htmx, flask_requests):
    slow, fast = pair
    first = slow.get("/live/ticker", headers=htmx)
    version = _ticker_version(first.data)
    expected = slow.get(f"/live/ticker?v={version}", headers=htmx)
    assert expected.status_code == 204
    before = len(flask_requests)
    answered = fast.get(f"/live/ticker?v={version}", headers=htmx)
    assert answered.status_code == 204
    assert len(flask_requests) == before
    same_headers(expected, answered)
    # An old version is not the current one: Flask answers it with the ticker.
    assert fast.get("/live/ticker?v=0123456789ab", headers=htmx).status_code == 200


def test_an_unchanged_new_stories_poll_is_a_204_before_flask(pair, htmx, query, flask_requests):
    slow, fast = pair
    page = slow.get("/latest").data.decode()
    poll = _latest_poll(page)
    first = slow.get(poll, headers=htmx)
    assert first.status_code == 204  # nothing new since the page was made
    expected = slow.get(poll, headers=htmx)
    before = len(flask_requests)
    answered = fast.get(poll, headers=htmx)
    assert answered.status_code == 204
    assert len(flask_requests) == before
    same_headers(expected, answered)
    query(lambda: make_story(headline="Seoul lifts its heat warning"))
    notice = fast.get(poll, headers=htmx)
    assert notice.status_code == 200
    assert b"1 new story" in notice.data


def test_a_story_published_while_a_poll_counts_is_announced_by_the_next_poll(
    client, stories, htmx, query, monkeypatch
):
    """A poll that counted before a publish committed must not file its count under the version
    the publish started: every later poll would be told "nothing new" until the next change."""
    from blueprints.live import views as live_views

    poll = _latest_poll(client.get("/latest").data.decode())
    counted = live_views.card_page

    def count_then_publish(*args, **kwargs):
        page = counted(*args, **kwargs)
        monkeypatch.setattr(live_views, "card_page", counted)
        query(lambda: make_story(headline="Dhaka metro extends its hours"))
        return page

    monkeypatch.setattr(live_views, "card_page", count_then_publish)
    assert client.get(poll, headers=htmx).status_code == 204  # counted before the publish
    notice = client.get(poll, headers=htmx)
    assert notice.status_code == 200
    assert b"1 new story" in notice.data


def test_a_story_published_while_a_poll_starts_a_new_version_is_announced(
    app, client, stories, htmx, query, monkeypatch
):
    """A poll that starts the new content version reads the stories afresh after storing it: on
    SQLite a read begun before (the query for the next scheduled time) keeps its snapshot, and a
    publish committed in between would be missing from a count filed as current."""
    from extensions import cache
    from web import caching

    poll = _latest_poll(client.get("/latest").data.decode())
    assert client.get(poll, headers=htmx).status_code == 204
    with app.app_context():
        cache.delete(caching.VERSION_KEY)  # a change elsewhere retired the version
    due = caching.next_scheduled_time

    def due_then_publish():
        found = due()  # the request's first read
        monkeypatch.setattr(caching, "next_scheduled_time", due)
        query(lambda: make_story(headline="Karachi port reopens after the storm"))
        return found

    monkeypatch.setattr(caching, "next_scheduled_time", due_then_publish)
    first = client.get(poll, headers=htmx)
    assert first.status_code == 200 and b"1 new story" in first.data
    assert client.get(poll, headers=htmx).status_code == 200


def _ticker_version(body: bytes) -> str:
    import re

    return re.search(rb"/live/ticker\?v=([0-9a-f]+)", body)[1].decode()


def _latest_poll(page: str) -> str:
    import html
    import re

    return html.unescape(re.search(r'hx-get="(/live/latest\?[^"]+)"', page)[1])


BEACON = {
    "Sec-Fetch-Site": "same-origin",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
}


def _beacon(client, story, **headers):
    return client.post(
        "/count", data={"story": str(story), "from": "news.example"}, headers={**BEACON, **headers}
    )


def _views(app, story) -> int:
    from newsroom import readership

    with app.app_context():
        readership.fold()
        return db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(StoryViewHour.views), 0)).where(
                StoryViewHour.article_id == story
            )
        )


def test_an_ordinary_beacon_is_counted_before_flask_with_the_same_headers(pair, flask_requests):
    slow, fast = pair
    with slow.application.app_context():
        story = make_story(headline="Typhoon Kalmaegi nears Luzon").id
    expected = _beacon(slow, story)
    assert expected.status_code == 204
    # The first beacon of a story in a content version goes to Flask, which looks the story up.
    assert _beacon(fast, story).status_code == 204
    before = len(flask_requests)
    answered = _beacon(fast, story)
    assert answered.status_code == 204
    assert len(flask_requests) == before, "Flask never built the request"
    same_headers(expected, answered)
    # A reader who declines is answered the same, and not counted.
    assert _beacon(fast, story, DNT="1").status_code == 204
    assert _beacon(fast, story, **{"Sec-GPC": "1"}).status_code == 204
    assert len(flask_requests) == before
    assert _views(slow.application, story) == 3


def test_a_beacon_out_of_the_ordinary_is_answered_by_flask(pair, flask_requests):
    slow, fast = pair
    with slow.application.app_context():
        story = make_story(headline="Typhoon Kalmaegi nears Luzon").id
        hidden = make_story(headline="Not yet", status="draft").id
    _beacon(fast, story)
    before = len(flask_requests)
    assert fast.post("/count", data={"story": "x1"}, headers=BEACON).status_code == 400
    assert _beacon(fast, hidden).status_code == 404
    assert _beacon(fast, story, **{"Sec-FETCH-SITE": "cross-site"}).status_code == 403
    big = {"story": str(story), "from": "a" * 600}
    assert fast.post("/count", data=big, headers=BEACON).status_code == 413
    assert len(flask_requests) == before + 4
    assert _views(slow.application, story) == 1


def test_a_beacon_stays_on_the_fast_path_while_the_newsroom_saves(pair, flask_requests):
    """Every save in the newsroom starts a new content version; a story known to be live is not
    looked up again for each (a busy newsroom saves several times a second)."""
    slow, fast = pair
    with slow.application.app_context():
        story = make_story(headline="Typhoon Kalmaegi nears Luzon").id
    _beacon(fast, story)  # looked up once, by Flask
    for number in range(3):
        with slow.application.app_context():
            make_story(headline=f"Another story saved meanwhile, {number}")
        fast.get("/")  # a reader's page after the save: Flask renders it, in the new version
        before = len(flask_requests)
        assert _beacon(fast, story).status_code == 204
        assert len(flask_requests) == before, "counted before Flask, with no new look-up"
    assert _views(slow.application, story) == 4


@pytest.mark.filterwarnings("ignore:Flask-Caching. CACHE_TYPE is set to NullCache")
def test_with_every_cache_off_only_the_copy_a_reader_takes_is_compressed(
    make_app, stories, monkeypatch
):
    """No page is kept (CACHE_TYPE=NullCache), so a page is compressed for the reader who asked,
    in the encoding they take, and not at all for a client that takes none; the headers say
    the page varies on Accept-Encoding either way."""
    import web.stored_pages as stored_pages

    made = []
    for name, compress in list(stored_pages._COMPRESS.items()):
        monkeypatch.setitem(
            stored_pages._COMPRESS, name, lambda body, c=compress, n=name: made.append(n) or c(body)
        )
    client = make_app(CACHE_TYPE="NullCache").test_client()
    plain = client.get("/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert made == []
    assert "Accept-Encoding" in plain.headers["Vary"]
    br = client.get("/", headers=BROWSER)
    assert made == ["br"]
    assert brotli.decompress(br.data) == plain.data
    gz = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert made == ["br", "gzip"]
    assert gzip.decompress(gz.data) == plain.data
    for response in (br, gz):
        assert "Accept-Encoding" in response.headers["Vary"]
