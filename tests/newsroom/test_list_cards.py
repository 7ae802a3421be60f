"""Reader lists read their pages as plain rows (newsroom.models.cards), not as Story objects: a
card must show exactly what it showed when built from the Story, on every kind of list, and the
pages must follow each other as they did (same stories, same order, same next-page cursor)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from extensions import db
from newsroom.models import (
    Author,
    Country,
    Region,
    Section,
    Story,
    Tag,
    card_page,
    cards_by_ids,
    related_stories,
    utcnow,
)
from tests.factories import AuthorFactory, LiveStoryFactory, PhotoFactory, make_story
from web.cards import CARD_TEMPLATE, _render


def shown(story) -> tuple:
    """What a card, a list's front and its cursors read of a story."""
    return (
        story.id,
        story.slug,
        story.headline,
        story.standfirst,
        story.lang,
        story.kind_label,
        story.is_live_open,
        story.is_featured,
        story.section.name,
        [country.name for country in story.countries],
        story.zone.key,
        story.public_at,
        story.updated_at,
        story.hero_photo.id if story.hero_photo else None,
        story.cursor,
    )


@pytest.fixture
def archive(query):
    """Stories that differ in everything a card shows: datelines and none, several countries
    and none, a photo, an embargo that has ended, an open live page, another language."""

    def make():
        byline = AuthorFactory(name="Mei Lin")
        photo = PhotoFactory()
        now = utcnow()
        for n in range(7):
            make_story(
                headline=f"Rice harvest report {n}",
                section=("business", "politics", "culture")[n % 3],
                countries=[
                    ["japan"],
                    ["japan", "india"],
                    ["india", "pakistan", "japan"],
                    ["pakistan"],
                ][n % 4],
                tags=["harvest"] if n % 2 else [],
                published_at=now - timedelta(hours=n + 1),
                authors=[byline],
                hero_photo=photo if n % 3 == 0 else None,
                is_featured=n == 2,
            )
        make_story(
            headline="Tokyo markets open after the holiday",
            dateline_country=None,
            countries=["india", "japan"],
            published_at=now - timedelta(hours=9),
            embargo_until=now - timedelta(hours=8),
            authors=[byline],
        )
        make_story(headline="東京の市場が再開", lang="ja", published_at=now - timedelta(hours=10))
        make_story(
            headline="A region-wide heatwave", countries=[], published_at=now - timedelta(hours=11)
        )
        LiveStoryFactory(countries=["japan"])

    query(make)


def scopes() -> dict:
    return {
        "latest": {},
        "section": {"section": Section.by_slug("business")},
        "country": {"country": Country.by_slug("japan")},
        "tag": {"tag": Tag.by_slug("harvest")},
        "author": {"author": Author.by_slug("mei-lin")},
        # A region merges its countries' walks (here India's and Pakistan's).
        "region": {"region": Region.by_slug("south-asia")},
    }


SCOPES = ["latest", "section", "country", "tag", "author", "region"]


@pytest.mark.parametrize("scope", SCOPES)
def test_list_cards_show_what_the_story_shows_page_after_page(query, archive, scope):
    def compare():
        filters = scopes()[scope]
        before, pages = None, 0
        while True:
            cards = card_page(limit=2, before=before, **filters)
            stories = Story.latest_page(limit=2, before=before, **filters)
            assert [shown(c) for c in cards.rows] == [shown(s) for s in stories.rows]
            assert cards.next_cursor == stories.next_cursor
            assert cards.rows, "an empty page proves nothing"
            pages += 1
            db.session.expunge_all()
            if cards.next_cursor is None:
                return pages
            before = cards.next_cursor

    assert query(compare) >= 2  # every list here runs over more than one page


def test_newer_stories_and_stories_left_out_are_the_same_as_from_stories(query, archive):
    """The new-stories poll asks for what came after a cursor; the next pages of a front leave
    its stories out."""

    def compare():
        everything = Story.latest_page(limit=100).rows
        since = everything[4].cursor
        newer = card_page(after=since, limit=3)
        assert [c.id for c in newer.rows] == [
            s.id for s in Story.latest_page(after=since, limit=3).rows
        ]
        assert [c.id for c in newer.rows] == [s.id for s in everything[:3]]
        skip = (everything[0].id, everything[2].id)
        rest = card_page(limit=4, exclude_ids=skip)
        assert [shown(c) for c in rest.rows] == [
            shown(s) for s in Story.latest_page(limit=4, exclude_ids=skip).rows
        ]
        assert skip[0] not in {c.id for c in rest.rows}

    query(compare)


@pytest.mark.parametrize(
    "options",
    [
        {"heading": 2},
        {"heading": 3, "variant": "lead", "eager": True, "show_credit": True},
        {"heading": 3, "variant": "compact", "show_standfirst": False, "omit_section": True},
        {"heading": 2, "show_photo": False},
        # The home page's photo strip: a crop of its own and the credit under it.
        {"show_standfirst": False, "sizes": "14rem", "shape": "4x5", "show_credit": True},
    ],
)
def test_a_card_renders_the_same_from_a_list_row_as_from_its_story(app, archive, options):
    """A card read from a list row must be the card of the story: a template that reads what a
    StoryCard lacks prints it blank, and only this comparison would see it."""
    template = app.jinja_env.get_template(CARD_TEMPLATE)
    with app.test_request_context("/"):
        cards = card_page(limit=100).rows
        stories = {s.id: s for s in Story.latest_page(limit=100).rows}
        assert len(cards) == len(stories) >= 10
        for card in cards:
            from_card = template.render(story=card, **options)
            assert from_card == template.render(story=stories[card.id], **options)
            # story_card's own render (one plain dict a card) gives what Jinja's render gives.
            assert _render(card, options) == from_card
        assert any("<picture" in template.render(story=c, **options) for c in cards) == (
            options.get("show_photo", True)
        )


def test_stories_chosen_by_id_are_the_stories_readers_may_see(query, archive):
    """The home front's chosen stories older than its newest sixty (cards_by_ids): each as its
    Story shows it, and none that readers may not see yet."""

    def compare():
        ids = [s.id for s in Story.latest(limit=100)]
        waiting = make_story(headline="Held for the morning", embargo_until=utcnow() + timedelta(1))
        found = cards_by_ids([*ids, waiting.id])
        assert waiting.id not in found
        assert sorted(found) == sorted(ids)
        by_story = Story.by_ids(ids)
        assert {i: shown(card) for i, card in found.items()} == {
            i: shown(story) for i, story in by_story.items()
        }
        assert cards_by_ids([]) == {}

    query(compare)


def test_related_stories_are_the_newest_sharing_a_tag_then_from_the_section(query):
    """Beneath an article: the newest other stories sharing one of its tags, topped up with
    the newest of its section, none that readers may not see yet, each card as its Story."""

    def check():
        now = utcnow()

        def story(headline, hours, **fields):
            return make_story(
                headline=headline, published_at=now - timedelta(hours=hours), **fields
            )

        article = story(
            "Monsoon floods close Dhaka schools", 1, section="politics", tags=["floods"]
        )
        tagged_old = story("Floods of 1998 remembered", 30, section="culture", tags=["floods"])
        tagged_new = story("River levels fall in Sylhet", 2, section="business", tags=["floods"])
        story("Embargoed flood report", 3, tags=["floods"], embargo_until=now + timedelta(hours=5))
        same_section = [story(f"Cabinet meets {n}", 4 + n, section="politics") for n in range(3)]
        story("A market opens", 5, section="business")
        related = related_stories(article)
        assert [s.id for s in related] == [tagged_new.id, tagged_old.id] + [
            s.id for s in same_section[:2]
        ]
        stories = Story.by_ids([s.id for s in related])
        assert [shown(card) for card in related] == [shown(stories[s.id]) for s in related]

    query(check)


def test_a_card_asked_for_what_no_card_shows_fails_instead_of_loading_it(query, archive):
    """A StoryCard holds what cards read and nothing more: a template reading the body from a
    list would otherwise go back to the database once per story."""

    def ask():
        card = card_page(limit=1).rows[0]
        with pytest.raises(AttributeError):
            _ = card.body_html
        return card

    assert query(ask).headline


def test_a_card_statement_with_its_columns_out_of_order_is_refused(query, archive):
    """A StoryCard takes a row's story columns by position: a statement that selects them in
    another order would put a headline where the slug goes, so it is refused, not read."""
    import sqlalchemy as sa

    from newsroom.models.cards import CARD_COLUMNS, cards_from, with_names

    swapped = (CARD_COLUMNS[1], CARD_COLUMNS[0], *CARD_COLUMNS[2:])
    with pytest.raises(ValueError, match="must select"):
        query(lambda: cards_from(with_names(sa.select(*swapped).limit(3))))
    assert len(query(lambda: cards_from(with_names(sa.select(*CARD_COLUMNS).limit(3))))) == 3
