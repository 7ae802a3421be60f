"""The bench's data, built inside the app (run as `python -m bench.build ...` with the app's
environment; the bench runner starts it, nothing else needs to).

    python -m bench.build grow N     add synthetic stories up to N in all, give them bylines and
                                     tags, print what the cases need (one JSON line)
    python -m bench.build publish    for every line read, edit the newest story and commit, as a
                                     publish does: the page cache is retired; answers "ok"

Synthetic stories (demo/synthetic.py) go in by bulk INSERT and have no authors or tags; without
them an author or tag page would list the demo's handful of stories at any scale. So every
synthetic story gets one of the demo's authors and three in four get one of five tags, also by
bulk INSERT; the fourth is left untagged, as the "untagged article" case needs. One in eight is
also filed under Japan, so that its country page is over 500 pages deep at 100,000 stories (a
country's own share, one in ~50, is not).
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

MARK = "BENCH-JSON "
# One synthetic phrase in nine ("approves new budget for rural roads"); one demo story.
COMMON_WORD = "budget"
RARE_WORD = "vintners"
LINK_BATCH = 20_000
TAGGED_WITH = 5  # synthetic stories share the first five tags, so a tag page is a deep list
DEEP_COUNTRY = "japan"  # one story in eight is also filed under it: 500 pages deep at 100k


def _app():
    from app import create_app

    app = create_app()
    app.app_context().push()
    return app


def _link(first_id: int) -> None:
    """Bylines for every synthetic story from first_id on; a tag for three in four."""
    from extensions import db
    from newsroom.models import (
        Author,
        Country,
        Story,
        Tag,
        story_authors,
        story_countries,
        story_tags,
    )

    authors = db.session.scalars(sa.select(Author.id).order_by(Author.id)).all()
    tags = db.session.scalars(sa.select(Tag.id).order_by(Tag.id)).all()[:TAGGED_WITH]
    deep = db.session.scalar(sa.select(Country.id).where(Country.slug == DEEP_COUNTRY))
    filed = set(
        db.session.scalars(
            sa.select(story_countries.c.article_id).where(
                story_countries.c.country_id == deep, story_countries.c.article_id >= first_id
            )
        )
    )
    # Each link row carries its story's live_at, as newsroom.models.story_links keeps it on a
    # save: the author's, tag's and country's lists walk (subject, live_at) and skip rows without.
    rows = db.session.execute(
        sa.select(Story.id, Story.live_at)
        .where(Story.id >= first_id, Story.slug.like("synthetic-%"))
        .order_by(Story.id)
    ).all()
    for start in range(0, len(rows), LINK_BATCH):
        chunk = rows[start : start + LINK_BATCH]
        if authors:
            db.session.execute(
                story_authors.insert(),
                [
                    {
                        "article_id": i,
                        "author_id": authors[i % len(authors)],
                        "position": 0,
                        "live_at": at,
                    }
                    for i, at in chunk
                ],
            )
        if tags:
            db.session.execute(
                story_tags.insert(),
                [
                    {"article_id": i, "tag_id": tags[i % len(tags)], "live_at": at}
                    for i, at in chunk
                    if i % 4
                ],
            )
        extra = [
            {"article_id": i, "country_id": deep, "live_at": at} for i, at in chunk if not i % 8
        ]
        extra = [row for row in extra if row["article_id"] not in filed]
        if deep and extra:
            db.session.execute(story_countries.insert(), extra)
        db.session.commit()


def grow(total: int) -> dict:
    """Synthetic stories up to `total` in all (demo stories included), then the probe."""
    from demo import load_synthetic
    from extensions import db
    from newsroom.models import Story

    have = db.session.scalar(sa.select(sa.func.count()).select_from(Story))
    if total > have:
        first = (db.session.scalar(sa.select(sa.func.max(Story.id))) or 0) + 1
        load_synthetic(total - have)
        _link(first)
        _vacuum_analyze()
    return probe()


def _vacuum_analyze() -> None:
    """What a server's autovacuum does within a minute or so of a bulk load, on PostgreSQL; this
    machine's test server runs with it off.
    - Planner statistics for the rows just added: without them the planner guesses (17,000 rows
      for a byline lookup by 18 ids) and picks plans that cost a list page 15 ms more than it
      costs a real site. SQLite keeps none unless someone runs ANALYZE (the app's plans are
      checked both ways: tests/web/test_query_plans.py).
    - The search index's pending entries merged into it: GIN keeps new rows' trigrams in a list
      that every search reads whole until a vacuum merges them (441 pages at 10,000 stories; a
      rare word's search page took 7.1 ms with them, 5.4 without)."""
    from extensions import db

    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))


def probe() -> dict:
    """The addresses the cases request, and the sizes that make them comparable."""
    from extensions import db
    from newsroom.models import (
        Author,
        Country,
        Section,
        Story,
        Tag,
        story_authors,
        story_countries,
        story_tags,
    )
    from newsroom.models.base import contains_folded

    def biggest(model, link, column):
        count = sa.func.count().label("n")
        row = db.session.execute(
            sa.select(model.slug, count)
            .join(link, column == model.id)
            .group_by(model.slug)
            .order_by(count.desc(), model.slug)
            .limit(1)
        ).first()
        return row[0], row[1]

    stories = db.session.scalar(sa.select(sa.func.count()).select_from(Story))
    japan = db.session.scalar(sa.select(Country).where(Country.slug == DEEP_COUNTRY))
    per_page = 12
    listed = Story.latest(country=japan, limit=500 * per_page + per_page + 1)
    deep = min(500 * per_page, len(listed) - per_page - 1)
    tagged = sa.select(story_tags.c.article_id)
    article = db.session.scalar(
        sa.select(Story.slug)
        .where(Story.visible(), Story.id.in_(tagged), ~Story.slug.like("synthetic-%"))
        .order_by(Story.live_at.desc())
        .limit(1)
    )
    # An untagged story from the middle of the archive: its "related" list falls back on its
    # section, the query that sorted ~25k rows at 100k stories.
    untagged = db.session.scalar(
        sa.select(Story.slug)
        .where(Story.visible(), ~Story.id.in_(tagged), Story.slug.like("synthetic-%"))
        .order_by(Story.id)
        .offset(max(0, (stories - 100) // 2 // 4))
        .limit(1)
    )
    section_count = sa.func.count().label("n")
    section = db.session.execute(
        sa.select(Section.slug, section_count)
        .join(Story, Story.section_id == Section.id)
        .group_by(Section.slug)
        .order_by(section_count.desc())
        .limit(1)
    ).first()
    tag, tag_n = biggest(Tag, story_tags, story_tags.c.tag_id)
    author, author_n = biggest(Author, story_authors, story_authors.c.author_id)

    def matching(word):
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Story)
            .where(contains_folded(Story.search_folded, word))
        )

    return {
        "stories": stories,
        "article": article,
        "untagged": untagged,
        "section": section[0],
        "section_stories": section[1],
        "country": DEEP_COUNTRY,
        "country_stories": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(story_countries)
            .where(story_countries.c.country_id == japan.id)
        ),
        "deep_cursor": listed[deep - 1].cursor.encode(),
        "deep_pages": deep // per_page,
        "tag": tag,
        "tag_stories": tag_n,
        "author": author,
        "author_stories": author_n,
        "common_word": COMMON_WORD,
        "common_matches": matching(COMMON_WORD),
        "rare_word": RARE_WORD,
        "rare_matches": matching(RARE_WORD),
    }


def publish() -> None:
    """Edit the newest visible story's standfirst and commit, once per line on stdin."""
    from extensions import db
    from newsroom.models import Story

    story = db.session.scalar(
        sa.select(Story).where(Story.visible()).order_by(Story.live_at.desc()).limit(1)
    )
    ident, original = story.id, story.standfirst
    db.session.remove()
    for n, _line in enumerate(sys.stdin, 1):
        story = db.session.get(Story, ident)
        story.standfirst = f"{original} (edit {n})"
        db.session.commit()
        # No transaction stays open while waiting (the commit's listeners may start one): on
        # SQLite it would hold the write lock that another publisher needs.
        db.session.remove()
        print("ok", flush=True)


def main(argv: list[str]) -> None:
    _app()
    if argv[0] == "grow":
        print(MARK + json.dumps(grow(int(argv[1]))), flush=True)
    elif argv[0] == "probe":
        print(MARK + json.dumps(probe()), flush=True)
    elif argv[0] == "publish":
        publish()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
