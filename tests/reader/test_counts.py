"""Readers are counted without cookies: one beacon per page load, refused politely for DNT, GPC,
robots and other sites; counts wait in a buffer (Redis or a table) and are folded into hourly
rows without losing any; detail older than 13 months is aggregated away."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
import sqlalchemy as sa

from extensions import db
from newsroom import readership
from newsroom.models import ReferrerDay, SearchMissDay, Status, StoryViewHour, ViewBuffer
from newsroom.readership_fold import retention_cutoff
from tests.factories import make_story

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAME_SITE = {"User-Agent": BROWSER, "Sec-Fetch-Site": "same-origin"}
REDIS_FOR_TESTS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_FOR_TESTS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["table", "redis"])
def counting(request, make_app, tmp_path):
    """The app counting into the buffer table (the embedded default) or into Redis."""
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        app = make_app(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=REDIS_FOR_TESTS,
            CACHE_KEY_PREFIX=f"t{tmp_path.name[-12:]}:",
        )
    else:
        app = make_app(
            CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp_path / "count-cache"), CACHE_OPTIONS={}
        )
    app.config["READERSHIP_FOLD_SECONDS"] = 0  # the tests fold when they mean to
    yield app
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_FOR_TESTS)
        for key in client.scan_iter(f"{app.config['CACHE_KEY_PREFIX']}*"):
            client.delete(key)


@pytest.fixture
def story_id(counting):
    with counting.app_context():
        return make_story(headline="Typhoon season opens early over Luzon").id


def beacon(client, story, source="news.example", **headers):
    """A beacon as a browser sends it; a header given as None is left out."""
    sent = {k: v for k, v in {**SAME_SITE, **headers}.items() if v is not None}
    return client.post("/count", data={"story": str(story), "from": source}, headers=sent)


def fold(app):
    with app.app_context():
        return readership.fold()


def views(app, story) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(StoryViewHour.views), 0)).where(
                StoryViewHour.article_id == story
            )
        )


def referrers(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(sa.select(ReferrerDay.host, ReferrerDay.views)).all()
        return dict(rows)


# --- the beacon ------------------------------------------------------------------------------


def test_a_beacon_is_answered_204_and_counted_once_folded(counting, story_id):
    client = counting.test_client()
    response = beacon(client, story_id)
    assert response.status_code == 204
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert views(counting, story_id) == 0  # buffered, not yet folded
    beacon(client, story_id, "feed")
    beacon(client, story_id, "direct")
    report = fold(counting)
    assert report.views == 3
    assert views(counting, story_id) == 3
    assert referrers(counting) == {"news.example": 1, "feed": 1, "direct": 1}


def test_nothing_about_the_reader_is_stored(counting, story_id):
    client = counting.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    beacon(client, story_id)
    fold(counting)
    with counting.app_context():
        dump = "\n".join(
            str(row)
            for model in (StoryViewHour, ReferrerDay, SearchMissDay, ViewBuffer)
            for row in db.session.execute(sa.select(model.__table__)).all()
        )
    assert "203.0.113" not in dump and "Chrome" not in dump


@pytest.mark.parametrize(
    "headers",
    [
        {"DNT": "1"},
        {"Sec-GPC": "1"},
        {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
        {"User-Agent": "curl/8.5.0"},
        {"User-Agent": ""},
    ],
    ids=["dnt", "gpc", "googlebot", "curl", "no-user-agent"],
)
def test_readers_who_decline_and_robots_are_not_counted(counting, story_id, headers):
    response = beacon(counting.test_client(), story_id, **headers)
    assert response.status_code == 204
    fold(counting)
    assert views(counting, story_id) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": None, "Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": None, "Origin": "http://asian-news.test.elsewhere.example"},
    ],
)
def test_beacons_from_other_sites_are_refused(counting, story_id, headers):
    response = beacon(counting.test_client(), story_id, **headers)
    assert response.status_code == 403
    fold(counting)
    assert views(counting, story_id) == 0


def test_the_sites_own_origin_is_accepted(counting, story_id):
    client = counting.test_client()
    assert beacon(client, story_id, Origin="http://asian-news.test").status_code == 204
    no_fetch_metadata = {"Sec-Fetch-Site": None, "Origin": "http://asian-news.test"}
    assert beacon(client, story_id, **no_fetch_metadata).status_code == 204
    fold(counting)
    assert views(counting, story_id) == 2


@pytest.mark.parametrize("bad", ["", "abc", "0", "-4", "1.5", "9" * 30, "12 ", "１２"])
def test_a_bad_story_id_is_a_400(client, bad):
    response = client.post("/count", data={"story": bad, "from": "direct"}, headers=SAME_SITE)
    assert response.status_code == 400
    assert b"names no story" in response.data


@pytest.mark.parametrize("source", ["a/b", "x" * 300, "ex ample.com", "<script>"])
def test_a_referrer_that_is_not_a_host_is_a_400(client, query, source):
    story = query(lambda: make_story().id)
    response = client.post("/count", data={"story": story, "from": source}, headers=SAME_SITE)
    assert response.status_code == 400


def test_unknown_and_unpublished_stories_are_a_404_and_not_counted(client, query, app):
    draft = query(lambda: make_story(status=Status.DRAFT.value, published_at=None).id)
    assert beacon(client, 999_999).status_code == 404
    assert beacon(client, draft).status_code == 404
    fold(app)
    assert views(app, draft) == 0


def test_a_large_body_is_a_413(client, query):
    story = query(lambda: make_story().id)
    response = client.post(
        "/count", data={"story": story, "from": "direct", "pad": "x" * 2000}, headers=SAME_SITE
    )
    assert response.status_code == 413


def test_the_beacon_takes_posts_only(client):
    assert client.get("/count").status_code == 405


def test_one_address_cannot_inflate_the_counts(make_app, query):
    app = make_app(RATELIMIT_ENABLED=True, COUNT_RATE_LIMIT="3 per minute")
    with app.app_context():
        story = make_story().id
    client = app.test_client()
    answers = [beacon(client, story).status_code for _ in range(5)]
    assert answers == [204, 204, 204, 429, 429]
    fold(app)
    assert views(app, story) == 3


def test_the_endpoint_folds_after_answering_at_most_once_a_minute(make_app):
    app = make_app(READERSHIP_FOLD_SECONDS=60)
    with app.app_context():
        story = make_story().id
    client = app.test_client()
    response = beacon(client, story)
    response.close()  # the server closes the response once sent: the fold runs then
    assert views(app, story) == 1
    beacon(client, story).close()
    assert views(app, story) == 1  # the next fold is a minute away
    fold(app)
    assert views(app, story) == 2


# --- the page stays cached ---------------------------------------------------------------------


def test_a_story_page_carries_the_beacon_and_stays_a_cache_hit(client, query):
    slug, story = query(lambda: (lambda s: (s.slug, s.id))(make_story()))
    first = client.get(f"/article/{slug}")
    assert f'data-count-story="{story}"'.encode() in first.data
    assert b"js/count.js" in first.data
    assert beacon(client, story).status_code == 204
    again = client.get(f"/article/{slug}?via=feed")
    assert first.headers["X-Cache"] == "MISS"
    assert again.headers["X-Cache"] == "HIT"
    assert "Set-Cookie" not in again.headers
    assert again.headers["Cache-Control"].startswith("public")


def test_a_preview_carries_no_beacon(signed_in, query):
    slug = query(lambda: make_story(status=Status.DRAFT.value, published_at=None).slug)
    page = signed_in("editor").get(f"/article/{slug}")
    assert page.status_code == 200
    assert b"data-count-story" not in page.data


# --- searches that found nothing -----------------------------------------------------------------


def test_a_search_that_finds_nothing_is_counted_by_its_words(counting, story_id):
    client = counting.test_client()
    assert client.get("/search?q=Zzyzx%20%20%20QUUXLY").status_code == 200
    assert client.get("/search?q=Luzon").status_code == 200  # found: not a miss
    page = client.get("/search?q=Zzyzx%20%20%20QUUXLY")
    assert page.headers["X-Cache"] == "HIT"  # still a cached page
    robot = {
        "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    }
    assert client.get("/search?q=qwxzv%20probe", headers=robot).status_code == 200
    fold(counting)
    with counting.app_context():
        misses = dict(
            db.session.execute(sa.select(SearchMissDay.query, SearchMissDay.searches)).all()
        )
    assert misses == {"zzyzx quuxly": 1}


def test_search_words_are_normalised():
    assert readership.normalise_search("  Tokyo\t  OLYMPICS \n") == "tokyo olympics"
    assert len(readership.normalise_search("word " * 100)) <= 200


# --- folding ---------------------------------------------------------------------------------


def test_a_fold_that_fails_loses_nothing(counting, story_id, monkeypatch):
    client = counting.test_client()
    for _ in range(4):
        beacon(client, story_id)
    from newsroom import readership_fold

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(readership_fold, "_upsert", broken)
        with pytest.raises(RuntimeError):
            fold(counting)
    beacon(client, story_id)  # counted while the failed fold's counts wait
    assert fold(counting).views == 5
    assert views(counting, story_id) == 5
    assert fold(counting).views == 0  # and never twice


def test_a_fold_whose_cleanup_fails_after_its_commit_never_counts_twice(
    counting, story_id, monkeypatch
):
    """Redis fails for a moment after the fold has committed, before it deletes the hashes it
    folded: the next fold finds them still there, and deletes them unread."""
    from newsroom.readership_buffer import Drained

    client = counting.test_client()
    for _ in range(3):
        beacon(client, story_id)
    with monkeypatch.context() as patch:
        patch.setattr(Drained, "finish", lambda self: None)  # the cleanup never happens
        assert fold(counting).views == 3
    beacon(client, story_id)
    assert fold(counting).views == 1
    assert fold(counting).views == 0
    assert views(counting, story_id) == 4


def test_counts_arriving_during_a_fold_are_folded_by_the_next(counting, story_id):
    from newsroom.readership_buffer import drain

    client = counting.test_client()
    beacon(client, story_id)
    with counting.app_context():
        taken = drain()  # a fold's first step: the buffers hand their counts over
        assert sum(taken.stories.values()) == 1
        db.session.commit()  # the fold's commit
        beacon(client, story_id)  # a reader arrives before the fold lets go of what it took
        taken.finish()
    assert fold(counting).views == 1


def test_views_fold_into_their_hour(counting, story_id):
    with counting.app_context():
        ten = datetime(2026, 12, 1, 10, 12, tzinfo=UTC)
        readership.record_view(story_id, "direct", now=ten)
        readership.record_view(story_id, "direct", now=ten + timedelta(minutes=40))
        readership.record_view(story_id, "direct", now=ten + timedelta(minutes=50))
        readership.fold()
        rows = db.session.execute(
            sa.select(StoryViewHour.hour, StoryViewHour.views).order_by(StoryViewHour.hour)
        ).all()
    assert [(h.replace(tzinfo=UTC).hour, n) for h, n in rows] == [(10, 2), (11, 1)]


def test_the_fold_command_says_what_it_did(counting, story_id):
    beacon(counting.test_client(), story_id)
    result = counting.test_cli_runner().invoke(args=["readership", "fold"])
    assert result.exit_code == 0, result.output
    assert "Folded 1 views of 1 stories" in result.output
    assert "Older than 13 months" in result.output


# --- retention ---------------------------------------------------------------------------------


def test_detail_older_than_13_months_is_aggregated_away(app, query):
    now = datetime(2026, 12, 5, 20, tzinfo=UTC)

    def setup():
        story = make_story().id
        old = datetime(2025, 3, 1, tzinfo=UTC)  # 21 months back
        rows = [
            {"article_id": story, "hour": old + timedelta(hours=h), "views": 2} for h in range(48)
        ]
        rows += [{"article_id": story, "hour": datetime(2025, 3, 31, 23, tzinfo=UTC), "views": 4}]
        rows += [{"article_id": story, "hour": datetime(2026, 11, 30, 9, tzinfo=UTC), "views": 7}]
        db.session.execute(sa.insert(StoryViewHour.__table__), rows)
        db.session.add_all(
            [
                ReferrerDay(day=date(2025, 3, 2), host="old.example", views=3),
                ReferrerDay(day=date(2026, 12, 1), host="new.example", views=5),
                SearchMissDay(day=date(2025, 3, 2), query="old words", searches=1),
                SearchMissDay(day=date(2026, 12, 1), query="new words", searches=2),
            ]
        )
        db.session.commit()
        return story

    story = query(setup)
    assert query(lambda: retention_cutoff(now)) == datetime(2025, 11, 1, tzinfo=UTC)

    def retire():
        report = readership.retire_old_counts(now=now)
        rows = db.session.execute(
            sa.select(StoryViewHour.hour, StoryViewHour.views).order_by(StoryViewHour.hour)
        ).all()
        hosts = set(db.session.scalars(sa.select(ReferrerDay.host)))
        words = set(db.session.scalars(sa.select(SearchMissDay.query)))
        return report, [(h.replace(tzinfo=UTC), n) for h, n in rows], hosts, words

    report, rows, hosts, words = query(retire)
    assert report.hours_folded == 49 and report.months_written == 1
    assert rows == [
        (datetime(2025, 3, 1, tzinfo=UTC), 100),
        (datetime(2026, 11, 30, 9, tzinfo=UTC), 7),
    ]
    assert hosts == {"new.example"} and words == {"new words"}
    again, rows_again, *_ = query(retire)
    assert again.hours_folded == 0 and rows_again == rows
    assert views(app, story) == 107


# --- a worker's batch: a burst of beacons is a few writes, not one transaction each ------------


def _buffer_writes(app):
    """How many INSERTs into the buffer table run while the block runs."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO VIEW_BUFFER"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", record)


def test_a_burst_of_beacons_is_written_as_one_batch_and_folded_whole(make_app, tmp_path):
    app = make_app(
        CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp_path / "batch-cache"), CACHE_OPTIONS={}
    )
    app.config.update(READERSHIP_FOLD_SECONDS=0, READERSHIP_BATCH_SECONDS=30)
    with app.app_context():
        first = make_story(headline="Monsoon rains ease over Kerala").id
        second = make_story(headline="Seoul subway extends night service").id
    seen, stop = _buffer_writes(app)
    try:
        client = app.test_client()
        for _ in range(40):
            assert beacon(client, first).status_code == 204
        for _ in range(10):
            assert beacon(client, second, source="email").status_code == 204
        assert seen == [], "nothing written per beacon: the batch waits in the worker"
        fold(app)  # a fold writes the worker's batch first, then folds it
        assert len(seen) == 1, "the 50 beacons were one INSERT"
    finally:
        stop()
    assert views(app, first) == 40
    assert views(app, second) == 10
    with app.app_context():
        referrers = dict(db.session.execute(sa.select(ReferrerDay.host, ReferrerDay.views)).all())
    assert referrers == {"news.example": 40, "email": 10}


def test_the_workers_thread_writes_a_waiting_batch_within_its_seconds(make_app, tmp_path):
    app = make_app(
        CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp_path / "batch-cache"), CACHE_OPTIONS={}
    )
    app.config.update(READERSHIP_FOLD_SECONDS=0, READERSHIP_BATCH_SECONDS=0.2)
    with app.app_context():
        story = make_story(headline="Hanoi opens its second metro line").id
    client = app.test_client()
    for _ in range(3):
        assert beacon(client, story).status_code == 204
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with app.app_context():
            waiting = db.session.scalar(
                sa.select(sa.func.sum(ViewBuffer.count)).where(ViewBuffer.kind == "story")
            )
            db.session.remove()
        if waiting == 3:
            break
        time.sleep(0.1)
    assert waiting == 3, "the batch reached the buffer table with nobody folding"
    # And nothing is counted twice: the batch left the worker when it was written.
    fold(app)
    assert views(app, story) == 3


def test_a_fold_started_while_another_runs_leaves_the_counts_to_it(counting, story_id):
    from extensions import cache
    from newsroom.readership_fold import FOLDING_LOCK

    beacon(counting.test_client(), story_id)
    with counting.app_context():
        assert cache.claim(FOLDING_LOCK, timeout=60)  # another fold, mid-way
        assert readership.fold().views == 0
        cache.release(FOLDING_LOCK)
    assert fold(counting).views == 1


def test_feed_readers_web_apps_count_as_feeds():
    assert readership.clean_referrer("feedly.com") == "feed"
    assert readership.clean_referrer("www.inoreader.com") == "feed"
    assert readership.clean_referrer("notfeedly.com") == "notfeedly.com"
    assert readership.clean_referrer("news.google.com") == "news.google.com"
    assert readership.clean_referrer("email") == "email"
