"""Story cards are rendered once per worker and reused (web/cards.py): a publish re-renders only
the cards it touched, and whatever a card shows, once changed, shows at once on every list."""

from __future__ import annotations

import pytest

from extensions import db
from newsroom.models import Country, Section, Story
from tests.factories import PhotoFactory, make_story


@pytest.fixture
def stories(query):
    def make():
        photo = PhotoFactory(credit="Photo: Ana Reyes")
        for number in range(20):
            make_story(
                headline=f"Harvest report from Luzon, week {number + 1}",
                section="business",
                countries=["philippines"],
                hero_photo=photo if number == 19 else None,
            )

    query(make)


def test_a_publish_re_renders_only_the_card_it_touched(app, client, stories, query):
    client.get("/")
    client.get("/section/business")
    store = app.extensions["story_cards"]
    before = set(store)
    assert before, "the pages show cards"
    query(lambda: make_story(headline="Manila opens its new rail line", section="business"))
    home = client.get("/")
    section = client.get("/section/business")
    assert home.headers["X-Cache"] == section.headers["X-Cache"] == "MISS"  # pages retired
    assert b"Manila opens its new rail line" in home.data
    assert b"Harvest report from Luzon, week 7" in home.data
    new_id = query(lambda: db.session.scalar(db.select(Story.id).order_by(Story.id.desc())))
    rendered = set(store) - before
    # The new story's cards, and those of stories the new one moved to another place (the lead
    # becomes a top story...): no card already rendered in the same place again.
    shown_before = {(inputs[0], options) for inputs, options in before}
    assert new_id in {inputs[0] for inputs, _options in rendered}
    again = [(inputs[0], options) for inputs, options in rendered if inputs[0] != new_id]
    assert not shown_before & set(again), "a card already in the store was rendered again"
    assert len(rendered) < len(before) / 3, (len(rendered), len(before))


def _change(query, change):
    def run():
        change()
        db.session.commit()

    query(run)


@pytest.mark.parametrize(
    ("what", "change", "shown"),
    [
        (
            "headline",
            lambda: setattr(_story("week 20"), "headline", "Luzon harvest beats forecasts"),
            b"Luzon harvest beats forecasts",
        ),
        (
            "section name",
            lambda: setattr(_section("business"), "name", "Economy"),
            b"Economy",
        ),
        (
            "country name",
            lambda: setattr(_country("philippines"), "name", "Republic of the Philippines"),
            b"Republic of the Philippines",
        ),
        (
            "photo credit",
            lambda: setattr(_story("week 20").hero_photo, "credit", "Photo: Ben Cruz"),
            b"Photo: Ben Cruz",
        ),
        (
            "photo description",
            lambda: setattr(_story("week 20").hero_photo, "alt", "Rice terraces at dawn"),
            b"Rice terraces at dawn",
        ),
    ],
)
def test_what_a_card_shows_changes_on_every_list_at_once(
    client, stories, query, what, change, shown
):
    for url in ("/", "/section/business", "/country/philippines"):
        assert shown not in client.get(url).data
    _change(query, change)
    for url in ("/", "/section/business", "/country/philippines"):
        assert shown in client.get(url).data, (what, url)


def _story(words: str) -> Story:
    return db.session.scalar(db.select(Story).where(Story.headline.contains(words)))


def _section(slug: str) -> Section:
    return db.session.scalar(db.select(Section).where(Section.slug == slug))


def _country(slug: str) -> Country:
    return db.session.scalar(db.select(Country).where(Country.slug == slug))


def test_a_workers_card_store_stays_bounded(make_app, query):
    app = make_app(STORY_CARDS_KEPT=5)
    query(lambda: [make_story(headline=f"Typhoon season update {n}") for n in range(12)])
    assert b"Typhoon season update 11" in app.test_client().get("/").data
    assert len(app.extensions["story_cards"]) == 5
