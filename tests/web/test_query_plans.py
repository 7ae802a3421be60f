"""Every reader list is an index walk that stops after a page, however deep the reader has gone.

A few thousand stories go in by bulk insert, the database gathers its statistics, and each list
query is sent exactly as the app sends it (the statement `card_statement` or
`related_query` builds, with its values), with a cursor deep in the list, under EXPLAIN.
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
    card_statement,
    live_at_for,
    related_query,
    story_authors,
    story_countries,
    story_tags,
    utcnow,
)
from newsroom.models.story_links import copy_live_at
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
    rare_country = countries.pop()  # only the two oldest stories are filed there
    db.session.add_all(Tag(slug=f"plan-tag-{n}", name=f"Plan tag {n}") for n in range(TAGS))
    db.session.add(Tag(slug="plan-rare", name="Plan rare"))
    db.session.add(Author(slug="plan-rare", name="Plan rare", title="", bio=""))
    db.session.add_all(
        Author(slug=f"plan-author-{n}", name=f"Plan author {n}", title="", bio="")
        for n in range(AUTHORS)
    )
    db.session.flush()
    tags = db.session.scalars(sa.select(Tag.id).where(Tag.slug != "plan-rare")).all()
    authors = db.session.scalars(sa.select(Author.id).where(Author.slug != "plan-rare")).all()
    rare_tag = db.session.scalar(sa.select(Tag.id).where(Tag.slug == "plan-rare"))
    rare_author = db.session.scalar(sa.select(Author.id).where(Author.slug == "plan-rare"))
    now = utcnow()
    start = (db.session.scalar(sa.select(sa.func.max(Story.id))) or 0) + 1
    stories, places, tagged, bylines = [], [], [], []
    for ident in range(start, start + count):
        status = rng.choice([Status.PUBLISHED] * 18 + [Status.DRAFT, Status.SCHEDULED])
        rare = ident >= start + count - 2  # the two oldest: the rare subjects' two stories
        status = Status.PUBLISHED if rare else status
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
        if rare:
            places.append({"article_id": ident, "country_id": rare_country})
            tagged.append({"article_id": ident, "tag_id": rare_tag})
            bylines.append({"article_id": ident, "author_id": rare_author, "position": 1})
    db.session.execute(sa.insert(Story), stories)
    db.session.execute(story_countries.insert(), places)
    db.session.execute(story_tags.insert(), tagged)
    db.session.execute(story_authors.insert(), bylines)
    copy_live_at(db.session.connection())  # what every ORM flush does for the stories it writes
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


def _subject(model, link_column, *, rare: bool = False):
    """The subject with the most stories (the one whose list is most worth sorting), or the
    fewest (whose list, walked through the archive's index, would read the archive)."""
    query = sa.select(model).join(link_column.table).group_by(model.id)
    count = sa.func.count()
    return db.session.scalars(query.order_by(count if rare else count.desc()).limit(1)).one()


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
        "rare tag": {"tag": Tag.by_slug("plan-rare")},
        "rare author": {"author": Author.by_slug("plan-rare")},
        "rare country": {"country": _subject(Country, story_countries.c.country_id, rare=True)},
    }[name]


def _deep_cursor(filters: dict, *, rare: bool = False) -> Cursor:
    """The cursor of the story DEPTH of the way down the list; of a rare subject's (two
    stories), the first story's, so that the page holds the last one."""
    everything = Story.latest_query(limit=STORIES, **filters).with_only_columns(
        Story.id, Story.live_at
    )
    rows = db.session.execute(everything).all()
    if rare:
        assert len(rows) == 2, "the rare subject's list is its two stories"
        return Cursor(*rows[0])
    assert len(rows) > 30, "too few stories in the list to be deep in it"
    ident, at = rows[int(len(rows) * DEPTH)]
    return Cursor(ident, at)


def _list_statement(name: str) -> sa.Select:
    if name == "home stream":
        # The front page's stream: the newest stories less the few shown above it.
        front = tuple(s.id for s in Story.latest(limit=40))
        return card_statement(before=_deep_cursor({}), limit=12, exclude_ids=front)
    filters = _filters(name)
    cursor = _deep_cursor(filters, rare=name.startswith("rare"))
    return card_statement(before=cursor, limit=12, **filters)


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
    return related_query(old, by, (old.id,), 4)


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
# Lists of a subject with two stories among thousands: walking the archive's live_at index and
# checking each story's link row would read every story for their one page.
RARE = ("rare tag", "rare author", "rare country")
SUBJECTS = ("country", "region", "tag", "author", *RARE)


@pytest.mark.parametrize("name", LISTS + RARE)
def test_a_deep_page_of_each_list_walks_an_index(archive, name):
    faults, plan = _plan_faults(_list_statement(name))
    if name == "region":
        # A region merges its countries' walks, each stopped after a page (LIMIT), and sorts
        # what they found: at most a page per country, however large the archive.
        faults = [f for f in faults if not _sorts_the_merged_walks(f, plan)]
        assert plan.count("ix_article_countries_country_live") >= 2, plan
    if name in SUBJECTS:
        # A subject's list walks its link table's (subject, live_at, article_id) index.
        assert "ix_articles_live" not in plan, plan
        assert "_live" in plan, plan
    assert faults == [], plan


def _sorts_the_merged_walks(fault: str, plan: str) -> bool:
    if fault == "USE TEMP B-TREE FOR ORDER BY":  # SQLite: after SCAN walk, the merged rows
        return "SCAN walk" in plan
    return fault.startswith("Sort on") and "walk." in fault  # PostgreSQL: the Sort's key


@pytest.mark.parametrize("by", ["tag", "section"])
def test_an_old_storys_related_list_walks_an_index(archive, by):
    # By tag: the story's tag's link rows, newest first from live_at (speed02); with several
    # tags, their walks merged as a region's countries' are.
    faults, plan = _plan_faults(_related_statement(by))
    faults = [f for f in faults if not _sorts_the_merged_walks(f, plan)]
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
