"""The demo newsroom and the set-up steps a newcomer runs."""

from __future__ import annotations

import collections
import subprocess
import sys

import pytest
import sqlalchemy as sa

from demo import DemoDataError, read_all
from demo.files import read_stories
from demo.live import STORY_TOKEN
from extensions import db
from newsroom.models import Author, Kind, LivePost, Photo, Story, TickerItem, utcnow
from tests.helpers import PG_URL

# About the demo newsroom itself (what `make run` and `flask demo load` put in the database).
pytestmark = pytest.mark.demo


def test_demo_newsroom_has_what_the_brief_asks_for(query):
    def facts():
        stories = db.session.scalars(sa.select(Story)).all()
        return {
            "count": len(stories),
            "countries": {c.slug for s in stories for c in s.countries},
            "sections": {s.section.slug for s in stories},
            "kinds": collections.Counter(s.kind for s in stories),
            "langs": {s.lang for s in stories},
            "authors": db.session.scalar(sa.select(sa.func.count()).select_from(Author)),
            "images": db.session.scalar(sa.select(sa.func.count()).select_from(Photo)),
            "breaking": len(TickerItem.active()),
            "datelines": all(s.dateline for s in stories),
            "quotes": sum(1 for s in stories if "said" in s.body_md and '"' in s.body_md),
        }

    f = query(facts)
    assert f["count"] >= 40
    assert len(f["countries"]) >= 15
    assert f["sections"] == {"politics", "business", "culture", "technology"}
    assert f["kinds"]["interview"] >= 3 and f["kinds"]["analysis"] >= 3
    assert f["kinds"]["photo"] >= 2 and f["kinds"]["video"] >= 2
    assert {"zh", "ja", "ko", "th"} <= f["langs"]
    assert f["authors"] >= 3 and f["images"] >= 10 and f["breaking"] == 3
    assert f["datelines"]
    assert f["quotes"] >= 35


def test_the_brief_shaped_story_embeds_another_demo_story(query):
    def story():
        seoul = db.session.scalar(
            sa.select(Story).where(Story.dateline == "SEOUL", Story.source_name != "")
        )
        embedded = db.session.get(Story, seoul.embed_ids[0])
        return seoul.source_url, seoul.body_md, embedded.is_visible

    source_url, body, embedded_visible = query(story)
    assert source_url.startswith("https://www.asiaone.com/")
    assert "[[nid:" in body and embedded_visible


def test_the_demo_has_an_open_live_page_and_one_closed_the_day_before(client, query):
    def pages():
        found = {}
        for story in db.session.scalars(sa.select(Story).where(Story.kind == Kind.LIVE)):
            posts = LivePost.latest(story, 100)
            embedded = [db.session.get(Story, i) for p in posts for i in p.embed_ids]
            found[story.dateline] = {
                "slug": story.slug,
                "headline": story.headline,
                "open": story.is_live_open,
                # Measured from when the demo was loaded (the page's own row), not from now:
                # the demo database is built once per test session, which may be long.
                "closed_hours_ago": story.live_closed_at
                and (story.created_at - story.live_closed_at).total_seconds() / 3600,
                "summary": story.live_summary_html,
                "posts": len(posts),
                "key_events": len(LivePost.key_events(story)),
                "photos": [p.body_html for p in posts if '<img src="/media/' in p.body_html],
                "embeds_visible": [s.is_visible for s in embedded],
                "newest_minutes_ago": (story.created_at - posts[0].posted_at).total_seconds() / 60,
                "stamp_is_newest_change": story.live_changed_at
                == max(
                    [p.changed_at for p in posts] + [story.live_closed_at or posts[0].posted_at]
                ),
            }
        return found

    found = query(pages)
    typhoon, count = found["TUGUEGARAO"], found["ULAANBAATAR"]
    assert typhoon["open"] and typhoon["posts"] >= 12 and typhoon["key_events"] == 2
    assert "Typhoon Dalisay" in typhoon["headline"] and "<li>" in typhoon["summary"]
    assert len(typhoon["photos"]) == 1 and typhoon["embeds_visible"] == [True]
    assert typhoon["newest_minutes_ago"] < 15 and typhoon["stamp_is_newest_change"]
    assert not count["open"] and 12 < count["closed_hours_ago"] < 36
    assert count["posts"] >= 6 and count["key_events"] >= 1 and count["stamp_is_newest_change"]
    for page in (typhoon, count):
        assert client.get(f"/article/{page['slug']}").status_code == 200


def test_demo_load_is_idempotent(runner, query):
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    result = runner.invoke(args=["demo", "load", "--no-images"])
    assert result.exit_code == 0 and "0 new stories" in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "demo not loaded" in result.output
    after = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    assert before == after


def test_synthetic_stories_are_added_only_on_request_and_page_normally(runner, client, query):
    result = runner.invoke(args=["demo", "load", "--synthetic", "30"])
    assert result.exit_code == 0 and "Added 30 synthetic stories" in result.output
    count = query(
        lambda: db.session.scalar(
            sa.select(sa.func.count()).select_from(Story).where(Story.slug.like("synthetic-%"))
        )
    )
    assert count == 30
    first = query(
        lambda: db.session.scalar(
            sa.select(Story).where(Story.slug.like("synthetic-%")).order_by(Story.id)
        )
    )
    page = client.get(f"/article/{first.slug}")
    assert page.status_code == 200 and "This generated story number" in page.text
    assert client.get("/latest").status_code == 200


def test_every_demo_data_file_parses_and_names_what_exists():
    data = read_all()
    keys = [story["key"] for story in data["stories"]]
    assert len(keys) == len(set(keys)) >= 40
    assert keys[22] == "turkey-inflation"  # loading order is the file numbers: story id 23
    sections = {s["slug"] for s in data["sections"]}
    countries = {c["slug"]: c for c in data["countries"]}
    assert {c["region"] for c in countries.values()} == {r["slug"] for r in data["regions"]}
    authors = {a["slug"] for a in data["authors"]}
    for story in data["stories"]:
        assert story["section"] in sections, story["key"]
        assert set(story["countries"]) <= countries.keys(), story["key"]
        assert set(story["tags"]) <= data["tags"].keys(), story["key"]
        assert set(story["authors"]) <= authors, story["key"]
    assert {item["story"] for item in data["ticker"] if "story" in item} <= set(keys)
    kinds = {story["key"]: story["kind"] for story in data["stories"]}
    assert [kinds[page["story"]] for page in data["live"]] == ["live", "live"]
    for page in data["live"]:
        named = {key for post in page["post"] for key in STORY_TOKEN.findall(post["body"])}
        assert named <= set(keys), page["story"]
    assert {p["section"] for p in data["synthetic"]} <= sections


def test_a_story_file_without_a_required_field_is_refused_by_name(tmp_path):
    (tmp_path / "01-no-dateline.md").write_text(
        '+++\nheadline = "A"\nstandfirst = "B"\nkind = "news"\nsection = "politics"\n'
        'countries = ["japan"]\ntags = []\nauthors = []\nhours_ago = 1\n+++\n\nBody.\n'
    )
    with pytest.raises(DemoDataError, match=r"01-no-dateline\.md: front matter lacks dateline"):
        read_stories(tmp_path)


def test_demo_times_are_recent_so_the_site_looks_live(query):
    newest = query(lambda: db.session.scalar(sa.select(sa.func.max(Story.published_at))))
    assert (utcnow() - newest).total_seconds() < 6 * 3600


def _skip_search_index(name, type_, parent_names):
    if type_ == "table" and name.startswith("article_search"):
        return False
    return not (type_ == "index" and name == "ix_articles_search_trgm")


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    """`flask db upgrade` on an empty database, then autogenerate finds nothing to change."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    from app import create_app
    from web.extensions import use_migrations

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
            "CACHE_TYPE": "SimpleCache",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    use_migrations(app)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": _skip_search_index})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    # authors.photo_id's foreign key is added on SQLite by ALTER TABLE ... ADD COLUMN ...
    # REFERENCES (a copy of the table would cascade every byline away, see migration fronts01);
    # SQLite enforces it, but reflection reads a column constraint differently from the model's.
    diff = [d for d in diff if not (d[0] in ("add_fk", "remove_fk") and _is_photo_fk(d[1]))]
    assert diff == []


def _is_photo_fk(constraint) -> bool:
    return constraint.parent.name == "authors" and [c.name for c in constraint.columns] == [
        "photo_id"
    ]


def test_upgrading_keeps_a_storys_history_whole_under_its_new_name(tmp_path):
    """The audit log named stories "article" before the models took the newsroom's words; the
    migration renames old entries so "what happened to this story?" still finds them all."""
    from flask_migrate import upgrade

    from app import create_app
    from web.extensions import use_migrations

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
            "CACHE_TYPE": "SimpleCache",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    old = {"article": "story", "image": "photo", "breakingitem": "tickeritem", "user": "user"}
    use_migrations(app)
    with app.app_context():
        upgrade(revision="c5d2e8a41f37")
        for kind in old:
            db.session.execute(
                sa.text(
                    "INSERT INTO audit_log (at, action, subject_type, subject_id, summary) "
                    "VALUES (CURRENT_TIMESTAMP, 'save', :kind, 7, '')"
                ),
                {"kind": kind},
            )
        db.session.commit()
        upgrade()
        kinds = db.session.scalars(sa.text("SELECT subject_type FROM audit_log ORDER BY id"))
        assert list(kinds) == list(old.values())
        db.session.remove()
        db.engine.dispose()


@pytest.mark.case("R13")
def test_R13_importing_the_app_touches_no_database(tmp_path):
    """Several gunicorn workers must boot on an empty database: no migration or seed at import."""
    code = (
        "import app; a = app.create_app({'TESTING': True, 'SECRET_KEY': 'x', "
        f"'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/empty.sqlite', "
        f"'MEDIA_ROOT': '{tmp_path}/media', 'CACHE_TYPE': 'SimpleCache'}}); print('booted')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "booted" in out.stdout
    tables = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; print(sqlite3.connect('{tmp_path}/empty.sqlite')"
            ".execute('select count(*) from sqlite_master').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert tables.stdout.strip() == "0"


@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL leg")
def test_another_run_starting_on_the_same_server_leaves_this_runs_template_alone(
    demo_database, tmp_path
):
    """Two test runs against one PostgreSQL server: the second one's start breaks nothing here."""
    from tests.servers import PostgresDemo

    other = PostgresDemo(tmp_path)  # what another run does as it starts
    try:
        url = demo_database.clone(tmp_path)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            stories = conn.execute(sa.text("SELECT count(*) FROM articles")).scalar()
        engine.dispose()
        demo_database.drop(url)
    finally:
        other.close()
    assert other.template != demo_database.template
    assert stories >= 40
