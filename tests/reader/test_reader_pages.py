"""A reader walks the site: every page renders in the site's chrome with the right content."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import lxml.html
import pytest
import sqlalchemy as sa

from extensions import cache, db
from newsroom.models import SlugRedirect, Status, Story, utcnow
from tests.factories import AuthorFactory, PhotoFactory, add_correction, make_story
from tests.helpers import statements


@pytest.fixture
def site(query):
    """A small newsroom: a featured, syndicated story from Seoul with a photo, which embeds an
    analysis, and a story in every other region and section, an interview and a photo story."""

    def build():
        author = AuthorFactory(name="Joon Park")
        analysis = make_story(
            headline="Why a summit between Tokyo and Pyongyang keeps slipping away",
            kind="analysis",
            countries=["japan", "north-korea"],
        )
        photo = PhotoFactory(
            width=800,
            height=450,
            alt="Illustration: the demilitarised zone seen from an observation post",
            caption="The demilitarised zone near Paju.",
            credit="Illustration: Asian-News.net",
        )
        story = make_story(
            headline="Pyongyang rejects Tokyo offer of talks as abductee issue stalls",
            dateline="SEOUL",
            countries=["south-korea", "north-korea", "japan"],
            tags=["Diplomacy"],
            authors=[author],
            hero_photo=photo,
            is_featured=True,
            source_name="asiaone.com",
            source_url="https://www.asiaone.com/asia",
            body="North Korea turned down Japan's calls for talks, its news agency said.\n\n"
            f"[[nid:{analysis.id}]]\n\nAnalysts in Seoul said the message was aimed at Washington.",
        )
        for country, section, kind in (
            ("indonesia", "business", "news"),
            ("india", "culture", "interview"),
            ("kazakhstan", "technology", "photo"),
            ("iran", "business", "news"),
        ):
            make_story(countries=[country], section=section, kind=kind, tags=["Climate"])
        return SimpleNamespace(
            id=story.id,
            slug=story.slug,
            author=author.slug,
            photo_alt=photo.alt,
            embedded=analysis.id,
            embedded_headline=analysis.headline,
        )

    return query(build)


def embed_cards(html: str) -> list[str]:
    """The text of every embed card on the page."""
    return [card.text_content() for card in lxml.html.fromstring(html).find_class("embed-card")]


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
    "/author/{author}",
    "/article/{slug}",
    "/corrections",
    "/about",
    "/privacy",
    "/contact",
    "/live/ticker",
]


@pytest.mark.parametrize("url", READER_URLS)
def test_every_reader_page_renders_in_the_site_chrome(client, site, url):
    response = client.get(url.format(author=site.author, slug=site.slug))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'href="#main"' in html, "skip link"
    assert '<main id="main"' in html
    assert "SNOWLAND s.r.o." in html, "publisher in the footer"
    assert 'id="ticker"' in html
    assert re.search(r'<link rel="canonical" href="http://asian-news\.test/', html)
    assert "htmx-4.0.1.min.js" in html


def test_home_shows_lead_latest_regions_sections_and_visual_strip(client, site):
    html = client.get("/").get_data(as_text=True)
    assert 'class="story-card story-card--lead"' in html
    lead = html.split("story-card--lead")[1].split("</article>")[0]
    assert f'href="/article/{site.slug}"' in lead, "the featured story with a photo leads"
    assert 'id="story-list"' in html
    # Six stories fill the lead and the top stories and one block: each is shown once above the
    # stream (the blocks for every region and section: tests/reader/test_fronts.py).
    above = html.split('id="story-list"')[0]
    cards = re.findall(r'<h[23] class="story-card__title"><a href="([^"]+)"', above)
    assert len(cards) == len(set(cards)) == 6
    assert 'fetchpriority="high"' in html, "the lead image is not lazy-loaded"


def test_article_page_has_dateline_byline_times_embed_and_attribution(client, site):
    html = client.get(f"/article/{site.slug}").get_data(as_text=True)
    assert "<strong>SEOUL —</strong>" in html
    assert f'href="/author/{site.author}" rel="author">Joon Park</a>' in html
    # Published time on the dateline's clock, labelled by its offset (not "KST"), with the offset
    # in the datetime attribute too.
    assert re.search(
        r'<span class="story__place">Seoul</span>, <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'
        r'\+09:00" data-yours>\d{1,2} \w{3} \d{4}, \d\d:\d\d \(UTC\+9\)</time>',
        html,
    )
    # The embed token became a card for the current headline of the embedded story.
    assert "[[nid:" not in html
    [card] = embed_cards(html)
    assert site.embedded_headline in card
    assert 'Read more on <a href="https://www.asiaone.com/asia"' in html
    assert 'srcset="' in html and f'alt="{site.photo_alt}"' in html
    assert "<figcaption>" in html and "Illustration: Asian-News.net" in html
    for chip in (
        'href="/section/politics"',
        'href="/country/north-korea"',
        'href="/tag/diplomacy"',
    ):
        assert chip in html


def test_an_article_names_each_byline_country_and_tag_once_in_order(client, query):
    """Three bylines, three countries and two tags: each once, bylines in the order the newsroom
    gave them, countries and tags by name. On PostgreSQL the bylines and countries come with
    the story (a query is a round trip there), the tags in a second query; on SQLite each in a
    query of its own (a join there reads every story's links first: 200 ms at 100k stories)."""

    def build():
        people = [AuthorFactory(name=name) for name in ("Sun Li", "Aiko Mori", "Ravi Das")]
        story = make_story(
            headline="Mekong states agree a drought warning system",
            authors=people,
            countries=["vietnam", "cambodia", "laos"],
            tags=["water", "climate"],
        )
        return story.slug

    slug = query(build)
    doc = lxml.html.fromstring(client.get(f"/article/{slug}").data)
    byline = [a.text_content() for a in doc.xpath('//a[@rel="author"]')]
    assert byline == ["Sun Li", "Aiko Mori", "Ravi Das"]
    chips = [a.text_content() for a in doc.xpath('//ul[@aria-label="Filed under"]//a')]
    assert chips == [
        "Politics",
        "Cambodia",
        "Laos",
        "Vietnam",
        "Southeast Asia",
        "#climate",
        "#water",
    ]

    with client.application.app_context(), statements() as seen:
        story = Story.for_reading(slug)
        assert [c.slug for c in story.countries] == ["cambodia", "laos", "vietnam"]
        postgres = db.engine.dialect.name == "postgresql"
        db.session.rollback()
    assert len(seen) == (2 if postgres else 4), seen


def test_embed_card_follows_the_embedded_storys_current_headline(client, query, site):
    def rename():
        db.session.get(Story, site.embedded).headline = "Renamed: the summit that never comes"
        db.session.commit()

    client.get(f"/article/{site.slug}")  # warm the cache
    query(rename)
    [card] = embed_cards(client.get(f"/article/{site.slug}").text)
    assert "Renamed: the summit that never comes" in card


def test_embed_of_an_unpublished_story_renders_nothing(client, query, site):
    def unpublish():
        db.session.get(Story, site.embedded).status = Status.UNPUBLISHED.value
        db.session.commit()

    query(unpublish)
    html = client.get(f"/article/{site.slug}").get_data(as_text=True)
    assert 'class="embed-card"' not in html
    assert "[[nid:" not in html
    assert "Analysts in Seoul said" in html, "the rest of the body stays"


def test_short_link_redirects_permanently_to_the_canonical_url(client, site):
    response = client.get(f"/n/{site.id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/article/{site.slug}"


def test_old_slug_redirects_to_the_new_one(client, query, site):
    def move():
        db.session.add(SlugRedirect(old_slug="north-korea-says-no", article_id=site.id))
        db.session.commit()

    query(move)
    response = client.get("/article/north-korea-says-no")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/article/{site.slug}"


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


def test_corrections_page_lists_published_corrections(client, query):
    def build():
        corrected = utcnow() - timedelta(hours=1)
        add_correction(
            make_story(
                headline="India's instant payments system passes 20 billion transfers",
                countries=["india"],
            ),
            "An earlier version of this story gave the monthly total as 15 million.",
            at=corrected,
        )
        make_story(headline="Mumbai opens its coastal road", countries=["india"])
        add_correction(
            make_story(
                headline="A story taken off the site before its correction was read",
                status=Status.UNPUBLISHED.value,
            ),
            "Not for readers any more.",
        )

    query(build)
    html = client.get("/corrections").get_data(as_text=True)
    assert "India&#39;s instant payments system" in html
    assert "An earlier version of this story gave the monthly total as 15 million" in html
    assert "Mumbai opens its coastal road" not in html, "only stories with a correction"
    assert "Not for readers any more." not in html


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
    # No JavaScript needed to open the menu or search: both are <details> in the masthead.
    menu = re.search(r'<details class="[^"]*\bmenu\b[^"]*"[^>]*>.*?</details>', html, re.S)
    assert menu, "the menu is not a <details>"
    for slug in slugs:
        assert f'href="/country/{slug}"' in menu[0]
    assert 'href="/section/politics"' in menu[0] and 'href="/latest"' in menu[0]
    search = re.search(r'<details class="[^"]*drawer--search[^"]*"[^>]*>.*?</details>', html, re.S)
    assert search and 'role="search"' in search[0] and 'name="q"' in search[0]


@pytest.mark.parametrize(
    ("lang", "headline"),
    [
        ("zh", "中国科技公司竞相发布开源大模型"),
        ("ja", "コメ価格の高騰続く"),
        ("ko", "한국 웹툰, 해외 매출 사상 최대 기록"),
        ("th", "กรุงเทพฯ จัดระเบียบแผงลอยย่านเยาวราช"),
    ],
)
def test_stories_in_asian_scripts_are_marked_with_their_language(client, query, lang, headline):
    slug = query(lambda: make_story(headline=headline, lang=lang, dateline="").slug)
    html = client.get(f"/article/{slug}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert headline in html
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
    name = query(lambda: PhotoFactory().variant_name(640, "webp"))
    with client.get(f"/media/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response.headers["Cache-Control"]


PLACES = ["india", "japan", "china", "nepal", "laos", "oman", "qatar", "iran", "iraq", "syria"]
PLACES += ["jordan", "bhutan"]


def test_the_corrections_page_costs_the_same_few_queries_for_3_or_12_corrections(app, client):
    def corrections_page_statements(count: int) -> int:
        with app.app_context():
            for n, place in enumerate(PLACES[:count] if count == 3 else PLACES[3:]):
                add_correction(
                    make_story(headline=f"Corrected story {count}-{n}", countries=[place]),
                    f"An earlier version misstated figure {n}.",
                )
            cache.clear()  # the page is rendered again, not served from the cache
            with statements() as seen:
                assert client.get("/corrections").status_code == 200
        return len(seen)

    few = corrections_page_statements(3)
    many = corrections_page_statements(9)  # 12 in all
    assert many == few, "each correction's story time zone is loaded with the page"
