"""Production behaviour: health checks, logs, a cache that fails safe, budgets, backups."""

from __future__ import annotations

import gzip
import logging
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from extensions import cache, db
from newsroom.models import Story
from tests.factories import AuthorFactory, PhotoFactory, make_story
from tests.helpers import PG_URL

# --- health and logs ------------------------------------------------------------------------------


def test_healthz_reports_database_cache_and_disk(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"] == {"database": "ok", "cache": "ok", "disk": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


def test_healthz_tells_others_only_ok_or_fail(no_redis, make_app, tmp_path):
    inside = no_redis.get("/healthz")
    assert inside.json["status"] == "degraded" and "127.0.0.1:1" in inside.json["checks"]["cache"]
    outside = no_redis.get("/healthz", environ_base=OUTSIDER)
    assert outside.status_code == 200 and outside.json == {"status": "ok"}
    assert "127.0.0.1" not in outside.text and outside.headers["Cache-Control"] == "no-store"

    down = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/site.sqlite")
    outside = down.test_client().get("/healthz", environ_base=OUTSIDER)
    assert outside.status_code == 503 and outside.json == {"status": "fail"}
    inside = down.test_client().get("/healthz")
    assert inside.status_code == 503 and inside.json["checks"]["database"].startswith("down")


def test_healthz_behind_nginx_trusts_only_the_address_nginx_saw(make_app):
    def health(client, forwarded_for):
        return client.get("/healthz", headers={"X-Forwarded-For": forwarded_for}).json

    proxied = make_app(PROXY_FIX=1).test_client()  # nginx on this machine, as deploy/ sets up
    assert "checks" in health(proxied, "127.0.0.1"), "a monitor on the machine itself"
    assert health(proxied, "203.0.113.9") == {"status": "ok"}
    assert health(proxied, "127.0.0.1, 203.0.113.9") == {"status": "ok"}, "a spoofed first hop"
    # Without PROXY_FIX the app cannot tell who is behind a proxy: a forwarded request is outside.
    direct = make_app().test_client()
    assert health(direct, "127.0.0.1") == {"status": "ok"}


def test_healthz_shows_its_checks_to_a_monitor_with_the_token(make_app):
    token = "a-long-random-monitoring-token"
    client = make_app(HEALTHZ_TOKEN=token).test_client()

    def health(header):
        return client.get("/healthz", headers={"Authorization": header}, environ_base=OUTSIDER).json

    assert health(f"Bearer {token}")["checks"]["database"] == "ok"
    for wrong in (f"Bearer {token}x", "Bearer ", token, f"Basic {token}"):
        assert health(wrong) == {"status": "ok"}, wrong
    tokenless = make_app().test_client()
    assert tokenless.get(
        "/healthz", headers={"Authorization": "Bearer "}, environ_base=OUTSIDER
    ).json == {"status": "ok"}


@pytest.fixture
def rupiah(query) -> str:
    """A business story about Indonesia, with a byline, a photo and a tag; returns its slug."""

    def make():
        return make_story(
            headline="Bank Indonesia holds rates steady as rupiah steadies",
            section="business",
            countries=["indonesia"],
            dateline="JAKARTA",
            tags=["Central banks"],
            authors=[AuthorFactory(name="Sari Wulandari")],
            hero_photo=PhotoFactory(alt="The central bank's tower in Jakarta"),
            is_featured=True,
        ).slug

    return query(make)


@pytest.fixture
def no_redis(make_app):
    """An app whose cache and rate-limit store point at a Redis that is not there."""
    app = make_app(
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL="redis://127.0.0.1:1/0",
        CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
    )
    return app.test_client()


@pytest.mark.case("R06")
def test_R06_without_the_cache_every_page_still_serves_and_health_says_degraded(
    no_redis, rupiah, caplog
):
    with caplog.at_level(logging.WARNING, logger="cache"):
        for url in (
            "/",
            "/latest",
            "/country/indonesia",
            "/search?q=rupiah",
            "/feed.rss",
            f"/article/{rupiah}",
        ):
            response = no_redis.get(url)
            assert response.status_code == 200 and "rupiah steadies" in response.text, url
        posted = no_redis.post(
            "/contact",
            data={
                "name": "A",
                "email": "a@example.org",
                "subject": "s",
                "message": "long enough message",
            },
        )
        assert posted.status_code == 303
    assert "cache unavailable" in caplog.text
    health = no_redis.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "degraded"


def test_every_response_carries_a_request_id_and_each_request_is_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="request"):
        first = client.get("/about")
        echoed = client.get("/about", headers={"X-Request-ID": "edge-1234abcd"})
        forged = client.get("/about", headers={"X-Request-ID": "bad id; injected=yes"})
        client.get("/no-such-page")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert echoed.headers["X-Request-ID"] == "edge-1234abcd"
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])
    lines = [r.getMessage() for r in caplog.records if r.name == "request"]
    assert any('method=GET path="/no-such-page" status=404' in line for line in lines)
    assert all(r.request_id != "-" for r in caplog.records if r.name == "request")


def test_static_files_are_cached_for_a_year_when_named_by_hash(client):
    html = client.get("/about").text
    css = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', html).group(1)
    with client.get(css) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


# --- budgets --------------------------------------------------------------------------------------


@pytest.fixture
def count_queries():
    def run(client, url, **kwargs):
        seen = []
        with client.application.app_context():  # the app that serves the request, and its engine
            engine = db.engine

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(url, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, url
        run.statements = seen
        return len(seen)

    return run


# Measured on the demo newsroom (2026-12-05), every query a fixed cost: the content version, the
# page's stories (a list's with their sections and datelines joined on) and one SELECT ... IN per
# other thing their cards show, the navigation (sections, regions and their countries) and the
# ticker. A story page adds its embeds, its related stories and its update log. A page that goes
# over has gained a query. Issue 16 added two, each for a page that costs less time: the home
# page's open live pages load their countries in a query of their own (a join made SQLite build
# every story's countries: 40-70 ms at 100k stories), and a search picks its best matches' ids
# before loading those stories; a region's list reads its countries first and walks each one's
# stories by index (65 ms down to 20 ms at 100k stories). Issue 17 added one to the home page and
# every section, country and region front: the most-read box ranks the front's stories by their
# counted views (one query, then kept 5 minutes). Issue 16 added one to search: whether the words
# match more stories than are ranked (newsroom.search ranks a common word without bm25, whose cost
# grows with the archive). Issue 16 took two from every list (measured 11, 14, 14 and 12 before,
# with a query to spare in each budget; none now): its page is read as plain rows with their
# sections and datelines joined on, then their countries and photos (newsroom.models.cards), no
# longer five ORM loads. Issue 16 took two from the home page (19 before): its front's sixty newest
# and the older stories editors chose are read the same way; and five from an article (23 before):
# its related stories are two such statements, then their countries and photos; and three from a
# search (16 before): its results are read the same way, with their text for the snippets and
# without the bylines no result shows. Issue 16 then took three more from the home page: its
# region and section blocks read the regions, countries and sections the navigation already
# read for the page (plain rows, newsroom.models.taxonomy.navigation), not again as ORM objects.
# The feed's budget had a query to spare (16 measured); it has none now.
BUDGETS = {
    "/": 14,
    "/article/pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls": 18,
    "/latest": 9,
    "/country/japan": 12,
    "/region/east-asia": 12,
    "/author/joon-park": 10,
    "/search?q=rupiah": 13,
    "/feed.rss": 16,
}


@pytest.mark.demo  # a query budget, measured on the newsroom `make run` loads
@pytest.mark.parametrize("url", BUDGETS)
def test_each_page_keeps_its_query_budget_on_a_cold_cache(make_app, count_queries, url):
    client = make_app().test_client()
    counted = count_queries(client, url)
    assert 0 < counted <= BUDGETS[url], "\n".join(count_queries.statements)


@pytest.mark.demo  # forty varied stories to show: the demo newsroom's bylines, photos and places
def test_queries_do_not_grow_with_the_number_of_stories_shown(make_app, count_queries):
    first = make_app(STORIES_PER_PAGE=3)
    few = count_queries(first.test_client(), "/latest")
    with first.app_context():
        cache.clear()  # the apps share a cache: the second must render, not serve the first's copy
    many = count_queries(make_app(STORIES_PER_PAGE=40).test_client(), "/latest")
    assert few == many > 0


def test_a_cached_page_costs_no_query(client, rupiah, count_queries):
    assert client.get("/latest").headers["X-Cache"] == "MISS"
    assert count_queries(client, "/latest") <= 1  # at most the cache's version bookkeeping


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


@pytest.mark.demo  # a weight budget for the front page and a story as the demo newsroom fills them
def test_page_weight_budgets(client):
    for url in ("/", "/article/pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls"):
        html = client.get(url).data
        assert gz(html) <= 20 * 1024, (url, gz(html))
        scripts = re.findall(rb'<script src="([^"]+)"', html)
        assert b"htmx-4.0.1.min.js" in scripts[0] and b"live.js" in scripts[1]
        # An article adds the counting beacon (static/js/count.js); nothing else, from nowhere else.
        assert scripts[2:] == ([] if url == "/" else [scripts[2]])
        assert all(b"count.js" in s for s in scripts[2:])
        assert b"@font-face" not in html and b"fonts.googleapis" not in html
    root = Path(__file__).resolve().parent.parent.parent / "static"
    assert gz((root / "css" / "site.css").read_bytes()) <= 15 * 1024
    own_js = (root / "js" / "live.js").read_text()
    code = re.sub(r"/\*.*?\*/", "", own_js, flags=re.S)
    assert len(gzip.compress(code.encode())) <= 2 * 1024
    beacon = re.sub(r"/\*.*?\*/", "", (root / "js" / "count.js").read_text(), flags=re.S)
    assert len(gzip.compress(beacon.encode())) <= 1024
    css = (root / "css" / "site.css").read_bytes()
    assert b"@font-face" not in css and b"fonts.googleapis" not in css, "system fonts only"
    assert not re.search(rb"\.(woff2?|ttf|otf|eot)\b", css)
    assert not [p for p in root.rglob("*") if p.suffix in (".woff", ".woff2", ".ttf", ".otf")]


def test_the_lead_image_is_not_lazy(client, rupiah):
    html = client.get(f"/article/{rupiah}").text
    hero = html.split('class="story__hero"')[1].split("</figure>")[0]
    assert 'fetchpriority="high"' in hero and 'loading="lazy"' not in hero


# --- backup and restore ------------------------------------------------------------------------


@pytest.mark.case("R14")
@pytest.mark.skipif(bool(PG_URL), reason="the SQLite round trip; PostgreSQL's is below")
def test_R14_sqlite_backup_and_restore_round_trip(app, runner, query, tmp_path):
    query(lambda: make_story(headline="Story saved before the backup", hero_photo=PhotoFactory()))
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [database] = list((tmp_path / "backups").glob("database-*.sqlite"))
    [media] = list((tmp_path / "backups").glob("media-*.tar.gz"))
    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    query(lambda: make_story(headline="Story written after the backup"))

    app.config["MEDIA_ROOT"] = str(tmp_path / "restored-media")
    result = runner.invoke(args=["restore", str(database), "--media", str(media), "--yes"])
    assert result.exit_code == 0, result.output
    headlines = query(lambda: set(db.session.scalars(sa.select(Story.headline))))
    assert "Story saved before the backup" in headlines
    assert "Story written after the backup" not in headlines
    assert any((tmp_path / "restored-media").iterdir())


def test_backup_without_a_folder_goes_to_the_instance_readable_by_its_owner_only(
    make_app, monkeypatch, tmp_path
):
    """Not ./backups/ in the checkout: the backup holds password hashes and two-step secrets."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.chdir(tmp_path)
    result = make_app().test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "instance" / "backups"
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 4 and {f.split("-")[0] for f in files} == {"database", "media"}
    assert f"wrote {folder}/" in result.output
    assert not (tmp_path / "backups").exists()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


@pytest.mark.parametrize(
    ("which", "damage"),
    [
        ("database", "changed"),
        ("database", "no checksum"),
        ("media", "changed"),
        ("media", "no checksum"),
    ],
)
def test_restore_refuses_a_backup_file_that_does_not_match_its_checksum(
    app, runner, query, tmp_path, which, damage
):
    query(lambda: make_story(headline="Story saved before the backup"))
    assert runner.invoke(args=["backup", str(tmp_path / "backups")]).exit_code == 0
    [database] = [p for p in (tmp_path / "backups").glob("database-*") if p.suffix != ".sha256"]
    [media] = list((tmp_path / "backups").glob("media-*.tar.gz"))
    query(lambda: make_story(headline="Story written after the backup"))
    target = database if which == "database" else media
    if damage == "changed":
        with target.open("ab") as f:
            f.write(b"\0")
    else:
        target.with_name(target.name + ".sha256").unlink()
    app.config["MEDIA_ROOT"] = str(tmp_path / "restored-media")

    result = runner.invoke(args=["restore", str(database), "--media", str(media), "--yes"])
    assert result.exit_code == 1
    expected = "does not match its checksum" if damage == "changed" else "has no checksum file"
    assert expected in result.output and "nothing was restored" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    headlines = query(lambda: set(db.session.scalars(sa.select(Story.headline))))
    assert "Story written after the backup" in headlines, "the database was left alone"
    assert not (tmp_path / "restored-media").exists(), "the media were left alone"


@pytest.mark.case("R15")
@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL leg")
def test_R15_postgresql_backup_and_restore_round_trip(app, runner, query, tmp_path):
    import shutil

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    query(lambda: make_story(headline="Story saved before the backup"))
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [dump] = list((tmp_path / "backups").glob("database-*.pgdump"))
    query(lambda: make_story(headline="Story written after the backup"))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    result = runner.invoke(args=["restore", str(dump), "--yes"])
    assert result.exit_code == 0, result.output
    headlines = query(lambda: set(db.session.scalars(sa.select(Story.headline))))
    assert "Story saved before the backup" in headlines
    assert "Story written after the backup" not in headlines


@pytest.mark.case("R10")
@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
def test_R10_a_write_lock_held_too_long_answers_503_not_a_false_thank_you(
    make_app, app_config, query
):
    app = make_app()
    with app.app_context():
        db.engine.dispose()
    path = app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with app.app_context():
            db.engine.dispose()
            # Wait briefly instead of the production 15 s.
            from sqlalchemy import event as sa_event

            @sa_event.listens_for(db.engine, "connect")
            def short_wait(dbapi_conn, _record):
                dbapi_conn.execute("PRAGMA busy_timeout=200")

        response = app.test_client().post(
            "/contact",
            data={
                "name": "Ana",
                "email": "ana@example.org",
                "subject": "Tip",
                "message": "A message long enough",
            },
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Please try again" in response.text and "Thank you" not in response.text


@pytest.mark.case("R07")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_R07_a_frozen_redis_costs_one_short_timeout_not_one_per_call(make_app, rupiah, tmp_path):
    """R07: Redis stopped with SIGSTOP (it accepts connections but never answers)."""
    import os
    import signal
    import subprocess
    import time

    from tests.helpers import free_port

    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        url = f"redis://127.0.0.1:{port}/0"
        client = make_app(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=url,
            CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        ).test_client()
        assert client.get("/latest").status_code == 200
        os.kill(server.pid, signal.SIGSTOP)
        started = time.monotonic()
        for url_path in ("/", "/latest", "/country/indonesia", "/about", "/search?q=rupiah"):
            began = time.monotonic()
            assert client.get(url_path).status_code == 200
            assert time.monotonic() - began < 1.5, url_path
        assert time.monotonic() - started < 3, "the breaker spares every later call the timeout"
        assert client.get("/healthz").json["status"] == "degraded"
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)
