"""A region front's countries, each with its newest story: one query for the whole region."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from extensions import db
from newsroom.models.base import story_countries, utcnow
from newsroom.models.story import Story
from newsroom.models.taxonomy import Country, Region


def countries_with_latest(region_slug: str) -> tuple[Region | None, list]:
    """A region (None when no region has this address) and its countries by name, each with
    its newest visible story (headline, address, time) or None, in one query with the region
    itself."""
    # Each country's newest story is one step down its link index (country_id, live_at,
    # article_id): a region's front reads one link row per country, not every story it has.
    links = story_countries.c
    newest = (
        sa.select(links.article_id)
        .where(links.country_id == Country.id, links.live_at <= utcnow())
        .order_by(links.live_at.desc(), links.article_id.desc())
        .limit(1)
        .correlate(Country)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Region, Country, Story)
        .outerjoin(Country, Country.region_id == Region.id)
        .outerjoin(Story, Story.id == newest)
        .where(Region.slug == region_slug)
        .order_by(Country.name)
        .options(
            load_only(Story.id, Story.slug, Story.headline, Story.live_at, Story.lang, Story.kind)
        )
    ).all()
    if not rows:
        return None, []
    return rows[0][0], [(country, story) for _, country, story in rows if country is not None]
