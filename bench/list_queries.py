"""Time the reader lists in-process on an existing database, and print each list query's plan.

    INSTANCE_PATH=/path/to/instance python bench/list_queries.py [--rounds 15]

The database is the instance's (e.g. one `bench/run.py` or `flask demo load --synthetic 100000`
built). Prints, for a section page, an untagged article, a tagged one, the country, region, tag
and author pages (the most used tag and author, and the rarest: a subject with one or two stories
must not read the archive for its page), and a monthly sitemap, the median milliseconds of a full render (page cache emptied before each request), and for each
list query at depth the milliseconds of the query alone and its plan (SQLite: EXPLAIN QUERY
PLAN). Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from extensions import cache, db  # noqa: E402
from newsroom.models import (  # noqa: E402
    Author,
    Country,
    Section,
    Story,
    Tag,
    card_statement,
    related_query,
    story_tags,
)


def median_ms(fn, rounds: int) -> float:
    fn()  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def plan(statement) -> str:
    """SQLite's plan for the first SQL statement running `statement` sends, with its values."""
    sent = []

    def keep(_conn, _cursor, sql, parameters, _context, _many):
        sent.append((sql, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        db.session.scalars(statement).unique().all()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    sql, parameters = sent[0]
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
    return "; ".join(row[-1] for row in rows)


def most_used(model, link_column, *, rarest: bool = False):
    """The subject with the most visible stories (or the fewest, at least one)."""
    count = sa.func.count()
    query = (
        sa.select(model)
        .join(link_column.table)
        .join(Story, Story.id == link_column.table.c.article_id)
        .where(Story.visible())
        .group_by(model.id)
        .order_by(count if rarest else count.desc(), model.id)
    )
    return db.session.scalars(query.limit(1)).first()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--depth", type=int, default=500 * 12)
    args = parser.parse_args()
    app = create_app({"CACHE_TYPE": "SimpleCache"})
    client = app.test_client()
    with app.app_context():
        section = db.session.scalars(sa.select(Section).order_by(Section.position)).first()
        country = db.session.scalar(sa.select(Country).where(Country.slug == "japan"))
        region = country.region
        tag = most_used(Tag, story_tags.c.tag_id)
        rare_tag = most_used(Tag, story_tags.c.tag_id, rarest=True)
        bylines = Story.authors.property.secondary.c.author_id
        author = most_used(Author, bylines)
        rare_author = most_used(Author, bylines, rarest=True)
        tagged = db.session.scalar(
            sa.select(Story)
            .where(Story.visible(), Story.tags.any())
            .order_by(Story.live_at)
            .limit(1)
        )
        month = db.session.scalar(sa.select(sa.func.min(Story.live_at)).where(Story.visible()))
        untagged = db.session.scalar(
            sa.select(Story)
            .where(Story.visible(), ~Story.tags.any())
            .order_by(Story.live_at.desc())
            .limit(1)
        )
        pages = {
            "section page": f"/section/{section.slug}",
            "untagged article": f"/article/{untagged.slug}",
            "tagged article": f"/article/{tagged.slug}",
            "country page": f"/country/{country.slug}",
            "region page": f"/region/{region.slug}",
            "tag page": f"/tag/{tag.slug}",
            "rare tag page": f"/tag/{rare_tag.slug}",
            "author page": f"/author/{author.slug}",
            "rare author page": f"/author/{rare_author.slug}",
            "sitemap month": f"/sitemaps/articles-{month:%Y-%m}-1.xml",
        }
        lists = {
            "latest": {},
            "section": {"section": section},
            "country": {"country": country},
            "region": {"region": region},
            "tag": {"tag": tag},
            "rare tag": {"tag": rare_tag},
            "author": {"author": author},
            "rare author": {"author": rare_author},
            "kind": {"kinds": ("opinion", "analysis")},
        }
        deep = {}
        for name, filters in lists.items():
            rows = Story.latest(limit=args.depth, **filters)
            # Deep in the list, or on its last page for a subject with fewer stories.
            deep[name] = rows[-2].cursor if len(rows) > 1 else None
        db.session.remove()

    for name, path in pages.items():

        def get(path=path):
            with app.app_context():
                cache.clear()
            assert client.get(path).status_code == 200

        print(f"{name:18} {median_ms(get, args.rounds):7.1f} ms  {path}")

    with app.app_context():
        untagged = db.session.get(Story, untagged.id)
        tagged = db.session.get(Story, tagged.id)
        statements = {
            f"{name} at depth": card_statement(before=deep[name], limit=12, **filters)
            for name, filters in lists.items()
        }
        statements["related (section)"] = related_query(untagged, "section", (untagged.id,), 4)
        statements["related (tag)"] = related_query(tagged, "tag", (tagged.id,), 4)
        for name, statement in statements.items():

            def run(statement=statement):
                db.session.scalars(statement).unique().all()

            ms = median_ms(run, args.rounds)
            print(f"{name:22} {ms:7.2f} ms  {plan(statement)}")


if __name__ == "__main__":
    main()
