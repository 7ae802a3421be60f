"""Every reader list is an index walk that stops after a page, however deep the reader has gone.

A few thousand stories go in by bulk insert, the database gathers its statistics, and each list
query is sent exactly as the app sends it (the statement `Story.latest_query` or
`Story.related_query` builds, with its values), with a cursor deep in the list, under EXPLAIN.
A list whose plan sorts (SQLite: USE TEMP B-TREE FOR ORDER BY; PostgreSQL: a Sort node) or scans
the whole stories table reads every story of its section, country or tag per render: at 100,000
stories a section page took 57 ms that way, against 7 ms walking (section_id, live_at, id).
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db, limiter
from newsroom.models import (
    Author,
    Country,
    Cursor,
    Section,
    Status,
    Story,
    Tag,
    live_at_for,
    story_authors,
    story_countries,
    story_tags,
    utcnow,
)
from tests.helpers import PG_URL
from tests.servers import base_config

STORIES = 4000
TAGS = 40
AUTHORS = 20
DEPTH = 0.75  # the cursor sits this far down each list


def _build(count: int) -> None:
    """`count` stories spread over every section, country, tag and author; one in three has no
    tag, one in ten is an opinion, a few are drafts or scheduled (no live_at, or a later one)."""
    rng = random.Random(16)  # noqa: S311 - test data
    sections = db.session.scalars(sa.select(Section.id)).all()
    countries = db.session.scalars(sa.select(Country.id)).all()
    db.session.add_all(Tag(slug=f"plan-tag-{n}", name=f"Plan tag {n}") for n in range(TAGS))
    db.session.add_all(
        Author(slug=f"plan-author-{n}", name=f"Plan author {n}", title="", bio="")
        for n in range(AUTHORS)
    )
    db.session.flush()
    tags = db.session.scalars(sa.select(Tag.id)).all()
    authors = db.session.scalars(sa.select(Author.id)).all()
    now = utcnow()
    start = (db.session.scalar(sa.select(sa.func.max(Story.id))) or 0) + 1
    stories, places, tagged, bylines = [], [], [], []
    for ident in range(start, start + count):
        status = rng.choice([Status.PUBLISHED] * 18 + [Status.DRAFT, Status.SCHEDULED])
        published = now - timedelta(minutes=7 * (ident - start) + rng.random())
        if status == Status.SCHEDULED:
            published = now + timedelta(hours=rng.randint(1, 48))
        stories.append(
            {
                "id": ident,
                "slug": f"plan-{ident}",
                "headline": f"Story {ident}",
                "kind": "opinion" if ident % 10 == 0 else "news",
                "status": status.value,
                "published_at": published,
                "live_at": live_at_for(status, published),
                "created_at": now,
                "modified_at": now,
                "section_id": rng.choice(sections),
                "embed_ids": [],
            }
        )
        places.append({"article_id": ident, "country_id": rng.choice(countries)})
        if ident % 3:
            tagged.append({"article_id": ident, "tag_id": rng.choice(tags)})
        bylines.append({"article_id": ident, "author_id": rng.choice(authors), "position": 0})
    db.session.execute(sa.insert(Story), stories)
    db.session.execute(story_countries.insert(), places)
    db.session.execute(story_tags.insert(), tagged)
    db.session.execute(story_authors.insert(), bylines)
    db.session.commit()


# SQLite plans twice: with statistics, and without, as a site's database is unless someone runs
# ANALYZE. PostgreSQL's autovacuum gathers them by itself.
STATISTICS = ["analysed"] if PG_URL else ["analysed", "no statistics"]


@pytest.fixture(scope="module", params=STATISTICS)
def archive(request, frame_database, tmp_path_factory):
    """An app on its own copy of the frame with STORIES stories, analysed or not."""
    tmp = tmp_path_factory.mktemp("plans")
    config = base_config(tmp, tmp / "media")
    config["SQLALCHEMY_DATABASE_URI"] = frame_database.clone(tmp)
    limiter._key_prefix = None
    app = create_app(config)
    with app.app_context():
        _build(STORIES)
        if request.param == "analysed":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        yield app
        db.session.remove()
        db.engine.dispose()
    frame_database.drop(config["SQLALCHEMY_DATABASE_URI"])


def _subject(model, link_column):
    """The subject with the most stories (the one whose list is most worth sorting)."""
    query = sa.select(model).join(link_column.table).group_by(model.id)
    return db.session.scalars(query.order_by(sa.func.count().desc()).limit(1)).one()


def _filters(name: str) -> dict:
    section = _subject(Section, Story.__table__.c.section_id)
    country = _subject(Country, story_countries.c.country_id)
    return {
        "latest": {},
        "section": {"section": section},
        "country": {"country": country},
        "region": {"region": country.region},
        "tag": {"tag": _subject(Tag, story_tags.c.tag_id)},
        "author": {"author": _subject(Author, story_authors.c.author_id)},
        "kind": {"kinds": ("opinion",)},
    }[name]


def _deep_cursor(filters: dict) -> Cursor:
    """The cursor of the story DEPTH of the way down the list."""
    everything = Story.latest_query(limit=STORIES, **filters).with_only_columns(
        Story.id, Story.live_at
    )
    rows = db.session.execute(everything).all()
    assert len(rows) > 30, "too few stories in the list to be deep in it"
    ident, at = rows[int(len(rows) * DEPTH)]
    return Cursor(ident, at)


def _list_statement(name: str) -> sa.Select:
    if name == "home stream":
        # The front page's stream: the newest stories less the few shown above it.
        front = tuple(s.id for s in Story.latest(limit=40))
        return Story.latest_query(before=_deep_cursor({}), limit=12, exclude_ids=front)
    filters = _filters(name)
    return Story.latest_query(before=_deep_cursor(filters), limit=12, **filters)


def _related_statement(by: str) -> sa.Select:
    """What an old story's page lists as related: by its tag, or for an untagged story (and to
    top up) the newest of its section."""
    tagged = sa.exists().where(story_tags.c.article_id == Story.id)
    condition = tagged if by == "tag" else ~tagged
    old = db.session.scalars(
        sa.select(Story)
        .where(Story.visible(), condition)
        .order_by(Story.live_at)
        .offset(STORIES // 10)
        .limit(1)
    ).one()
    return old.related_query(by, (old.id,), 4)


def _sent(statement) -> tuple[str, object]:
    """The SQL and values the app sends for `statement` (its first query; card loads follow)."""
    sent = []

    def keep(_conn, _cursor, sql, parameters, _context, _many):
        sent.append((sql, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        rows = db.session.scalars(statement).unique().all()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert rows, "the list is empty: its plan would prove nothing"
    return sent[0]


def _plan_faults(statement) -> tuple[list[str], str]:
    """What in the plan reads a whole list rather than a page, and the plan itself."""
    sql, parameters = _sent(statement)
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
        lines = [row[-1] for row in rows]
        faults = [
            line for line in lines if "USE TEMP B-TREE" in line or line.startswith("SCAN articles")
        ]
        return faults, "\n".join(lines)
    # A few thousand rows are cheaper to sort than to walk, so PostgreSQL is asked for its best
    # plan without sorts and table scans: it still sorts or scans when no index allows better.
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", parameters).scalar()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    faults = []

    def walk(node):
        kind = node["Node Type"]
        if kind in ("Sort", "Incremental Sort"):
            faults.append(f"{kind} on {node.get('Sort Key')}")
        if kind == "Seq Scan" and node.get("Relation Name") == "articles":
            faults.append("Seq Scan on articles")
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return faults, json.dumps(plan, indent=1)


LISTS = ("latest", "home stream", "section", "country", "region", "tag", "author", "kind")


@pytest.mark.parametrize("name", LISTS)
def test_a_deep_page_of_each_list_walks_an_index(archive, name):
    faults, plan = _plan_faults(_list_statement(name))
    assert faults == [], plan


@pytest.mark.parametrize("by", ["tag", "section"])
def test_an_old_storys_related_list_walks_an_index(request, archive, by):
    if by == "tag" and not PG_URL:
        # SQLite reads the story's tags' link rows and sorts their stories: as many as those
        # tags have (a few hundred at 100,000 stories), not the archive. A walk would need
        # live_at in article_tags; walking ix_articles_live instead reads the whole archive for
        # a rare tag. Strict: the day SQLite walks, this says so.
        reason = "SQLite sorts the stories of the story's tags (as many as the tags have)"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    faults, plan = _plan_faults(_related_statement(by))
    assert faults == [], plan


def test_the_check_sees_a_section_list_with_no_index_to_walk(archive):
    """With the section index as it was before migration speed01 (section_id, status,
    published_at) and no live_at index, a section page must sort its section: the check says so."""
    connection = db.session.connection()
    stories = connection.exec_driver_sql("SELECT count(*) FROM articles").scalar()
    connection.exec_driver_sql("DROP INDEX ix_articles_section_live")
    connection.exec_driver_sql("DROP INDEX ix_articles_live")
    connection.exec_driver_sql(
        "CREATE INDEX ix_articles_section_stream ON articles (section_id, status, published_at, id)"
    )
    try:
        faults, plan = _plan_faults(_list_statement("section"))
    finally:
        db.session.rollback()
    assert faults, plan
    # The rollback put the archive back as it was, indexes and rows.
    connection = db.session.connection()
    assert connection.exec_driver_sql("SELECT count(*) FROM articles").scalar() == stories
    assert _plan_faults(_list_statement("section"))[0] == []
