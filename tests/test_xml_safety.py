"""What feeds and sitemaps carry: text as text, any stored character, and only what readers may see."""

from __future__ import annotations

import html
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from extensions import db
from models import Article, Author, Image, Section, Status, Tag, utcnow
from tests.conftest import sign_in
from tests.factories import make_story

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HEADLINE = 'Tokyo & Osaka <img src=x onerror="alert(1)"> brace for the typhoon'
STANDFIRST = "<script>alert(2)</script> Ferries stop & <b>trains</b> slow down."
TAG_NAME = "<img src=y onerror=alert(3)> Typhoons"


def _hostile_story():
    story = make_story(headline=HEADLINE, standfirst=STANDFIRST, slug="typhoon-warning")
    story.tags = [Tag(slug="typhoons", name=TAG_NAME)]
    db.session.commit()


def _rss_item(root, slug):
    return next(i for i in root.iter("item") if i.findtext("link").endswith(f"/article/{slug}"))


def _atom_entry(root, slug):
    return next(
        e
        for e in root.iter(f"{ATOM}entry")
        if e.find(f"{ATOM}link").get("href").endswith(f"/article/{slug}")
    )


def shown_by_reader(rss_text: str) -> str:
    """What a feed reader shows for an RSS title or description, which it renders as HTML."""
    assert "<" not in rss_text, f"live markup reaches readers: {rss_text!r}"
    return html.unescape(rss_text)


# --- tags of stories readers cannot see yet ----------------------------------------------------


def _tagged(status: str, when, tag: str):
    def run():
        story = make_story(
            headline=f"A {status} story on the {tag}", status=status, published_at=when
        )
        story.tags = [Tag(slug=tag, name=tag.replace("-", " ").title())]
        db.session.commit()
        return story.id

    return run


def _tag_urls(slug):
    return [f"/tag/{slug}", f"/tag/{slug}/feed.rss", f"/tag/{slug}/feed.atom"]


def _pages_sitemap(client) -> set[str]:
    return {e.text for e in ET.fromstring(client.get("/sitemaps/pages.xml").data).iter(f"{SM}loc")}


@pytest.mark.parametrize(
    ("status", "offset"),
    [(Status.DRAFT.value, timedelta(minutes=-5)), (Status.SCHEDULED.value, timedelta(hours=3)),
     (Status.REVIEW.value, timedelta(minutes=-5)), (Status.UNPUBLISHED.value, timedelta(days=-1))],
)  # fmt: skip
def test_a_tag_only_on_unpublished_stories_is_not_public(client, query, status, offset):
    query(_tagged(status, utcnow() + offset, "secret-merger"))
    for url in _tag_urls("secret-merger"):
        assert client.get(url).status_code == 404, url
    assert "http://asian-news.test/tag/secret-merger" not in _pages_sitemap(client)


def test_a_tag_becomes_public_when_its_story_is_published(client, query):
    ident = query(_tagged(Status.DRAFT.value, None, "port-strike"))
    assert client.get("/tag/port-strike").status_code == 404  # now in the page cache too

    def publish():
        story = db.session.get(Article, ident)
        story.status, story.published_at = Status.PUBLISHED.value, utcnow()
        db.session.commit()

    query(publish)
    for url in _tag_urls("port-strike"):
        assert client.get(url).status_code == 200, url
    assert "Port Strike" in client.get("/tag/port-strike").text
    assert "http://asian-news.test/tag/port-strike" in _pages_sitemap(client)


def test_a_scheduled_tag_goes_public_at_its_time(client, query):
    ident = query(_tagged(Status.SCHEDULED.value, utcnow() + timedelta(hours=1), "summit-date"))
    assert client.get("/tag/summit-date").status_code == 404

    def time_comes():
        db.session.get(Article, ident).published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    query(time_comes)
    assert client.get("/tag/summit-date").status_code == 200
    assert "http://asian-news.test/tag/summit-date" in _pages_sitemap(client)


