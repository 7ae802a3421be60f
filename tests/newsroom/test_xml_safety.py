"""What feeds and sitemaps carry: text as text, any stored character, and only what readers may see."""

from __future__ import annotations

import html
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Author, Photo, Section, Status, Story, Tag, utcnow
from tests.factories import make_story
from tests.helpers import sign_in

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

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


@pytest.mark.parametrize(
    "url", ["/feed.rss", "/section/politics/feed.rss", "/tag/typhoons/feed.rss"]
)
def test_rss_carries_headlines_and_standfirsts_as_text(client, query, url):
    query(_hostile_story)
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    item = _rss_item(root, "typhoon-warning")
    assert shown_by_reader(item.findtext("title")) == HEADLINE
    assert shown_by_reader(item.findtext("description")) == STANDFIRST
    channel_title = shown_by_reader(root.findtext("channel/title"))
    if url.startswith("/tag/"):
        assert channel_title == f"Asian-News.net: {TAG_NAME}"


@pytest.mark.parametrize(
    "url", ["/feed.atom", "/section/politics/feed.atom", "/tag/typhoons/feed.atom"]
)
def test_atom_says_its_titles_and_summaries_are_text(client, query, url):
    query(_hostile_story)
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    entry = _atom_entry(root, "typhoon-warning")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title.get("type", "text") == "text" and title.text == HEADLINE
    assert summary.get("type", "text") == "text" and summary.text == STANDFIRST
    feed_title = root.find(f"{ATOM}title")
    assert feed_title.get("type", "text") == "text"
    if url.startswith("/tag/"):
        assert feed_title.text == f"Asian-News.net: {TAG_NAME}"


def test_plain_headlines_read_the_same_in_rss(client, query):
    """Escaping for readers does not double-escape: "AT&T" shows as AT&T, quotes as quotes."""
    query(lambda: make_story(headline='AT&T\'s "big" deal lands in Seoul', slug="att-deal"))
    item = _rss_item(ET.fromstring(client.get("/feed.rss").data), "att-deal")
    assert shown_by_reader(item.findtext("title")) == 'AT&T\'s "big" deal lands in Seoul'


# --- one control character must not break every feed ------------------------------------------

FORBIDDEN = ["\x0b", "\x0c", "\x08", "\x1f", "\ufffe", "\uffff"]

# field -> how to put a forbidden character into it directly (bypassing every input filter)
FIELDS = {
    "headline": (Story, "headline"),
    "standfirst": (Story, "standfirst"),
    "credit": (Photo, "credit"),
    "alt": (Photo, "alt"),
    "caption": (Photo, "caption"),
    "author name": (Author, "name"),
    "tag name": (Tag, "name"),
    "section name": (Section, "name"),
    "language": (Story, "lang"),
    "body": (Story, "body_html"),
}

XML_URLS = [
    "/feed.rss",
    "/feed.atom",
    "/section/politics/feed.rss",
    "/section/politics/feed.atom",
    "/tag/typhoons/feed.rss",
    "/tag/typhoons/feed.atom",
    "/author/{author}/feed.rss",
    "/author/{author}/feed.atom",
    "/country/japan/feed.rss",
    "/news-sitemap.xml",
    "/sitemap.xml",
    "/sitemaps/pages.xml",
]


def _story_with_everything():
    """A fresh published story with a photo, an author and a tag; returns the ids to corrupt."""
    story = make_story(headline="Typhoon nears Okinawa", slug="typhoon-nears-okinawa")
    story.hero_photo = db.session.scalar(sa.select(Photo).order_by(Photo.id).limit(1))
    story.hero_photo.credit = "Photo: Asian-News.net"
    story.authors = [db.session.scalar(sa.select(Author).order_by(Author.id).limit(1))]
    story.tags = [Tag(slug="typhoons", name="Typhoons")]
    db.session.commit()
    return {
        Story: story.id,
        Photo: story.hero_photo_id,
        Author: story.authors[0].id,
        Tag: story.tags[0].id,
        Section: story.section_id,
        "author": story.authors[0].slug,
    }


@pytest.mark.parametrize("char", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("field", FIELDS)
def test_a_stored_control_character_breaks_no_feed_or_sitemap(client, query, field, char):
    ids = query(_story_with_everything)
    model, column = FIELDS[field]

    def corrupt():
        current = db.session.scalar(sa.select(getattr(model, column)).where(model.id == ids[model]))
        value = f"{current[:3]}{char}{current[3:]}"
        db.session.execute(sa.update(model).where(model.id == ids[model]).values({column: value}))
        db.session.commit()

    query(corrupt)
    for url in XML_URLS:
        response = client.get(url.format(author=ids["author"]))
        assert response.status_code == 200, url
        root = ET.fromstring(response.data)  # a strict XML 1.0 parser: raises on any bad character
        assert char not in ET.tostring(root, encoding="unicode"), url
    links = [i.findtext("link") for i in ET.fromstring(client.get("/feed.rss").data).iter("item")]
    assert "http://asian-news.test/article/typhoon-nears-okinawa" in links, "the story stays in"


# --- ...and never gets in through the admin, the command line or a partner feed ----------------

STORY_FORM = {
    "standfirst": "Hundreds of villages are cut off.",
    "dateline": "Guwahati",
    "dateline_country": "23",
    "body": "Floodwater covered the tracks on Tuesday.",
    "kind": "news",
    "section": "1",
    "countries": ["23"],
    "authors": ["2"],
    "lang": "en",
    "hero_photo": "0",
    "revision": "0",
    "action": "publish",
}


@pytest.mark.parametrize("char", [*FORBIDDEN, "\x01"], ids=lambda c: f"U+{ord(c):04X}")
def test_the_admin_stores_text_without_forbidden_characters(editor, query, char):
    data = {
        **STORY_FORM,
        "headline": f"Monsoon{char} floods cut rail links",
        "standfirst": f"Villages{char} are cut off.",
        "body": f"Floodwater{char} covered the tracks.",
        "tags": f"Mon{char}soon",
    }
    response = editor.post("/admin/stories/new", data=data)
    assert response.status_code == 303, response.text
    story = query(
        lambda: db.session.scalar(
            sa.select(Story).where(Story.headline.like("Monsoon%floods cut rail links"))
        )
    )
    assert story is not None
    texts = query(
        lambda: [
            *db.session.execute(
                sa.select(Story.headline, Story.standfirst, Story.body_md, Story.body_html).where(
                    Story.id == story.id
                )
            ).one(),
            *db.session.scalars(sa.select(Tag.name).where(Tag.name.like("Mon%"))),
        ]
    )
    assert len(texts) == 5 and not any(char in t for t in texts), texts
    for url in ("/feed.rss", "/feed.atom", "/news-sitemap.xml"):
        ET.fromstring(editor.get(url).data)


def test_a_refused_story_form_comes_back_without_forbidden_characters(editor):
    data = {**STORY_FORM, "headline": "Monsoon\x0b floods\x08 cut rail links", "slug": "Not A Slug"}
    response = editor.post("/admin/stories/new", data=data)
    assert response.status_code == 422
    assert 'value="Monsoon  floods cut rail links"' in response.text
    assert "\x0b" not in response.text and "\x08" not in response.text


def test_a_photo_credit_is_stored_without_forbidden_characters(editor, query):
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (180, 40, 30)).save(buffer, "JPEG")
    response = editor.post(
        "/admin/photos",
        data={
            "photo-photo": (io.BytesIO(buffer.getvalue()), "p.jpg"),
            "photo-alt": "Rice\x0bterraces",
            "photo-caption": "Dawn\x08 light",
            "photo-credit": "Photo:\x0b Staff\ufffe",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 201, 303), response.text
    alt, caption, credit = query(
        lambda: db.session.execute(
            sa.select(Photo.alt, Photo.caption, Photo.credit).order_by(Photo.id.desc()).limit(1)
        ).one()
    )
    assert (alt, caption, credit) == ("Rice terraces", "Dawn light", "Photo:  Staff")


def test_taxonomy_names_are_stored_without_forbidden_characters(client, query, newsroom):
    sign_in(client, "admin")
    response = client.post(
        "/admin/taxonomy/authors",
        data={"name": "Hana\x0bKobayashi\x1f", "slug": "hana-k", "description": "Bio\x08."},
    )
    assert response.status_code == 303
    assert query(
        lambda: db.session.execute(
            sa.select(Author.name, Author.bio).where(Author.slug == "hana-k")
        ).one()
    ) == ("Hana Kobayashi", "Bio.")


@pytest.mark.parametrize(
    "char", ["\x08", "\ufffe", "\udcff", "\x00"], ids=lambda c: f"U+{ord(c):04X}"
)
def test_the_command_line_stores_text_without_forbidden_characters(runner, query, char):
    from newsroom.models import TickerItem, User

    added = runner.invoke(args=["ticker", "add", f"Quake{char} hits Taiwan"])
    assert added.exit_code == 0, added.output
    created = runner.invoke(
        args=[
            "users",
            "create",
            "cli@asian-news.test",
            "--role",
            "writer",
            "--name",
            f"Mei{char} Lin",
            "--password-stdin",
        ],
        input="a long and unusual passphrase for tests\n",
    )
    assert created.exit_code == 0, created.output
    texts = query(
        lambda: [
            *db.session.scalars(sa.select(TickerItem.text).where(TickerItem.text.like("Quake%"))),
            *db.session.scalars(sa.select(User.name).where(User.email == "cli@asian-news.test")),
        ]
    )
    assert texts == ["Quake hits Taiwan", "Mei Lin"]


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
    [
        (Status.DRAFT.value, timedelta(minutes=-5)),
        (Status.SCHEDULED.value, timedelta(hours=3)),
        (Status.REVIEW.value, timedelta(minutes=-5)),
        (Status.UNPUBLISHED.value, timedelta(days=-1)),
    ],
)
def test_a_tag_only_on_unpublished_stories_is_not_public(client, query, status, offset):
    query(_tagged(status, utcnow() + offset, "secret-merger"))
    for url in _tag_urls("secret-merger"):
        assert client.get(url).status_code == 404, url
    assert "http://asian-news.test/tag/secret-merger" not in _pages_sitemap(client)


def test_a_tag_becomes_public_when_its_story_is_published(client, query):
    ident = query(_tagged(Status.DRAFT.value, None, "port-strike"))
    assert client.get("/tag/port-strike").status_code == 404  # now in the page cache too

    def publish():
        story = db.session.get(Story, ident)
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
        db.session.get(Story, ident).published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    query(time_comes)
    assert client.get("/tag/summit-date").status_code == 200
    assert "http://asian-news.test/tag/summit-date" in _pages_sitemap(client)
