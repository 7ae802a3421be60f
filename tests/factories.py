"""Build stories for tests, saved through the same body pipeline the demo and admin use."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import sqlalchemy as sa

from extensions import db
from newsroom.content import make_slug, render_story_body
from newsroom.models import Country, Section, Status, Story, utcnow

_serial = count(1)


def make_story(**fields) -> Story:
    """A published story (by default) in politics, about Japan, published a minute ago."""
    n = next(_serial)
    headline = fields.pop("headline", f"Test story number {n} from the newsroom")
    section = fields.pop("section", "politics")
    countries = fields.pop("countries", ["japan"])
    body = fields.pop("body", 'Officials said the plan would go ahead. "We are ready," one said.')
    story = Story(
        slug=fields.pop("slug", make_slug(headline)),
        headline=headline,
        standfirst=fields.pop("standfirst", "A short standfirst for a test story."),
        body_md=body,
        dateline=fields.pop("dateline", "TOKYO"),
        status=fields.pop("status", Status.PUBLISHED.value),
        published_at=fields.pop("published_at", utcnow() - timedelta(minutes=1)),
        section=db.session.scalar(sa.select(Section).where(Section.slug == section)),
        countries=[
            db.session.scalar(sa.select(Country).where(Country.slug == c)) for c in countries
        ],
        dateline_country=db.session.scalar(sa.select(Country).where(Country.slug == countries[0])),
        **fields,
    )
    story.body_html, story.embed_ids = render_story_body(story.dateline, body)
    db.session.add(story)
    db.session.commit()
    return story
