"""What one publish costs the next 1,000 page views, in-process, on an existing database.

    INSTANCE_PATH=/path/to/instance python bench/publish_cost.py [--views 1000] [--rounds 3]

Readers' views are spread over the pages a publish retires: the home page, every section, the
first 20 countries, every region and 20 recent articles. All are viewed once to warm the caches,
then a story is published (an older story is brought back to the top, which changes what every
list shows) and the next N views are timed, round robin over those pages, as N readers would
arrive. Printed: the total and per-view milliseconds of the N views, and the first pass over the
pages alone (the renders the publish caused). Run it at two commits on copies of one database
to compare them; the database is changed (the republished stories).
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
from extensions import db  # noqa: E402
from newsroom.models import Country, Region, Section, Story, utcnow  # noqa: E402


def pages() -> list[str]:
    urls = ["/"]
    urls += [f"/section/{slug}" for slug in db.session.scalars(sa.select(Section.slug))]
    urls += [f"/region/{slug}" for slug in db.session.scalars(sa.select(Region.slug))]
    countries = sa.select(Country.slug).order_by(Country.id).limit(20)
    urls += [f"/country/{slug}" for slug in db.session.scalars(countries)]
    recent = sa.select(Story.slug).where(Story.live_at.is_not(None))
    recent = recent.order_by(Story.live_at.desc()).limit(20)
    urls += [f"/article/{slug}" for slug in db.session.scalars(recent)]
    return urls


def publish(app, step: int) -> None:
    """Bring an older story back to the top, as a publish does to every list it is on."""
    with app.app_context():
        story = db.session.scalars(
            sa.select(Story)
            .where(Story.live_at.is_not(None))
            .order_by(Story.live_at.desc())
            .offset(500 + step)
            .limit(1)
        ).one()
        story.published_at = utcnow()
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = create_app({"RATELIMIT_ENABLED": False, "PAGE_CACHE_NEW_PER_CLIENT": 10**9})
    client = app.test_client()
    with app.app_context():
        urls = pages()
    for url in urls * 2:  # warm: pages, and whatever else a worker keeps
        assert client.get(url).status_code == 200, url
    totals, firsts = [], []
    for step in range(args.rounds):
        publish(app, step)
        started = time.perf_counter()
        first_pass = None
        for view in range(args.views):
            client.get(urls[view % len(urls)])
            if view == len(urls) - 1:
                first_pass = (time.perf_counter() - started) * 1000
        totals.append((time.perf_counter() - started) * 1000)
        firsts.append(first_pass)
    total = statistics.median(totals)
    print(
        f"{len(urls)} pages; after a publish, the next {args.views} views took {total:.0f} ms "
        f"({total / args.views:.2f} ms a view; rounds {', '.join(f'{t:.0f}' for t in totals)}); "
        f"the first pass over the {len(urls)} pages (the re-renders) {statistics.median(firsts):.0f} ms"
    )


if __name__ == "__main__":
    main()
