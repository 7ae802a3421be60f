"""A region front's countries, each with its newest story: one query for the whole region."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from extensions import db
from newsroom.models.base import story_countries
from newsroom.models.story import Story
from newsroom.models.taxonomy import Country, Region


def countries_with_latest(region_slug: str) -> tuple[Region | None, list]:
    """A region (None when no region has this address) and its countries by name, each with
    its newest visible story (headline, address, time) or None, in one query with the region
    itself."""
    newest_first = (Story.live_at.desc(), Story.id.desc())
    ranked = (
        sa.select(
            story_countries.c.country_id,
            story_countries.c.article_id,
            sa.func.row_number()
            .over(partition_by=story_countries.c.country_id, order_by=newest_first)
            .label("rank"),
        )
        .join(Story, Story.id == story_countries.c.article_id)
        .join(Country, Country.id == story_countries.c.country_id)
        .join(Region, Region.id == Country.region_id)
        .where(Region.slug == region_slug, Story.visible())
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Region, Country, Story)
        .outerjoin(Country, Country.region_id == Region.id)
        .outerjoin(ranked, sa.and_(ranked.c.country_id == Country.id, ranked.c.rank == 1))
        .outerjoin(Story, Story.id == ranked.c.article_id)
        .where(Region.slug == region_slug)
        .order_by(Country.name)
        .options(
            load_only(Story.id, Story.slug, Story.headline, Story.live_at, Story.lang, Story.kind)
        )
    ).all()
    if not rows:
        return None, []
    return rows[0][0], [(country, story) for _, country, story in rows if country is not None]
