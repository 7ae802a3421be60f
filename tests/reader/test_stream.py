"""Issue 15, parts 6 to 8 on the server: the "N new stories" bar and the cards it inserts in the
style of their list, list URLs that record how far a reader had scrolled (?upto=), and the
footer with sections, regions, feeds and the publisher."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from newsroom.models import utcnow
from tests.factories import PhotoFactory, make_story

PER_PAGE = 3


@pytest.fixture
def app(make_app):
    return make_app(STORIES_PER_PAGE=PER_PAGE)


@pytest.fixture
def stream(query):
    """Ten stories about Vietnam with pictures, a minute apart: slugs, newest first."""

    def build():
        start = utcnow() - timedelta(hours=1)
        made = [
            make_story(
                headline=f"Hanoi story number {n} on the economy",
                countries=["vietnam"],
                hero_photo=PhotoFactory(),
                published_at=start + timedelta(minutes=n),
            ).slug
            for n in range(10)
        ]
        return made[::-1]

    return query(build)


def slugs(html: str) -> list[str]:
    return re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', html)


def next_link(html: str) -> str:
    return re.search(r'class="button story-list__next" href="([^"]+)"', html).group(1)


def cursor_of(html: str) -> str:
    return re.search(r"before=(\d+-\d+)", next_link(html)).group(1)


# --- part 6: the new-stories bar ----------------------------------------------------------------


def test_the_bar_is_a_sticky_region_of_the_page_outside_its_content(client, stream):
    for url in ("/", "/latest", "/country/vietnam"):
        html = client.get(url).text
        bar = html.index('id="new-stories"')
        assert html.index('id="ticker"') < bar < html.index('<main id="main"'), url
        assert '<div id="new-stories-announcer" class="visually-hidden" aria-live="polite">' in html
        assert html.count('id="new-stories"') == 1
    assert "stream=home" in client.get("/").text.split('id="new-stories"')[1].split(">")[0]


def test_the_notice_fragment_is_announced_once_when_stories_first_arrive(
    client, query, htmx, stream
):
    after = re.search(r"/live/latest\?after=(\d+-\d+)", client.get("/").text).group(1)
    query(lambda: make_story(headline="Da Nang opens its new port", countries=["vietnam"]))
    first = client.get(f"/live/latest?after={after}&seen=0&stream=home", headers=htmx)
    assert first.status_code == 200
    assert "1 new story" in first.text
    assert '<hx-partial hx-target="#new-stories-announcer" hx-swap="innerHTML">' in first.text
    button = re.search(r'<a class="new-stories__button"[^>]*>', first.text).group(0)
    assert f"/live/latest/stories?after={after}&amp;stream=home" in button
    assert 'href="/"' in button, "without script, the button reloads the front page"
    assert 'hx-swap="prepend show:top"' in button
    assert "stream=home" in first.text.split("hx-get=")[1].split(" ")[0], "the poll goes on"

    query(lambda: make_story(headline="Hue citadel restoration ends", countries=["vietnam"]))
    second = client.get(f"/live/latest?after={after}&seen=1&stream=home", headers=htmx)
    assert "2 new stories" in second.text
    assert "new-stories-announcer" not in second.text, "announced once, not at every poll"


def test_new_cards_join_the_front_pages_stream_without_pictures(client, query, htmx, stream):
    after = re.search(r"/live/latest\?after=(\d+-\d+)", client.get("/").text).group(1)
    query(
        lambda: make_story(
            headline="Mekong delta rice harvest up",
            countries=["vietnam"],
            hero_photo=PhotoFactory(),
        )
    )
    home = client.get(f"/live/latest/stories?after={after}&stream=home", headers=htmx)
    assert "mekong-delta-rice-harvest-up" in home.text
    assert "<img" not in home.text and "story-card__media" not in home.text
    listed = client.get(f"/live/latest/stories?after={after}&country=vietnam", headers=htmx)
    assert "story-card__media" in listed.text, "a list with pictures gets the picture"
    first_item = re.search(r"<li [^>]*>", home.text).group(0)
    assert "autofocus" in first_item and 'tabindex="-1"' in first_item
    assert home.text.count("autofocus") == 1
    # The refreshed (empty) notice keeps polling for the front page's stream.
    assert "stream=home" in home.text.split("<hx-partial")[1]


@pytest.mark.parametrize(
    "url",
    [
        "/live/latest?after=1700000000000000-1&seen=0&stream=sideways",
        "/live/latest/stories?after=1700000000000000-1&stream=%00",
        "/latest?stream=elsewhere",
    ],
)
def test_an_unknown_stream_is_a_400(client, htmx, url):
    response = client.get(url, headers=htmx)
    assert response.status_code == 400
    assert "not valid" in response.text


# --- part 7: lists that remember how far the reader had scrolled -------------------------------


def test_infinite_scroll_records_how_far_the_reader_has_loaded(client, query, htmx, stream):
    # Older stories, so that the list goes on below the country's front and two pages.
    start = utcnow() - timedelta(days=1)
    query(
        lambda: [
            make_story(
                headline=f"Older Hanoi story {n}",
                countries=["vietnam"],
                published_at=start + timedelta(minutes=n),
            )
            for n in range(6)
        ]
    )
    first = client.get("/country/vietnam").text
    page2 = client.get(next_link(first).replace("&amp;", "&"), headers=htmx)
    assert page2.status_code == 200
    last = slugs(page2.text)[-1]
    recorded = page2.headers["HX-Replace-Url"]
    assert re.fullmatch(r"/country/vietnam\?upto=\d+-\d+&depth=2", recorded)
    assert "hx-replace-url" not in page2.text, "the server names the URL, not the link"

    # Opening that URL (Back from a story, or a reload) shows every card down to that one.
    back = client.get(recorded)
    assert back.status_code == 200
    # The country's front (lead and top stories) above, then the list down to that card.
    shown = slugs(back.text)
    assert shown == slugs(first) + slugs(page2.text) and shown[-1] == last
    newest_first = stream + [f"older-hanoi-story-{n}" for n in range(5, -1, -1)]
    assert sorted(shown) == sorted(newest_first[: len(shown)]), "the newest stories, each once"
    assert back.headers["Cache-Control"].startswith("public"), "cached like any page"
    assert "no-store" not in back.headers["Cache-Control"]
    # Its "Older stories" link carries on from there, at the next depth.
    assert next_link(back.text) == next_link(page2.text)
    assert "depth=3" in next_link(back.text)
    # The bar counts new stories from the top, as on the first page.
    assert 'id="new-stories"' in back.text


def test_the_front_pages_stream_records_its_depth_in_the_front_pages_url(
    client, query, htmx, stream
):
    # Enough older stories that the stream goes on below what the front page shows above it.
    start = utcnow() - timedelta(days=2)
    query(
        lambda: [
            make_story(headline=f"Older Vietnam story {n}", published_at=start + timedelta(hours=n))
            for n in range(40)
        ]
    )
    home = client.get("/").text
    more = next_link(home).replace("&amp;", "&")
    assert more.startswith("/latest?before=") and more.endswith("&stream=home")
    page2 = client.get(more, headers=htmx)
    recorded = page2.headers["HX-Replace-Url"]
    assert re.fullmatch(r"/\?upto=\d+-\d+&depth=2", recorded)
    back = client.get(recorded).text
    stream_part = back.split('id="story-list"')[1]
    assert slugs(stream_part) == slugs(home.split('id="story-list"')[1]) + slugs(page2.text)
    assert "story-card__media" not in stream_part, "still without pictures"
    assert next_link(back).replace("&amp;", "&").endswith("depth=3&stream=home")


def test_upto_at_the_end_of_the_list_shows_its_end(client, stream):
    html = client.get("/country/vietnam").text
    while "story-list__next" in html:
        html = client.get(next_link(html).replace("&amp;", "&")).text
    oldest = client.get("/latest?upto=0").status_code  # not a cursor
    assert oldest == 400
    # The cursor of the oldest card: everything, then the end of the list.
    url = f"/country/vietnam?upto={_cursor_of_slug(client, stream[-1])}"
    whole = client.get(url).text
    assert slugs(whole) == stream
    assert "story-list__next" not in whole
    assert "You have reached the end of this list." in whole


def _cursor_of_slug(client, slug: str) -> str:
    from newsroom.models import Story

    with client.application.app_context():
        return str(Story.for_reading(slug).cursor)


def test_upto_shows_at_most_two_hundred_cards(make_app, query):
    from blueprints.news.lists import MAX_UPTO_STORIES

    assert MAX_UPTO_STORIES == 200
    app = make_app(STORIES_PER_PAGE=PER_PAGE)
    client = app.test_client()

    def build():
        start = utcnow() - timedelta(days=1)
        return [
            make_story(headline=f"Story {n}", published_at=start + timedelta(seconds=n)).slug
            for n in range(205)
        ]

    with app.app_context():
        made = build()
    with app.app_context():
        from newsroom.models import Story

        oldest = str(Story.for_reading(made[0]).cursor)
    html = client.get(f"/latest?upto={oldest}").text
    assert len(slugs(html)) == 200
    assert "story-list__next" in html, "the rest is one link away"


@pytest.mark.parametrize(
    "query_string",
    [
        "upto=banana",
        "upto=1-1",
        "upto=99999999999999999999-1",
        "upto=1700000000000000-0",
        "upto=1700000000000000-1&before=1700000000000000-1",
        "upto=1700000000000000-1&depth=0",
        "upto=" + "9" * 60,
    ],
)
@pytest.mark.parametrize("path", ["/", "/latest", "/country/vietnam"])
def test_a_bad_upto_is_a_readable_400(client, path, query_string):
    if path == "/" and "before" in query_string:
        query_string = query_string.replace("before", "depth")  # the front page has no before
    response = client.get(f"{path}?{query_string}")
    assert response.status_code == 400
    assert "<html" in response.text and "not valid" in response.text


# --- part 8: the footer -------------------------------------------------------------------------


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_the_footer_leads_to_sections_regions_feeds_and_the_publisher(client, stream):
    html = footer(client.get("/article/" + stream[0]).text)
    for href in (
        "/latest",
        "/section/politics",
        "/section/business",
        "/region/southeast-asia",
        "/region/east-asia",
        "/feed.rss",
        "/feed.atom",
        "/sitemap.xml",
        "/corrections",
        "/contact",
        "/about",
        "/privacy",
    ):
        assert f'href="{href}"' in html, href
    assert (
        'aria-labelledby="footer-sections"' in html and 'aria-labelledby="footer-regions"' in html
    )
    assert "Owner: SNOWLAND s.r.o." in html and "Registration certificate 06691200" in html
    assert "Na okraji 381/41" in html and "Corrections policy" in html


def test_the_footer_shows_a_configured_email_and_telephone(make_app):
    from config import Defaults

    publisher = {
        **Defaults.PUBLISHER,
        "email": "newsroom@asian-news.net",
        "phone": "+420 123 456 789",
    }
    html = footer(make_app(PUBLISHER=publisher).test_client().get("/about").text)
    assert 'href="mailto:newsroom@asian-news.net"' in html
    assert 'href="tel:+420123456789"' in html
