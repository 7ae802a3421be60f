"""A reader walks the site: every page renders in the site's chrome with the right content."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import SlugRedirect, Status, Story, utcnow
from tests.factories import make_story

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

SEOUL_SLUG = "pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls"

READER_URLS = [
    "/",
    "/latest",
    "/section/politics",
    "/section/business",
    "/section/culture",
    "/section/technology",
    "/region/east-asia",
    "/region/southeast-asia",
    "/region/south-asia",
    "/region/central-asia",
    "/region/west-asia",
    "/country/japan",
    "/country/india",
    "/tag/climate",
    "/author/joon-park",
    f"/article/{SEOUL_SLUG}",
    "/corrections",
    "/about",
    "/privacy",
    "/contact",
    "/live/ticker",
]


@pytest.mark.parametrize("url", READER_URLS)
def test_every_reader_page_renders_in_the_site_chrome(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'href="#main"' in html, "skip link"
    assert '<main id="main"' in html
    assert "SNOWLAND s.r.o." in html, "publisher in the footer"
    assert 'id="ticker"' in html
    assert re.search(r'<link rel="canonical" href="http://asian-news\.test/', html)
    assert "htmx-4.0.1.min.js" in html


def test_home_shows_lead_latest_regions_sections_and_visual_strip(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="story-card story-card--lead"' in html
    assert 'id="story-list"' in html
    for heading in ("East Asia", "Southeast Asia", "South Asia", "Central Asia", "West Asia"):
        assert f">{heading}</a></h2>" in html
    for section in ("Politics", "Business", "Culture", "Technology"):
        assert f">{section}</a></h2>" in html
    assert "Interviews &amp; analysis" in html
    assert "Photos &amp; video" in html
    assert 'fetchpriority="high"' in html, "the lead image is not lazy-loaded"


def test_article_page_has_dateline_byline_times_embed_and_attribution(client, query):
    html = client.get(f"/article/{SEOUL_SLUG}").get_data(as_text=True)
    assert "<strong>SEOUL —</strong>" in html
    assert 'href="/author/joon-park" rel="author">Joon Park</a>' in html
    # Published time in the dateline country's zone, with the offset in the datetime attribute.
    assert re.search(
        r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00">[^<]+ (JST|KST)</time>', html
    )
    # The embed token became a card for the current headline of the embedded story.
    assert "[[nid:" not in html
    embedded = query(
        lambda: db.session.scalar(sa.select(Story.headline).where(Story.slug.like("why-a-japan%")))
    )
    assert 'class="embed-card"' in html and embedded in html
    assert 'Read more on <a href="https://www.asiaone.com/asia"' in html
    assert 'srcset="' in html and 'alt="Illustration:' in html
    assert "<figcaption>" in html and "Illustration: Asian-News.net" in html
    for chip in (
        'href="/section/politics"',
        'href="/country/north-korea"',
        'href="/tag/diplomacy"',
    ):
        assert chip in html


def test_embed_card_follows_the_embedded_storys_current_headline(client, query):
    def rename():
        story = db.session.scalar(sa.select(Story).where(Story.slug.like("why-a-japan%")))
        story.headline = "Renamed: the summit that never comes"
        db.session.commit()

    client.get(f"/article/{SEOUL_SLUG}")  # warm the cache
    query(rename)
    assert "Renamed: the summit that never comes" in client.get(f"/article/{SEOUL_SLUG}").text


def test_embed_of_an_unpublished_story_renders_nothing(client, query):
    def unpublish():
        story = db.session.scalar(sa.select(Story).where(Story.slug.like("why-a-japan%")))
        story.status = Status.UNPUBLISHED.value
        db.session.commit()

    query(unpublish)
    html = client.get(f"/article/{SEOUL_SLUG}").get_data(as_text=True)
    assert 'class="embed-card"' not in html
    assert "[[nid:" not in html


def test_short_link_redirects_permanently_to_the_canonical_url(client, query):
    ident = query(lambda: db.session.scalar(sa.select(Story.id).where(Story.slug == SEOUL_SLUG)))
    response = client.get(f"/n/{ident}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/article/{SEOUL_SLUG}"


def test_old_slug_redirects_to_the_new_one(client, query):
    def move():
        story = db.session.scalar(sa.select(Story).where(Story.slug == SEOUL_SLUG))
        db.session.add(SlugRedirect(old_slug="north-korea-says-no", article_id=story.id))
        db.session.commit()

    query(move)
    response = client.get("/article/north-korea-says-no")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/article/{SEOUL_SLUG}"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED])
def test_unpublished_stories_are_not_found_by_readers(client, query, status):
    ident = query(
        lambda: make_story(headline="A story readers must not see", status=status.value).id
    )
    assert client.get("/article/a-story-readers-must-not-see").status_code == 404
    assert client.get(f"/n/{ident}").status_code == 404
    assert "A story readers must not see" not in client.get("/").text
    assert "A story readers must not see" not in client.get("/country/japan").text


def test_scheduled_story_appears_by_itself_when_its_time_comes(client, query):
    later = utcnow() + timedelta(seconds=2)
    query(
        lambda: make_story(
            headline="Embargoed budget story", status="scheduled", published_at=later
        )
    )
    assert client.get("/article/embargoed-budget-story").status_code == 404
    assert "Embargoed budget story" not in client.get("/latest").text  # cached now

    def go_live():
        story = db.session.scalar(sa.select(Story).where(Story.slug == "embargoed-budget-story"))
        story.published_at = utcnow() - timedelta(seconds=1)  # as if the clock had moved on
        db.session.commit()

    query(go_live)
    assert client.get("/article/embargoed-budget-story").status_code == 200
    assert "Embargoed budget story" in client.get("/latest").text


def test_killed_story_answers_410_with_a_notice(client, query):
    query(
        lambda: make_story(
            headline="Story withdrawn for legal reasons",
            status=Status.KILLED.value,
            kill_notice="This story was removed following a court order.",
        )
    )
    response = client.get("/article/story-withdrawn-for-legal-reasons")
    assert response.status_code == 410
    assert "This story was removed following a court order." in response.text


def test_corrections_page_lists_published_corrections(client):
    html = client.get("/corrections").get_data(as_text=True)
    assert "India&#39;s instant payments system" in html or "India's instant payments" in html
    assert "An earlier version of this story gave the monthly total as 15 million" in html


def test_contact_page_shows_the_publisher_exactly_as_in_the_brief(client):
    html = client.get("/contact").get_data(as_text=True)
    assert "Owner: SNOWLAND s.r.o." in html
    assert "Registration certificate 06691200" in html
    assert "Na okraji 381/41, Veleslavín, 162 00 Praha 6" in html
    assert "Czech Republic" in html


def test_navigation_reaches_every_region_and_country(client, query):
    from newsroom.models import Country

    html = client.get("/").get_data(as_text=True)
    slugs = query(lambda: db.session.scalars(sa.select(Country.slug)).all())
    assert len(slugs) >= 48
    for slug in slugs:
        assert f'href="/country/{slug}"' in html
    assert '<details class="menu">' in html, "no JavaScript needed to open the menu"


@pytest.mark.parametrize("lang", ["zh", "ja", "ko", "th"])
def test_stories_in_asian_scripts_are_marked_with_their_language(client, query, lang):
    slug = query(lambda: db.session.scalar(sa.select(Story.slug).where(Story.lang == lang)))
    html = client.get(f"/article/{slug}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert 'lang="en"' in html, "the English chrome inside it is marked as English"


def test_unknown_pages_get_a_readable_404_in_the_site_chrome(client):
    response = client.get("/article/no-such-story")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert "SNOWLAND s.r.o." in response.text
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.case("S26")
def test_S26_internal_errors_show_a_generic_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret detail" not in response.text


@pytest.mark.case("S07")
def test_S07_media_files_are_served_sandboxed(client, query):
    from newsroom.models import Photo

    name = query(lambda: db.session.scalars(sa.select(Photo)).first().variant_name(640, "webp"))
    with client.get(f"/media/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response.headers["Cache-Control"]
