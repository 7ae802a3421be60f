"""Story lists: newest first, keyset pages, one URL serving the page and its htmx fragment."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsroom.models import Status, Story, utcnow
from tests.factories import AuthorFactory, make_story

PER_PAGE = 4
LISTS = ["latest", "section", "country", "region", "tag", "author"]


@pytest.fixture
def app(make_app):
    """Pages of four stories, so that every list below spans several pages."""
    return make_app(STORIES_PER_PAGE=PER_PAGE)


@pytest.fixture
def lists(query):
    """Eighteen published stories, two by two published at the same moment, filed across two
    sections, three countries (two of them in West Asia), a tag and two authors, and three
    stories readers must not see. {kind: (list URL, the slugs it shows, newest first)}."""

    def build():
        leyla, other = AuthorFactory(name="Leyla Aliyeva"), AuthorFactory()
        start = utcnow() - timedelta(minutes=10)
        places = (["japan"], ["iran"], ["iran", "saudi-arabia", "japan"])
        made = []
        for n in range(18):
            fields = {
                "headline": f"Listed story {n} about the economy",
                "section": "business" if n % 2 == 0 else "politics",
                "countries": places[n % 3],
                "tags": ["Climate"] if n % 2 else ["Trade"],
                "authors": [leyla if n % 4 < 2 else other],
                "published_at": start - timedelta(hours=n // 2),  # ties broken by id
            }
            story = make_story(**fields)
            made.append((fields["published_at"], story.id, story.slug, fields))
        for status, when in (
            (Status.DRAFT, start),
            (Status.UNPUBLISHED, start),
            (Status.SCHEDULED, utcnow() + timedelta(hours=1)),
        ):
            make_story(
                headline=f"A {status.value} story readers must not see",
                status=status.value,
                section="business",
                countries=["japan", "iran"],
                tags=["Climate"],
                authors=[leyla],
                published_at=when,
            )
        newest_first = sorted(made, key=lambda row: row[:2], reverse=True)

        def only(keep):
            return [slug for _, _, slug, fields in newest_first if keep(fields)]

        west_asia = {"iran", "saudi-arabia"}
        return {
            "latest": ("/latest", only(lambda f: True)),
            "section": ("/section/business", only(lambda f: f["section"] == "business")),
            "country": ("/country/japan", only(lambda f: "japan" in f["countries"])),
            "region": ("/region/west-asia", only(lambda f: west_asia & set(f["countries"]))),
            "tag": ("/tag/climate", only(lambda f: "Climate" in f["tags"])),
            "author": (f"/author/{leyla.slug}", only(lambda f: leyla in f["authors"])),
        }

    return query(build)


def headlines(html: str) -> list[str]:
    return re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', html)


def next_link(html: str) -> str | None:
    match = re.search(r'class="button story-list__next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def walk(client, url: str, headers=None) -> list[str]:
    seen, pages = [], 0
    while url:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200
        seen += headlines(response.text)
        url = next_link(response.text)
        pages += 1
        assert pages < 100
    return seen


@pytest.mark.parametrize("kind", LISTS)
def test_older_stories_links_walk_the_whole_list_once_in_order(client, lists, kind):
    url, expected = lists[kind]
    assert len(expected) > 2 * PER_PAGE, "the list spans at least three pages"
    app_stories = walk(client, url)
    assert len(app_stories) == len(set(app_stories)), "no story twice"
    assert app_stories == expected


def test_list_pages_use_a_cursor_not_an_offset(client, lists):
    html = client.get("/latest").text
    assert re.search(r'href="/latest\?before=\d+-\d+&amp;depth=2"', html)
    assert "page=" not in html and "offset" not in html


def test_list_links_are_microseconds_and_id_so_saved_links_keep_working(client, lists, query):
    """`?before=MICROSECONDS-ID` (published time, then id) is in links readers have saved."""
    url, slugs = lists["latest"]
    last_shown = query(lambda: Story.by_slug(slugs[PER_PAGE - 1]))
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    micros = (last_shown.published_at - epoch) // timedelta(microseconds=1)
    position = f"{micros}-{last_shown.id}"
    assert next_link(client.get(url).text) == f"/latest?before={position}&depth=2"
    assert headlines(client.get(f"/latest?before={position}").text)[0] == slugs[PER_PAGE]


def test_same_url_serves_page_and_fragment_and_varies_on_hx_request(client, lists, htmx):
    url = next_link(client.get("/latest").text)
    page = client.get(url)
    fragment = client.get(url, headers=htmx)
    assert "<html" in page.text and "<html" not in fragment.text
    assert headlines(page.text) == headlines(fragment.text) == lists["latest"][1][4:8]
    for response in (page, fragment):
        assert "HX-Request" in response.headers["Vary"]
    assert fragment.text.lstrip().startswith('<li class="story-list__item">')


def test_fragments_walk_to_the_end_and_say_so(client, lists, htmx):
    # /latest: a tag's first page opens with its front (tests/reader/test_list_fronts.py).
    url, expected = lists["latest"]
    last = client.get(url, headers=htmx).text
    url, pages = next_link(last), 1
    while url:
        pages += 1
        last = client.get(url, headers=htmx).text
        url = next_link(last)
    assert pages == math.ceil(len(expected) / PER_PAGE)
    assert "You have reached the end of this list." in last
    assert headlines(last) == expected[(pages - 1) * PER_PAGE :]


def test_boosted_and_history_restore_requests_get_the_whole_page(client):
    for headers in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
        {"HX-Request": "true", "HX-Request-Type": "full"},
    ):
        assert "<html" in client.get("/section/politics", headers=headers).text


def test_lists_stop_loading_by_themselves_after_a_few_pages(make_app, lists):
    client = make_app(STORIES_PER_PAGE=3, AUTO_LOAD_PAGES=2).test_client()
    first = client.get("/latest").text
    assert 'hx-trigger="click, revealed"' in first
    second = client.get(next_link(first)).text
    assert 'hx-trigger="click"' in second, (
        "the reader now asks for more, so the footer is reachable"
    )
    assert client.get("/latest?before=1700000000000000-1&depth=0").status_code == 400


def test_an_empty_list_says_so(client, lists):
    html = client.get("/country/macau").text
    assert "No stories here yet." in html
    assert headlines(html) == []


def test_a_new_story_leads_its_lists_on_the_next_request(client, query, lists):
    urls = ("/", "/latest", "/country/japan", "/section/politics", "/region/east-asia")
    for url in urls:
        assert "diet-passes" not in client.get(url).text  # cached now
    query(lambda: make_story(headline="Diet passes emergency relief package"))
    for url in urls:
        assert headlines(client.get(url).text)[0] == "diet-passes-emergency-relief-package", url


def test_region_page_links_to_its_countries(client):
    html = client.get("/region/central-asia").text
    for country in ("kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"):
        assert f'href="/country/{country}"' in html
