"""Story lists as readers page through them: plain rows, not ORM objects.

A section's, country's, region's, tag's or author's page, the latest list and the front page's
stream show cards, and a card needs a few columns of a story, its section's name, its countries
and its photo. Read as ORM objects, the twenty stories of a page cost five queries (the stories,
then their sections, photos, datelines and countries loaded separately) and the bookkeeping of
every object in the session. Here they cost three: the page's stories with their section and
dateline (one statement: the same keyset walk as Story.latest_query, the names joined onto the
page it found), their countries, and their photos (Photo objects: the picture macro asks them
for their crops and widths).

A StoryCard answers what a card, a list's front and its cursors ask (StoryMixin's rules for what
readers see: public_at, is_live_open, zone, cursor...) and nothing else, never loading more row
by row. Python that asks for more gets an AttributeError; a template would print it blank, so
tests/newsroom/test_list_cards.py renders every card from a StoryCard and from its Story and
compares them. The home page's front (newsroom/fronts.py) is StoryCards too: the newest sixty,
which its automatic places choose from by kind, section, countries and photo, and the older
stories editors chose (cards_by_ids); so are an article's related stories (related.py) and a
search's results, wherever they show (the admin's front editor and story preview too). Feeds,
embeds, the article itself and the admin's own lists read Story objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from newsroom.models.base import story_countries
from newsroom.models.cursors import Page, page_of
from newsroom.models.photo import Photo
from newsroom.models.story import Story
from newsroom.models.story_mixin import StoryMixin
from newsroom.models.taxonomy import Country, Section
from newsroom.zones import zone_named

# The story's own columns a card, a front and a cursor read.
CARD_COLUMNS = (
    Story.id,
    Story.slug,
    Story.headline,
    Story.standfirst,
    Story.kind,
    Story.lang,
    Story.status,
    Story.published_at,
    Story.live_at,
    Story.updated_at,
    Story.embargo_until,
    Story.live_closed_at,
    Story.is_featured,
    Story.is_breaking,
    Story.section_id,
    Story.dateline_country_id,
    Story.hero_photo_id,
)
_FIELDS = tuple(column.key for column in CARD_COLUMNS)


@dataclass(frozen=True, slots=True)
class CardSection:
    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class CardCountry:
    id: int
    slug: str
    name: str
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)


class StoryCard(StoryMixin):
    """One story of a list, as its card shows it."""

    def __init__(self, row, extra: tuple[str, ...] = ()):
        # A with_names row: the story's columns (CARD_COLUMNS, then `extra`) come first, the
        # names joined on after them.
        self.__dict__.update(zip(_FIELDS + extra, row, strict=False))
        self.section = CardSection(self.section_id, row.section_slug, row.section_name)
        self.dateline_country = (
            None
            if self.dateline_country_id is None
            else CardCountry(
                self.dateline_country_id, row.dateline_slug, row.dateline_name, row.dateline_zone
            )
        )
        self.countries: list[CardCountry] = []
        self.hero_photo: Photo | None = None

    def __repr__(self) -> str:
        return f"<StoryCard {self.id} {self.slug!r}>"


def card_statement(*, limit: int, **filters) -> sa.Select:
    """One page of a list (Story.latest_query's walk and filters) as plain rows, with each
    story's section and dateline joined onto the page. In no order: card_page puts the page's
    few rows back in the list's (an ORDER BY here would be a sort in the plan, which
    tests/web/test_query_plans.py rejects)."""
    return with_names(Story.latest_query(limit=limit, columns=CARD_COLUMNS, **filters))


def with_names(statement: sa.Select) -> sa.Select:
    """`statement` (stories' CARD_COLUMNS, then any extra columns, in that order) as a subquery,
    with each story's section and dateline joined on after them: read its rows with
    `cards_from`."""
    page = statement.subquery("page")
    sections = Section.__table__
    dateline = Country.__table__.alias("dateline")
    return (
        sa.select(
            page,
            sections.c.slug.label("section_slug"),
            sections.c.name.label("section_name"),
            dateline.c.slug.label("dateline_slug"),
            dateline.c.name.label("dateline_name"),
            dateline.c.timezone.label("dateline_zone"),
        )
        .select_from(page)
        .join(sections, sections.c.id == page.c.section_id)
        .outerjoin(dateline, dateline.c.id == page.c.dateline_country_id)
    )


def cards_from(
    statement: sa.Select, values: dict | None = None, extra: tuple[str, ...] = ()
) -> list[StoryCard]:
    """The StoryCards of a `with_names` statement, newest first (its subquery's order is lost in
    the join), without their countries and photos (fill_cards); `extra` names more of its
    columns for each card to keep."""
    result = db.session.execute(statement, values)
    fields = _FIELDS + extra
    if tuple(result.keys())[: len(fields)] != fields:  # StoryCard takes its columns in order
        raise ValueError(f"a card statement must select {fields} first: {result.keys()}")
    cards = [StoryCard(row, extra) for row in result]
    cards.sort(key=lambda card: (card.live_at, card.id), reverse=True)
    return cards


def card_page(*, limit: int = 12, fill: bool = True, **filters) -> Page:
    """A page of a reader list as StoryCards (filters as Story.latest_page's), and the cursor
    of the next page; `fill=False` leaves out their countries and photos, for a count or a
    choice that reads only the story's own columns (two queries fewer)."""
    cards = cards_from(card_statement(limit=limit, **filters))
    page = page_of(cards, (Story.live_at, Story.id), limit)
    if fill:
        fill_cards(page.rows)
    return page


def cards_by_ids(ids, extra: tuple = ()) -> dict[int, StoryCard]:
    """Visible stories by id as StoryCards with their countries and photos (two or three queries):
    the home front's chosen stories that are not among the newest, a search's results (with
    `extra` columns of the story: their search text)."""
    if not ids:
        return {}
    statement = sa.select(*CARD_COLUMNS, *extra).where(Story.id.in_(list(ids)), Story.visible())
    cards = cards_from(with_names(statement), extra=tuple(column.key for column in extra))
    fill_cards(cards)
    return {card.id: card for card in cards}


def fill_cards(cards: list[StoryCard]) -> None:
    """Give the cards their countries (by name) and photos: one query each."""
    if not cards:
        return
    by_id = {card.id: card for card in cards}
    countries = Country.__table__
    links = (
        sa.select(
            story_countries.c.article_id,
            countries.c.id,
            countries.c.slug,
            countries.c.name,
            countries.c.timezone,
        )
        .join(countries, countries.c.id == story_countries.c.country_id)
        .where(story_countries.c.article_id.in_(list(by_id)))
        .order_by(countries.c.name)
    )
    for article_id, *country in db.session.execute(links):
        by_id[article_id].countries.append(CardCountry(*country))
    photo_ids = {card.hero_photo_id for card in cards if card.hero_photo_id is not None}
    photos = Photo.by_ids(photo_ids) if photo_ids else {}
    for card in cards:
        card.hero_photo = photos.get(card.hero_photo_id)
