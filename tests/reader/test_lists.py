"""Story lists: newest first, keyset pages, one URL serving the page and its htmx fragment."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Story
from tests.factories import make_story

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

LISTS = [
    "/latest",
    "/section/business",
    "/country/japan",
    "/region/west-asia",
    "/tag/climate",
    "/author/leyla-aliyeva",
]


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


@pytest.mark.parametrize("url", LISTS)
def test_older_stories_links_walk_the_whole_list_once_in_order(client, query, url):
    app_stories = walk(client, url)
    assert len(app_stories) == len(set(app_stories)), "no story twice"
    kind, slug = url.strip("/").partition("/")[::2]

    def expected():
        from blueprints.news.lists import SCOPES

        filters = {}
        if slug:
            model = SCOPES[kind]
            filters[kind] = db.session.scalar(sa.select(model).where(model.slug == slug))
        return [a.slug for a in Story.latest(limit=1000, **filters)]

    assert app_stories == query(expected)


def test_list_pages_use_a_cursor_not_an_offset(client):
    html = client.get("/latest").text
    assert re.search(r'href="/latest\?before=\d+-\d+&amp;depth=2"', html)
    assert "page=" not in html and "offset" not in html


def test_same_url_serves_page_and_fragment_and_varies_on_hx_request(client, htmx):
    url = next_link(client.get("/latest").text)
    page = client.get(url)
    fragment = client.get(url, headers=htmx)
    assert "<html" in page.text and "<html" not in fragment.text
    assert headlines(page.text) == headlines(fragment.text)
    for response in (page, fragment):
        assert "HX-Request" in response.headers["Vary"]
    assert fragment.text.lstrip().startswith('<li class="story-list__item">')


def test_fragments_walk_to_the_end_and_say_so(client, htmx):
    last = client.get("/tag/climate", headers=htmx).text
    url = next_link(last)
    while url:
        last = client.get(url, headers=htmx).text
        url = next_link(last)
    assert "You have reached the end of this list." in last


def test_boosted_and_history_restore_requests_get_the_whole_page(client):
    for headers in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
        {"HX-Request": "true", "HX-Request-Type": "full"},
    ):
        assert "<html" in client.get("/section/politics", headers=headers).text


def test_lists_stop_loading_by_themselves_after_a_few_pages(make_app):
    client = make_app(STORIES_PER_PAGE=3, AUTO_LOAD_PAGES=2).test_client()
    first = client.get("/latest").text
    assert 'hx-trigger="click, revealed"' in first
    second = client.get(next_link(first)).text
    assert 'hx-trigger="click"' in second, (
        "the reader now asks for more, so the footer is reachable"
    )
    assert client.get("/latest?before=1700000000000000-1&depth=0").status_code == 400


def test_an_empty_list_says_so(client):
    html = client.get("/country/macau").text
    assert "No stories here yet." in html


def test_a_new_story_leads_its_lists_on_the_next_request(client, query):
    for url in ("/", "/latest", "/country/japan", "/section/politics", "/region/east-asia"):
        client.get(url)  # cached now
    query(lambda: make_story(headline="Diet passes emergency relief package"))
    for url in ("/", "/latest", "/country/japan", "/section/politics", "/region/east-asia"):
        assert "diet-passes-emergency-relief-package" in client.get(url).text, url


def test_region_page_links_to_its_countries(client):
    html = client.get("/region/central-asia").text
    for country in ("kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"):
        assert f'href="/country/{country}"' in html
