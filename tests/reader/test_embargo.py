"""An embargoed story is invisible everywhere public until the embargo ends, then everywhere.

The editor publishes it now with an embargo until tomorrow: no page, list, search, feed,
sitemap, embed, related card, ticker or short link shows it. When the embargo passes (the
clock moved on, as the scheduled-story tests do), every one of them does."""

from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from extensions import db
from newsroom.models import Country, Story, utcnow
from tests.factories import make_story, story_form

HEADLINE = "Embargoed report: Assam floods displace thousands"
SLUG = "embargoed-report-assam-floods-displace-thousands"


@pytest.fixture
def reader(app):
    """A reader's browser, separate from the signed-in editor's."""
    return app.test_client()


@pytest.fixture
def embargoed(editor, query):
    """The editor publishes a breaking story now, embargoed until tomorrow; a published story
    embeds it and shares its tag. Returns the URL families' addresses."""
    until = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = query(
        lambda: story_form(
            headline=HEADLINE,
            tags="Monsoon, Floodplain",
            is_breaking="y",
            embargo_until=until,
            action="publish",
        )
    )
    saved = editor.post("/admin/stories/new", data=form, follow_redirects=True)
    assert "Story published under embargo: readers see it from" in saved.text

    def host():
        story = Story.by_slug(SLUG)
        assert story.status == "published"
        make_story(
            headline="Rivers rise across the Brahmaputra valley",
            body=f"The water kept rising.\n\n[[nid:{story.id}]]\n\nMore rain is forecast.",
            countries=["india"],
            tags=["Monsoon"],
        )
        region = db.session.get(Country, int(form["countries"][0])).region.slug
        return story.id, region, story.published_at.strftime("%Y-%m")

    ident, region, month = query(host)
    return {"ident": ident, "region": region, "month": month}


def _text(client, url):
    response = client.get(url)
    return response.status_code, response.text


def _listed(client, url) -> bool:
    status, text = _text(client, url)
    return status == 200 and (SLUG in text or HEADLINE in text)


def _host_part(client, xpath) -> bool:
    page = lxml.html.fromstring(
        client.get("/article/rivers-rise-across-the-brahmaputra-valley").text
    )
    return any(HEADLINE in node.text_content() for node in page.xpath(xpath))


# Each URL family, and how a reader would find the story there.
FAMILIES = {
    "article page": lambda c, s: c.get(f"/article/{SLUG}").status_code == 200,
    "short link /n/<id>": lambda c, s: c.get(f"/n/{s['ident']}").status_code == 301,
    "front page": lambda c, s: _listed(c, "/"),
    "latest": lambda c, s: _listed(c, "/latest"),
    "section page": lambda c, s: _listed(c, "/section/politics"),
    "country page": lambda c, s: _listed(c, "/country/india"),
    "region page": lambda c, s: _listed(c, f"/region/{s['region']}"),
    "tag page": lambda c, s: _listed(c, "/tag/floodplain"),
    "author page": lambda c, s: _listed(c, "/author/priya-sharma"),
    "search": lambda c, s: _listed(c, "/search?q=displace"),
    "site feed (RSS)": lambda c, s: _listed(c, "/feed.rss"),
    "site feed (Atom)": lambda c, s: _listed(c, "/feed.atom"),
    "tag feed": lambda c, s: _listed(c, "/tag/monsoon/feed.rss"),
    "section feed": lambda c, s: _listed(c, "/section/politics/feed.atom"),
    "monthly sitemap": lambda c, s: _listed(c, f"/sitemaps/articles-{s['month']}-1.xml"),
    "news sitemap": lambda c, s: _listed(c, "/news-sitemap.xml"),
    "tag in the pages sitemap": lambda c, s: (
        "/tag/floodplain<" in _text(c, "/sitemaps/pages.xml")[1]
    ),
    "[[nid:N]] embed": lambda c, s: _host_part(c, '//*[@class="embed-card"]'),
    "related stories": lambda c, s: _host_part(c, '//*[@class="related"]'),
}
# The ticker announces a breaking story when a save makes it live; a story that goes live later,
# by its embargo or its schedule, is not announced then (as before embargoes), so the ticker is
# only checked while the embargo holds.
WHILE_EMBARGOED = {
    **FAMILIES,
    "ticker": lambda c, s: HEADLINE in c.get("/live/ticker").text,
}


@pytest.mark.parametrize("family", WHILE_EMBARGOED)
def test_an_embargoed_story_appears_nowhere_public(reader, embargoed, family):
    assert not WHILE_EMBARGOED[family](reader, embargoed)
    assert "Rivers rise across the Brahmaputra valley" in reader.get("/country/india").text


@pytest.mark.parametrize("family", FAMILIES)
def test_it_appears_everywhere_once_the_embargo_passes(reader, embargoed, query, family):
    assert not FAMILIES[family](reader, embargoed)  # and the page is cached that way

    def time_passes():
        story = db.session.get(Story, embargoed["ident"])
        story.embargo_until = utcnow() - timedelta(seconds=1)  # as if the clock had moved on
        db.session.commit()

    query(time_passes)
    assert FAMILIES[family](reader, embargoed)


def test_cached_pages_show_it_when_the_embargo_ends_without_a_save(client, query):
    query(
        lambda: make_story(
            headline=HEADLINE,
            published_at=utcnow() - timedelta(hours=1),
            embargo_until=utcnow() + timedelta(seconds=2),
        )
    )
    first = client.get("/latest")
    assert HEADLINE not in first.text
    assert client.get("/latest").headers["X-Cache"] == "HIT"
    time.sleep(2.5)
    assert HEADLINE in client.get("/latest").text
    assert client.get(f"/article/{SLUG}").status_code == 200


def test_the_newsroom_sees_the_embargo(editor, query):
    def make():
        story = make_story(
            headline=HEADLINE,
            countries=["thailand"],
            embargo_until=utcnow().replace(hour=2, minute=0) + timedelta(days=1),
        )
        return story.id

    ident = query(make)
    form = editor.get(f"/admin/stories/{ident}").text
    banner = lxml.html.fromstring(form).xpath('//*[contains(@class, "notice--embargo")]')
    assert banner and "Embargoed until" in banner[0].text_content()
    assert "09:00 ICT" in banner[0].text_content() and "02:00 UTC" in banner[0].text_content()
    assert "T02:00" in lxml.html.fromstring(form).get_element_by_id("embargo_until").value
    for desk in ("/admin/", "/admin/stories"):
        assert "embargoed until" in editor.get(desk).text, desk
    preview = editor.get(f"/article/{SLUG}")
    assert preview.status_code == 200 and "embargoed until" in preview.text


def test_readers_are_told_it_was_published_when_the_embargo_ended(client, query):
    """Approved three days before its embargo lifted an hour ago: readers, feeds and Google
    News see it as published an hour ago, not three days ago (and it is news for 48 hours)."""
    lifted = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    query(
        lambda: make_story(
            headline=HEADLINE,
            published_at=utcnow() - timedelta(days=3),
            embargo_until=lifted,
            countries=["india"],
        )
    )
    zone_time = lifted.astimezone(ZoneInfo("Asia/Kolkata")).isoformat(timespec="seconds")
    page = client.get(f"/article/{SLUG}").text
    assert f'<time datetime="{zone_time}" data-yours>' in page  # the published time
    assert f'"datePublished": "{zone_time}"' in page
    assert SLUG in client.get("/news-sitemap.xml").text
    assert zone_time in client.get("/latest").text
