"""Distribution: RSS and Atom feeds, sitemaps (with Google News), robots.txt."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import Blueprint, abort, current_app, make_response, render_template, url_for

from blueprints.news.lists import ListScope, scope_for
from blueprints.news.views import embed_cards, render_body
from extensions import db
from newsroom.cleaning import xml_text
from newsroom.content import expand_embeds
from newsroom.live import story_by_slug
from newsroom.models import (
    Author,
    Country,
    LivePost,
    Region,
    Section,
    Story,
    StoryUpdate,
    Tag,
    utcnow,
)
from web.caching import cached_page
from web.seo import absolute, photo_url
from web.urls import absolute_url

bp = Blueprint("feeds", __name__)

FEED_SIZE = 30
LIVE_FEED_SIZE = 50  # a live page's newest posts; the page itself has the rest
SITEMAP_MAX = 50_000
NEWS_MAX = 1_000
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _xml_response(body: bytes, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.charset = "utf-8"
    return response


def _sitemap_response(root: ET.Element):
    """Serialize a sitemap, dropping characters XML forbids from every text and attribute.

    The database may hold rows saved before such characters were stripped on the way in;
    ElementTree would write them as they are and make the whole document unreadable."""
    for element in root.iter():
        element.text, element.tail = xml_text(element.text), xml_text(element.tail)
        for name, value in element.attrib.items():
            element.attrib[name] = xml_text(value)
    return _xml_response(
        ET.tostring(root, xml_declaration=True, encoding="utf-8"), "application/xml"
    )


def _absolute_links(html: str) -> str:
    """Feed readers need absolute addresses for our own links and photos."""
    site = current_app.config["SITE_URL"].rstrip("/")
    return re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{site}/', html)


@bp.get("/feed.<fmt>")
@cached_page
def site_feed(fmt):
    """Every new story, as RSS 2.0 or Atom."""
    return _feed(ListScope(), fmt, "All stories")


@bp.get("/<any(section, country, region, tag, author):kind>/<slug>/feed.<fmt>")
@cached_page
def scoped_feed(kind, slug, fmt):
    """The stories of one section, country, region, tag or author, as RSS 2.0 or Atom."""
    scope = scope_for(kind, slug)
    return _feed(scope, fmt, scope.subject.name)


def _plain_text(value: str, fmt: str) -> str:
    """Plain text as the feed must carry it: XML-safe, and in RSS escaped as HTML too.

    Feed readers render RSS titles and descriptions as HTML, so "<img onerror=...>" in a
    headline would run there; escaped once more it shows as the characters it is. Atom
    says type="text" (its default for titles), which readers show as text."""
    value = xml_text(value or "")
    return html.escape(value, quote=False) if fmt == "rss" else value


def _feed(scope: ListScope, fmt: str, title: str):
    if fmt not in FORMATS:
        abort(404)

    def text(value: str) -> str:
        return _plain_text(value, fmt)

    stories = Story.latest(limit=FEED_SIZE, body=True, **scope.filters)
    if scope.subject is None:
        self_url = absolute_url("feeds.site_feed", fmt=fmt)
        page_url = absolute_url("news.home")
    else:
        self_url = absolute_url(
            "feeds.scoped_feed", kind=scope.kind, slug=scope.subject.slug, fmt=fmt
        )
        page_url = absolute(scope.url)
    feed = _new_feed(
        fmt,
        title,
        "News from every corner of Asia, around the clock.",
        (self_url, page_url),
        max((s.updated_at or s.public_at for s in stories), default=utcnow()),
    )
    feed.load_extension("media")
    for story in stories:
        entry = feed.add_entry(order="append")
        url = absolute_url("news.story", slug=story.slug)
        entry.id(absolute_url("news.by_id", ident=story.id))
        entry.guid(absolute_url("news.by_id", ident=story.id), permalink=False)
        entry.title(text(story.headline))
        entry.link(href=url)
        entry.published(story.public_at)
        entry.updated(max(story.updated_at or story.public_at, story.public_at))
        entry.summary(text(story.standfirst or story.headline), type="text")
        entry.content(
            xml_text(_absolute_links(str(render_body(story)))),
            type="CDATA" if fmt == "rss" else "html",
        )
        for author in story.authors:
            entry.author(
                {
                    "name": xml_text(author.name),
                    "uri": absolute_url("news.author", slug=author.slug),
                }
            )
        entry.category(term=xml_text(story.section.name))
        if story.hero_photo:
            photo = story.hero_photo
            width = photo.best_width(1024)
            entry.media.content(
                {
                    "url": photo_url(photo, 1024),
                    "medium": "image",
                    "type": "image/jpeg",
                    "width": str(width),
                    "height": str(photo.height_for(width)),
                }
            )
    body = _add_credits(
        _feed_body(feed, fmt), [s.hero_photo.credit if s.hero_photo else "" for s in stories]
    )
    return _xml_response(body, FORMATS[fmt])


def _new_feed(fmt: str, title: str, subtitle: str, urls: tuple[str, str], updated, lang="en"):
    """A feed's head: its title (after the site's name), where it is (`urls`: the feed's own
    address, then the page it follows), its language and when it last changed."""
    self_url, page_url = urls
    site_name = current_app.config["SITE_NAME"]
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_plain_text(f"{site_name}: {title}", fmt))
    feed.subtitle(_plain_text(subtitle, fmt) or _plain_text(title, fmt))
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(lang)
    feed.author({"name": xml_text(site_name)})
    feed.logo(absolute(url_for("static", filename="img/favicon.svg")))
    feed.updated(updated)
    return feed


def _feed_body(feed: FeedGenerator, fmt: str) -> bytes:
    return feed.rss_str(pretty=False) if fmt == "rss" else feed.atom_str(pretty=False)


@bp.get("/article/<slug>/feed.<fmt>")
@cached_page
def live_feed(slug, fmt):
    """Every update of a live page, newest first, as RSS 2.0 or Atom: one entry per post."""
    story = story_by_slug(slug) if fmt in FORMATS else None
    if story is None or not story.is_visible or not story.is_live_page:
        abort(404)
    posts = LivePost.latest(story, LIVE_FEED_SIZE)
    page_url = absolute_url("news.story", slug=story.slug)
    newest = [p.edited_at or p.posted_at for p in posts]
    feed = _new_feed(
        fmt,
        story.headline,
        story.standfirst,
        (absolute_url("feeds.live_feed", slug=story.slug, fmt=fmt), page_url),
        max([*newest, story.updated_at or story.public_at]),
        lang=story.lang,
    )
    cards, links = embed_cards(tuple(sorted({i for p in posts for i in p.embed_ids})))
    for post in posts:
        entry = feed.add_entry(order="append")
        url = f"{page_url}#{post.anchor}"
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(_plain_text(post.headline(), fmt))
        entry.link(href=url)
        entry.published(post.posted_at)
        entry.updated(post.edited_at or post.posted_at)
        body = expand_embeds(post.body_html, cards, links)
        entry.content(
            xml_text(_absolute_links(str(body))), type="CDATA" if fmt == "rss" else "html"
        )
        if post.author is not None and post.author.name:
            entry.author({"name": xml_text(post.author.name)})
    return _xml_response(_feed_body(feed, fmt), FORMATS[fmt])


@bp.get("/corrections/feed.<fmt>")
@cached_page
def corrections_feed(fmt):
    """Every correction we publish, newest first, as RSS 2.0 or Atom, linking to its story."""
    if fmt not in FORMATS:
        abort(404)
    corrections = StoryUpdate.corrections_page(limit=FEED_SIZE).rows
    feed = _new_feed(
        fmt,
        "corrections",
        "When we get something wrong we correct it openly.",
        (absolute_url("feeds.corrections_feed", fmt=fmt), absolute_url("news.corrections")),
        max((c.at for c in corrections), default=utcnow()),
    )
    for correction in corrections:
        story = correction.story
        entry = feed.add_entry(order="append")
        url = absolute_url("news.story", slug=story.slug, _anchor="updates")
        ident = f"{absolute_url('news.corrections')}#correction-{correction.id}"
        entry.id(ident)
        entry.guid(ident, permalink=False)
        entry.title(_plain_text(f"Correction: {story.headline}", fmt))
        entry.link(href=url)
        entry.published(correction.at)
        entry.updated(correction.at)
        entry.summary(_plain_text(correction.text, fmt), type="text")
    return _xml_response(_feed_body(feed, fmt), FORMATS[fmt])


MEDIA_NS = "http://search.yahoo.com/mrss/"


def _add_credits(body: bytes, credits: list[str]) -> bytes:
    """Give each lead photo its photographer's credit (feedgen has no media:credit)."""
    from lxml import etree

    root = etree.fromstring(body)  # noqa: S320 - parsing the XML we just generated
    entries = root.findall("channel/item") or root.findall("{http://www.w3.org/2005/Atom}entry")
    for entry, credit in zip(entries, credits, strict=False):
        if credit and entry.find(f".//{{{MEDIA_NS}}}content") is not None:
            element = etree.SubElement(entry, f"{{{MEDIA_NS}}}credit", role="photographer")
            element.text = xml_text(credit)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


# --- sitemaps -------------------------------------------------------------------------------------


def _month_expression():
    """The month (UTC) a story went live in: the month of the sitemap file that lists it."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(Story.live_at, "YYYY-MM")
    return sa.func.strftime("%Y-%m", Story.live_at)


@bp.get("/sitemap.xml")
@cached_page
def sitemap_index():
    """The sitemap index: one article sitemap per month, and one for every list page."""
    month = _month_expression()
    rows = db.session.execute(
        sa.select(month.label("month"), sa.func.count(), sa.func.max(Story.published_at))
        .where(Story.visible())
        .group_by(month)
        .order_by(month.desc())
    ).all()
    root = ET.Element("sitemapindex", xmlns=SM_NS)
    _sitemap_entry(root, absolute_url("feeds.sitemap_pages"), None)
    for month_key, count, newest in rows:
        for page in range(1, (count - 1) // SITEMAP_MAX + 2):
            _sitemap_entry(
                root, absolute_url("feeds.sitemap_month", month=month_key, page=page), newest
            )
    return _sitemap_response(root)


def _sitemap_entry(root, loc: str, lastmod) -> None:
    entry = ET.SubElement(root, "sitemap")
    ET.SubElement(entry, "loc").text = loc
    if lastmod is not None:
        ET.SubElement(entry, "lastmod").text = lastmod.isoformat(timespec="seconds")


@bp.get("/sitemaps/articles-<month>-<int:page>.xml")
@cached_page
def sitemap_month(month, page):
    """Every published story of one month (at most 50,000 a file)."""
    if not re.fullmatch(r"\d{4}-\d{2}", month) or page < 1:
        abort(404)
    year, number = int(month[:4]), int(month[5:])
    if not 1 <= year <= 9998 or not 1 <= number <= 12:
        abort(404)
    # A range of live_at, oldest first: a walk of ix_articles_live (live_at, id), where a
    # month worked out from each story's time had every visible story read and sorted.
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    rows = db.session.execute(
        sa.select(Story.slug, Story.published_at, Story.updated_at)
        .where(Story.live_at >= start, Story.live_at < end, Story.visible())
        .order_by(Story.live_at, Story.id)
        .offset((page - 1) * SITEMAP_MAX)
        .limit(SITEMAP_MAX)
    ).all()
    if not rows:
        abort(404)
    root = ET.Element("urlset", xmlns=SM_NS)
    for slug, published, updated in rows:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = absolute_url("news.story", slug=slug)
        ET.SubElement(url, "lastmod").text = (updated or published).isoformat(timespec="seconds")
    return _sitemap_response(root)


@bp.get("/sitemaps/pages.xml")
@cached_page
def sitemap_pages():
    """The front page, every section, region, country, tag and author page, and the site's pages."""
    root = ET.Element("urlset", xmlns=SM_NS)
    locs = [
        absolute_url(e)
        for e in ("news.home", "news.latest", "pages.about", "pages.contact", "news.corrections")
    ]
    lists = (
        (Section, "news.section"),
        (Region, "news.region"),
        (Country, "news.country"),
        (Tag, "news.tag"),
        (Author, "news.author"),
    )
    for model, endpoint in lists:
        query = sa.select(model.slug).where(Tag.public()) if model is Tag else sa.select(model.slug)
        locs += [absolute_url(endpoint, slug=s) for s in db.session.scalars(query)]
    for loc in locs:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = loc
    return _sitemap_response(root)


@bp.get("/news-sitemap.xml")
@cached_page
def news_sitemap():
    """Google News: our own stories first published in the last 48 hours (at most 1,000)."""
    since = utcnow() - timedelta(hours=48)
    stories = (
        db.session.scalars(
            sa.select(Story)
            .where(Story.visible(), Story.live_at >= since, Story.source_name == "")
            .options(*Story.card_options())
            .order_by(Story.live_at.desc(), Story.id.desc())
            .limit(NEWS_MAX)
        )
        .unique()
        .all()
    )
    root = ET.Element("urlset", {"xmlns": SM_NS, "xmlns:news": NEWS_NS})
    for story in stories:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = absolute_url("news.story", slug=story.slug)
        news = ET.SubElement(url, "news:news")
        publication = ET.SubElement(news, "news:publication")
        ET.SubElement(publication, "news:name").text = current_app.config["SITE_NAME"]
        ET.SubElement(publication, "news:language").text = story.lang
        ET.SubElement(news, "news:publication_date").text = story.public_at.astimezone(
            story.zone
        ).isoformat(timespec="seconds")
        ET.SubElement(news, "news:title").text = story.headline
    return _sitemap_response(root)


@bp.get("/robots.txt")
@cached_page
def robots():
    """What crawlers may read, and where the sitemaps are."""
    body = render_template("feeds/robots.txt")
    response = make_response(body)
    response.mimetype = "text/plain"
    return response
