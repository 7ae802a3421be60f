"""A live page where readers meet it outside its own page: search engines' JSON-LD, its feed,
story cards in lists, search, site feeds and sitemaps, the ticker and the front page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest
from flask import render_template_string

from extensions import db
from newsroom import live
from newsroom.models import LivePost, Story
from tests.factories import (
    LivePostFactory,
    LiveStoryFactory,
    StoryFactory,
    TickerItemFactory,
    UserFactory,
)
from tests.helpers import statements
from web import seo

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '</script><script>alert("x")</script> & <b>bold</b>'


def local_iso(moment, story: Story) -> str:
    return moment.astimezone(story.zone).isoformat(timespec="seconds")


def json_ld(html: str, kind: str) -> dict:
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == kind:
            return data
    raise AssertionError(f"no {kind} JSON-LD on the page")


@pytest.fixture
def typhoon(people):
    """An open live page with three posts by the editor, the newest last written."""
    story = LiveStoryFactory(
        headline="Typhoon Kalmaegi makes landfall on Samar",
        slug="typhoon-kalmaegi-live",
        standfirst="Follow the storm as it crosses the central Philippines.",
    )
    for text in (
        "PAGASA raises signal number 4 over Eastern Samar.",
        "Ferries between Matnog and Allen are suspended.",
        "The eye of the storm crosses the coast near Guiuan.",
    ):
        live.add_post(story, people["editor"], text)
    return story


def posts_of(story: Story) -> list[LivePost]:
    return LivePost.latest(story, 10)


# --- JSON-LD ---------------------------------------------------------------------------------


def test_a_live_page_is_a_live_blog_posting_with_its_latest_posts(people, typhoon):
    editor = people["editor"]
    editor.name = "Maria Santos"
    db.session.commit()
    posts = posts_of(typhoon)
    data = seo.news_article(typhoon, (), posts)
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == local_iso(typhoon.published_at, typhoon)
    assert "coverageEndTime" not in data, "open coverage has no known end"
    assert data["dateModified"] == local_iso(posts[0].posted_at, typhoon)
    updates = data["liveBlogUpdate"]
    assert [u["articleBody"] for u in updates] == [
        "The eye of the storm crosses the coast near Guiuan.",
        "Ferries between Matnog and Allen are suspended.",
        "PAGASA raises signal number 4 over Eastern Samar.",
    ]
    newest = updates[0]
    assert newest["@type"] == "BlogPosting"
    assert newest["headline"] == "The eye of the storm crosses the coast near Guiuan."
    assert newest["url"].endswith(f"/article/typhoon-kalmaegi-live#post-{posts[0].id}")
    assert newest["datePublished"] == local_iso(posts[0].posted_at, typhoon)
    assert newest["author"] == {"@type": "Person", "name": "Maria Santos"}


def test_a_post_without_a_title_is_headlined_by_its_first_words_and_a_wire_post_by_us(
    people, typhoon
):
    words = " ".join(["Rescue teams reach the flooded barangays of Tacloban"] * 5)
    live.add_post(typhoon, None, words + ".")
    live.add_post(typhoon, None, "Body text", title="Landfall confirmed")
    data = seo.news_article(typhoon, (), posts_of(typhoon))
    titled, untitled = data["liveBlogUpdate"][:2]
    assert titled["headline"] == "Landfall confirmed"
    assert titled["author"]["@type"] == "NewsMediaOrganization"
    assert untitled["headline"].startswith("Rescue teams reach the flooded barangays")
    assert untitled["headline"].endswith("…") and len(untitled["headline"]) <= 110
    assert untitled["articleBody"] == words + "."


def test_closed_coverage_says_when_it_ended(people, typhoon):
    live.close_coverage(typhoon, people["editor"])
    data = seo.news_article(typhoon, (), posts_of(typhoon))
    assert data["coverageEndTime"] == local_iso(typhoon.live_closed_at, typhoon)


def test_an_ordinary_story_stays_a_news_article(people):
    data = seo.news_article(StoryFactory(), ())
    assert data["@type"] == "NewsArticle"
    assert "liveBlogUpdate" not in data and "coverageStartTime" not in data


def test_text_stays_text_in_the_live_json_ld(people, typhoon):
    live.add_post(typhoon, people["editor"], "Officials <em>said</em> more.", title=HOSTILE)
    rendered = render_template_string(
        "{{ data|tojson }}", data=seo.news_article(typhoon, (), posts_of(typhoon))
    )
    assert "</script>" not in rendered and "<b>" not in rendered
    data = json.loads(rendered)
    assert data["liveBlogUpdate"][0]["headline"] == HOSTILE
    assert data["liveBlogUpdate"][0]["articleBody"] == "Officials said more."


def test_the_live_page_carries_its_json_ld_and_its_feed(client, people):
    story = LiveStoryFactory(headline=HOSTILE, slug="hostile-live")
    live.add_post(story, people["editor"], "First update.")
    html = client.get("/article/hostile-live").text
    data = json_ld(html, "LiveBlogPosting")
    assert data["headline"] == HOSTILE
    assert data["coverageStartTime"] == local_iso(story.published_at, story)
    assert '</script><script>alert("x")' not in html
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; '
        '&lt;b&gt;bold&lt;/b&gt;: every update (Atom)" href="/article/hostile-live/feed.atom">'
    ) in html


def test_an_ordinary_story_page_has_no_live_feed(client, people):
    StoryFactory(slug="plain-story")
    html = client.get("/article/plain-story").text
    assert "/article/plain-story/feed." not in html
    assert json_ld(html, "NewsArticle")


# --- the live page's feed ---------------------------------------------------------------------


def test_the_atom_feed_has_one_entry_per_post_newest_first(client, people, typhoon):
    gone = live.add_post(typhoon, people["editor"], "A post written in error.")
    live.delete_post(gone, people["editor"])
    live.add_post(typhoon, people["editor"], "Winds of **180 km/h** at Guiuan.", title="Landfall")
    response = client.get("/article/typhoon-kalmaegi-live/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.find(f"{ATOM}title").text.endswith(": Typhoon Kalmaegi makes landfall on Samar")
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles == [
        "Landfall",
        "The eye of the storm crosses the coast near Guiuan.",
        "Ferries between Matnog and Allen are suspended.",
        "PAGASA raises signal number 4 over Eastern Samar.",
    ]
    newest = posts_of(typhoon)[0]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://asian-news.test/article/typhoon-kalmaegi-live#post-{newest.id}"
    assert "<strong>180 km/h</strong>" in entries[0].find(f"{ATOM}content").text
    assert "written in error" not in response.text


def test_the_rss_feed_keeps_a_hostile_title_as_text(client, people, typhoon):
    live.add_post(typhoon, people["editor"], "Body.", title=HOSTILE)
    response = client.get("/article/typhoon-kalmaegi-live/feed.rss")
    assert response.mimetype == "application/rss+xml"
    items = ET.fromstring(response.data).findall("channel/item")
    assert len(items) == 4
    assert items[0].find("title").text == (
        '&lt;/script&gt;&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'
    )
    assert items[0].find("link").text.endswith(f"#post-{posts_of(typhoon)[0].id}")


def test_the_feed_keeps_to_its_newest_posts(client, people, monkeypatch):
    monkeypatch.setattr("blueprints.feeds.views.LIVE_FEED_SIZE", 2)
    story = LiveStoryFactory(slug="capped-live")
    for n in range(3):
        LivePostFactory(story=story, body_md=f"Update number {n}.", minutes_ago=10 - n)
    root = ET.fromstring(client.get("/article/capped-live/feed.atom").data)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Update number 2.", "Update number 1."]


@pytest.mark.parametrize("make", ["unknown", "draft", "ordinary", "format"])
def test_only_a_public_live_page_has_a_feed(client, people, make):
    if make == "draft":
        LiveStoryFactory(slug="the-page", status="draft")
    elif make == "ordinary":
        StoryFactory(slug="the-page")
    else:
        LiveStoryFactory(slug="the-page")
    slug = "no-such-page" if make == "unknown" else "the-page"
    fmt = "json" if make == "format" else "atom"
    assert client.get(f"/article/{slug}/feed.{fmt}").status_code == 404


# --- lists, search, site feeds, sitemaps -------------------------------------------------------


def card_of(html: str, headline: str) -> str:
    start = html.index(headline)
    return html[
        html.rindex('<article class="story-card', 0, start) : html.index("</article>", start)
    ]


def test_a_card_labels_open_coverage_live_and_shows_its_latest_post_time(client, people, typhoon):
    newest = posts_of(typhoon)[0]
    card = card_of(client.get("/latest").text, "Typhoon Kalmaegi makes landfall on Samar")
    assert '<span class="label label--live-open">Live</span>' in card
    assert "Latest update" in card
    assert f'<time datetime="{local_iso(newest.posted_at, typhoon)}">' in card
    assert local_iso(typhoon.published_at, typhoon) not in card


def test_a_card_of_closed_coverage_says_it_ended(client, people, typhoon):
    live.close_coverage(typhoon, people["editor"])
    card = card_of(client.get("/latest").text, "Typhoon Kalmaegi makes landfall on Samar")
    assert "Live coverage ended" in card and "label--live-open" not in card


def test_an_ordinary_card_keeps_its_publication_time(client, people):
    story = StoryFactory(headline="Rice exports rise in Vietnam")
    card = card_of(client.get("/latest").text, "Rice exports rise in Vietnam")
    assert f'<time datetime="{local_iso(story.published_at, story)}">' in card
    assert "Latest update" not in card and "Live" not in card


def test_site_feed_and_sitemap_date_a_live_page_by_its_latest_post(client, people, typhoon):
    newest = posts_of(typhoon)[0]
    feed = ET.fromstring(client.get("/feed.atom").data)
    entry = next(
        e
        for e in feed.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}title").text == "Typhoon Kalmaegi makes landfall on Samar"
    )
    assert datetime.fromisoformat(entry.find(f"{ATOM}updated").text) == newest.posted_at
    month = typhoon.published_at.strftime("%Y-%m")
    sitemap = client.get(f"/sitemaps/articles-{month}-1.xml").text
    url = sitemap.split("/article/typhoon-kalmaegi-live</loc>")[1].split("</url>")[0]
    assert f"<lastmod>{newest.posted_at.isoformat(timespec='seconds')}</lastmod>" in url


def test_search_finds_a_live_page_by_the_words_of_its_posts(client, people, typhoon):
    html = client.get("/search?q=Matnog").text
    assert "Typhoon Kalmaegi makes landfall on Samar" in html
    assert "<mark>Matnog</mark>" in html


def test_a_deleted_post_no_longer_finds_the_page(client, people, typhoon):
    post = next(p for p in posts_of(typhoon) if "Matnog" in p.body_md)
    live.delete_post(post, people["editor"])
    assert "Typhoon Kalmaegi" not in client.get("/search?q=Matnog").text
    assert "Typhoon Kalmaegi" in client.get("/search?q=Guiuan").text


def test_an_edited_post_is_found_by_its_new_words(client, people, typhoon):
    post = posts_of(typhoon)[0]
    live.edit_post(post, people["editor"], "Storm surge of three metres floods Borongan.")
    assert "Typhoon Kalmaegi" in client.get("/search?q=Borongan").text


# --- the ticker --------------------------------------------------------------------------------


def ticker_items(html: str) -> list[str]:
    return re.findall(r'<li class="ticker__item">(.*?)</li>', html, re.S)


@pytest.mark.parametrize(
    "link",
    [
        "/n/{id}",
        "/article/{slug}",
        "/article/{slug}#post-3",
        "http://asian-news.test/article/{slug}",
    ],
)
def test_a_ticker_item_leading_to_open_coverage_is_labelled_live(client, people, typhoon, link):
    TickerItemFactory(text="Typhoon Kalmaegi", link=link.format(id=typhoon.id, slug=typhoon.slug))
    (item,) = ticker_items(client.get("/latest").text)
    assert item.startswith('<span class="ticker__live">Live<span class="visually-hidden">:')
    assert ">Typhoon Kalmaegi</a>" in item


@pytest.mark.parametrize("case", ["closed", "ordinary", "elsewhere", "no-link"])
def test_other_ticker_items_have_no_live_label(client, people, typhoon, case):
    link = {
        "closed": f"/n/{typhoon.id}",
        "ordinary": f"/n/{StoryFactory().id}",
        "elsewhere": f"https://example.org/article/{typhoon.slug}",
        "no-link": "",
    }[case]
    if case == "closed":
        live.close_coverage(typhoon, people["editor"])
    TickerItemFactory(text="Typhoon Kalmaegi", link=link)
    (item,) = ticker_items(client.get("/latest").text)
    assert "ticker__live" not in item and "Typhoon Kalmaegi" in item


def test_the_ticker_checks_all_its_links_in_one_query(app, people):
    from web.ticker import ticker_state

    def count_for(links: int) -> int:
        db.session.execute(db.delete(db.metadata.tables["breaking_items"]))
        db.session.commit()
        for n in range(links):
            page = LiveStoryFactory(slug=f"page-{links}-{n}")
            TickerItemFactory(text=f"Page {n}", link=f"/article/{page.slug}")
            TickerItemFactory(text=f"Short {n}", link=f"/n/{page.id}")
        with statements() as seen:
            state = ticker_state()
        assert all(row["live"] for row in state["items"]) and len(state["items"]) == 2 * links
        return len(seen)

    assert count_for(1) == count_for(6)


def test_closing_coverage_takes_the_label_off_the_ticker(client, people, typhoon):
    TickerItemFactory(text="Typhoon Kalmaegi", link=f"/n/{typhoon.id}")
    assert "ticker__live" in client.get("/latest").text
    live.close_coverage(typhoon, people["editor"])
    assert "ticker__live" not in client.get("/latest").text


# --- the front page ----------------------------------------------------------------------------


def live_box(html: str) -> str:
    start = html.index('<section class="live-box"')
    return html[start : html.index("</section>", start)]


def test_the_front_page_leads_with_open_coverage_and_its_two_latest_posts(client, people, typhoon):
    StoryFactory(headline="Rice exports rise in Vietnam", is_featured=True)
    html = client.get("/").text
    box = live_box(html)
    assert "Typhoon Kalmaegi makes landfall on Samar" in box
    newest, second, oldest = posts_of(typhoon)
    assert f'href="/article/typhoon-kalmaegi-live#post-{newest.id}"' in box
    assert "The eye of the storm crosses the coast near Guiuan." in box
    assert f'href="/article/typhoon-kalmaegi-live#post-{second.id}"' in box
    assert "Signal number 4" not in box and f"#post-{oldest.id}" not in box
    assert f'<time class="live-box__time" datetime="{local_iso(newest.posted_at, typhoon)}">' in box
    assert "Follow the live coverage" in box
    assert html.index("live-box") < html.index('class="front"')
    lead = html.split('class="front__lead"')[1].split("</article>")[0]
    assert "Rice exports rise in Vietnam" in lead, "the live page is not shown twice at the top"


def test_closed_coverage_leaves_the_front_page_box(client, people, typhoon):
    live.close_coverage(typhoon, people["editor"])
    assert 'class="live-box"' not in client.get("/").text


def test_unpublished_coverage_stays_off_the_front_page(client, people):
    page = LiveStoryFactory(status="draft", headline="Draft live page on the typhoon")
    LivePostFactory(story=page)
    html = client.get("/").text
    assert 'class="live-box"' not in html and "Draft live page" not in html


def test_the_front_page_box_costs_the_same_queries_for_one_or_two_pages(client, people):
    def cold_count() -> int:
        """Each page made below changes the content version: the front page is rendered anew."""
        with statements() as seen:
            response = client.get("/")
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS"
        return len(seen)

    client.get("/")  # the most-read box's ranking, kept for minutes: in none of the counts
    StoryFactory()
    none = cold_count()
    first = LiveStoryFactory(headline="First live page")
    for n in range(4):
        LivePostFactory(story=first, minutes_ago=n, author=UserFactory())
    one = cold_count()
    second = LiveStoryFactory(headline="Second live page", countries=["japan", "vietnam"])
    for n in range(4):
        LivePostFactory(story=second, minutes_ago=n, author=UserFactory())
    two = cold_count()
    assert client.get("/").text.count('<section class="live-box"') == 2
    assert none > 0
    assert one == two, "a second live page costs no extra query"
    # The posts of every page in the box in one query, their countries in one more (a join
    # made SQLite build every story's countries first: newsroom/models/live.py).
    assert one - none == 2, "the posts and countries of every page in the box: two queries"


def test_a_post_in_the_box_is_text(client, people, typhoon):
    live.add_post(typhoon, people["editor"], "Body.", title=HOSTILE)
    box = live_box(client.get("/").text)
    assert "&lt;/script&gt;&lt;script&gt;alert(" in box and "<b>bold" not in box
