"""Generate synthetic stories (slugs synthetic-N) for load and scale tests."""

from __future__ import annotations

import random
from datetime import timedelta

import click
import sqlalchemy as sa

from demo.files import read_toml
from demo.loader import load_frame
from extensions import db
from newsroom.content import render_story_body
from newsroom.models import Status, Story, live_at_for, story_countries, utcnow
from newsroom.models.base import fold
from newsroom.models.story_links import copy_live_at
from newsroom.search_index import rebuild_index


def load_synthetic(count: int, batch: int = 5000) -> int:
    """Add `count` generated stories (slugs synthetic-N) for load and scale tests; no images.

    Rows go in by the thousand with one INSERT each batch, not through newsroom.stories.save_story
    (a commit, an audit entry and ticker checks a story): that skips the model's events too, so
    the rows are given what they would have set: the body rendered as every story's is
    (render_story_body), live_at by the visibility rule (live_at_for), its copy in the link rows
    (copy_live_at) and the search text."""
    phrases = read_toml("synthetic.toml")["phrase"]
    frame = load_frame()
    db.session.commit()
    countries = list(frame["country"].values())
    sections = frame["section"]
    start = (db.session.scalar(sa.select(sa.func.max(Story.id))) or 0) + 1
    now = utcnow()
    rng = random.Random(count)  # noqa: S311 - test data, not security
    made = 0
    with click.progressbar(length=count, label="Synthetic stories") as bar:
        while made < count:
            size = min(batch, count - made)
            stories, links = [], []
            for offset in range(size):
                ident = start + made + offset
                phrase = phrases[ident % len(phrases)]
                subject, action = phrase["subject"], phrase["action"]
                country = countries[ident % len(countries)]
                headline = f"{country.name}: {subject} {action} ({ident})"
                body = (
                    f"{subject} officials in {country.name} said on the record that the move "
                    f"was planned for months. This generated story number {ident} exists for "
                    "load testing."
                )
                html, _ = render_story_body(country.name.upper(), body)
                published = now - timedelta(days=30, minutes=ident + rng.random())
                standfirst = f"A generated story for load tests, number {ident}."
                stories.append(
                    {
                        "id": ident,
                        "slug": f"synthetic-{ident}",
                        "headline": headline,
                        "standfirst": standfirst,
                        "body_md": body,
                        "body_html": html,
                        "kind": "news",
                        "lang": "en",
                        "dateline": country.name.upper(),
                        "status": Status.PUBLISHED.value,
                        "published_at": published,
                        "live_at": live_at_for(Status.PUBLISHED, published),
                        "created_at": now,
                        "modified_at": now,
                        "section_id": sections[phrase["section"]].id,
                        "embed_ids": [],
                        "search_text": (text := f"{headline}\n{standfirst}\n{body}"),
                        "search_folded": fold(text),
                    }
                )
                links.append({"article_id": ident, "country_id": country.id})
            db.session.execute(sa.insert(Story), stories)
            db.session.execute(story_countries.insert(), links)
            copy_live_at(db.session.connection(), [link["article_id"] for link in links])
            db.session.commit()
            made += size
            bar.update(size)
    rebuild_index()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; move it past them so new stories can be saved.
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
            )
        )
        db.session.commit()
    return made
