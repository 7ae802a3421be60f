"""Being found and shared: feeds, sitemaps, structured data, partner imports, embeds."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import feedparser
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Source, Status, Story, utcnow
from tests.factories import AuthorFactory, PhotoFactory, make_story

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
CREDIT = "Illustration: Asian-News.net"


@pytest.fixture
def stories(query):
    """Three stories by two reporters: the newest, from Jakarta, with a lead photo; one from
    India that embeds it and links to a list; one from Tokyo, updated after it was published."""

    def build():
        mei, arjun = AuthorFactory(name="Mei Lin Tan"), AuthorFactory(name="Arjun Mehta")
        photo = PhotoFactory(
            width=800,
            height=450,
            alt="Illustration: traders at the Jakarta exchange",
            credit=CREDIT,
        )
        rates = make_story(
            headline="Bank Indonesia holds rates steady as rupiah steadies",
            section="business",
            countries=["indonesia"],
            dateline="JAKARTA",
            authors=[mei],
            hero_photo=photo,
        )
        now = utcnow()
        make_story(
            headline="India's grid sets a record as the heatwave lingers",
            section="technology",
            countries=["india"],
            dateline="NEW DELHI",
            tags=["Climate"],
            authors=[arjun],
            published_at=now - timedelta(hours=2),
            body="Demand peaked at noon, [the grid operator](/section/technology) said.\n\n"
            f"[[nid:{rates.id}]]",
        )
        ports = make_story(
            headline="Tokyo sets out a climate plan for its ports",
            section="politics",
            countries=["japan"],
            tags=["Climate"],
            authors=[mei],
            published_at=now - timedelta(hours=3),
            updated_at=now - timedelta(hours=1),
        )
        return SimpleNamespace(rates=rates.slug, ports=ports.slug, author=mei.slug, photo=photo.alt)

    return query(build)


# --- feeds -----------------------------------------------------------------------------------------


FEED_URLS = [
    "/feed.rss",
    "/feed.atom",
    "/section/business/feed.rss",
    "/country/japan/feed.atom",
    "/region/south-asia/feed.rss",
    "/tag/climate/feed.atom",
    "/author/{author}/feed.rss",
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_parse_cleanly_with_full_html_and_stable_ids(client, stories, url):
    response = client.get(url.format(author=stories.author))
    assert response.status_code == 200
    assert response.mimetype in ("application/rss+xml", "application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    for entry in feed.entries:
        assert re.fullmatch(r"http://asian-news\.test/n/\d+", entry.id)
        assert entry.link.startswith("http://asian-news.test/article/")
        body = entry.content[0].value if entry.get("content") else entry.summary
        assert "<script" not in body and "[[nid:" not in body
        assert 'src="/' not in body and 'href="/' not in body, "absolute links only"


def test_feed_entries_carry_the_lead_image_with_its_credit(client, stories):
    feed = feedparser.parse(client.get("/feed.rss").data)
    with_image = [e for e in feed.entries if e.get("media_content")]
    assert [e.link for e in with_image] == [f"http://asian-news.test/article/{stories.rates}"]
    assert with_image[0].media_content[0]["url"].startswith("http://asian-news.test/media/")
    assert with_image[0].media_credit[0]["content"] == CREDIT


def test_every_page_advertises_its_feeds(client):
    html = client.get("/country/japan").text
    assert 'type="application/rss+xml"' in html and 'href="/country/japan/feed.rss"' in html
    assert 'href="/feed.atom"' in client.get("/about").text


def test_feed_updated_only_changes_with_a_substantive_update(client, stories):
    entries = feedparser.parse(client.get("/feed.atom").data).entries
    by_slug = {e.link.rsplit("/", 1)[1]: e for e in entries}
    assert by_slug[stories.rates].updated == by_slug[stories.rates].published
    ports = by_slug[stories.ports]
    assert ports.updated_parsed > ports.published_parsed, "the update is shown"


# --- sitemaps and robots -------------------------------------------------------------------------


def test_sitemap_index_lists_monthly_article_sitemaps_and_pages(client, query):
    def build():
        now = utcnow()
        # 40 days apart: each story in a month of its own.
        visible = [
            make_story(published_at=now - timedelta(days=days, minutes=1)).slug
            for days in (0, 40, 80)
        ]
        make_story(headline="A draft the sitemap must not show", status=Status.DRAFT.value)
        make_story(status=Status.SCHEDULED.value, published_at=now + timedelta(hours=1))
        return visible, AuthorFactory().slug

    visible, author = query(build)
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [e.text for e in root.iter(f"{SM}loc")]
    assert "http://asian-news.test/sitemaps/pages.xml" in locs
    months = [loc for loc in locs if re.search(r"/sitemaps/articles-\d{4}-\d\d-1\.xml$", loc)]
    assert len(months) == 3
    listed = []
    for loc in months:
        urls = ET.fromstring(client.get(loc.replace("http://asian-news.test", "")).data)
        listed += [e.text for e in urls.iter(f"{SM}loc")]
    assert sorted(listed) == sorted(f"http://asian-news.test/article/{s}" for s in visible)
    pages = ET.fromstring(client.get("/sitemaps/pages.xml").data)
    page_locs = {e.text for e in pages.iter(f"{SM}loc")}
    assert (
        "http://asian-news.test/country/japan" in page_locs
        and f"http://asian-news.test/author/{author}" in page_locs
    )


def test_news_sitemap_follows_google_news_rules(client, query):
    def build():
        make_story(headline="Seoul unveils a new chip fund", countries=["south-korea"])
        make_story(headline="Kyoto limits tour buses")
        old = utcnow() - timedelta(hours=50)
        make_story(headline="An old story from three days ago", published_at=old)
        make_story(
            headline="Pyongyang rejects talks, a partner reports",
            source_name="asiaone.com",
            source_url="https://www.asiaone.com/asia",
        )

    query(build)
    root = ET.fromstring(client.get("/news-sitemap.xml").data)
    entries = list(root.iter(f"{SM}url"))
    assert 0 < len(entries) <= 1000
    locs = [e.find(f"{SM}loc").text for e in entries]
    assert sorted(locs) == [
        "http://asian-news.test/article/kyoto-limits-tour-buses",
        "http://asian-news.test/article/seoul-unveils-a-new-chip-fund",
    ]
    assert not any("an-old-story" in loc for loc in locs), "only the last 48 hours"
    assert not any("pyongyang-rejects" in loc for loc in locs), "syndicated copies excluded"
    for entry in entries:
        news = entry.find(f"{NEWS}news")
        assert news.find(f"{NEWS}publication/{NEWS}name").text == "Asian-News.net"
        assert news.find(f"{NEWS}publication/{NEWS}language").text
        when = datetime.fromisoformat(news.find(f"{NEWS}publication_date").text)
        assert when.utcoffset() is not None and utcnow() - when <= timedelta(hours=48)
        assert news.find(f"{NEWS}title").text


def test_robots_keeps_admin_out_and_lists_the_sitemaps(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://asian-news.test/sitemap.xml" in text
    assert "Sitemap: http://asian-news.test/news-sitemap.xml" in text


# --- metadata and structured data -----------------------------------------------------------------


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_article_has_news_article_json_ld_open_graph_and_robots(client, stories):
    html = client.get(f"/article/{stories.rates}").text
    [article, crumbs] = json_ld(html)
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Bank Indonesia holds rates steady as rupiah steadies"
    assert article["datePublished"].endswith("+07:00"), "offset of the dateline country"
    assert article["author"][0]["@type"] == "Person" and article["author"][0]["url"].endswith(
        f"/author/{stories.author}"
    )
    assert article["articleSection"] == "Business" and article["dateline"] == "JAKARTA"
    assert article["contentLocation"] == [{"@type": "Country", "name": "Indonesia"}]
    assert article["image"][0]["url"].startswith("http://asian-news.test/media/")
    publisher = article["publisher"]
    assert (
        publisher["@type"] == "NewsMediaOrganization"
        and publisher["legalName"] == "SNOWLAND s.r.o."
    )
    assert publisher["identifier"]["value"] == "06691200"
    assert publisher["address"]["streetAddress"] == "Na okraji 381/41"
    assert (
        crumbs["@type"] == "BreadcrumbList" and crumbs["itemListElement"][1]["name"] == "Business"
    )
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:image:alt" content="{stories.photo}">' in html
    assert '<meta property="article:section" content="Business">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta name="robots" content="max-image-preview:large">' in html


def test_multi_author_story_lists_every_author(client, query):
    query(
        lambda: make_story(
            headline="Two reporters on the Mekong dams", authors=AuthorFactory.create_batch(2)
        )
    )
    [article, _] = json_ld(client.get("/article/two-reporters-on-the-mekong-dams").text)
    assert len(article["author"]) == 2 and all(a["@type"] == "Person" for a in article["author"])
    html = client.get("/article/two-reporters-on-the-mekong-dams").text
    assert html.count('property="article:author"') == 2


def test_syndicated_story_is_marked_as_based_on_its_source(client, query):
    def build():
        return make_story(
            headline="Pyongyang rejects Tokyo offer of talks",
            source_name="asiaone.com",
            source_url="https://www.asiaone.com/asia",
        ).slug

    slug = query(build)
    [article, _] = json_ld(client.get(f"/article/{slug}").text)
    assert article["isBasedOn"] == "https://www.asiaone.com/asia"
    assert article["sourceOrganization"]["name"] == "asiaone.com"


def test_author_pages_are_profile_pages_and_lists_have_breadcrumbs(client, query):
    author = query(lambda: AuthorFactory(name="Hana Kobayashi").slug)
    data = json_ld(client.get(f"/author/{author}").text)
    assert {d["@type"] for d in data} == {"BreadcrumbList", "ProfilePage"}
    crumbs = json_ld(client.get("/country/japan").text)[0]
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Home", "East Asia", "Japan"]


# --- partner syndication ---------------------------------------------------------------------------


def test_import_sanitizes_attributes_and_deduplicates(runner, client, query):
    result = runner.invoke(
        args=[
            "feeds",
            "import",
            str(FEEDS / "partner.rss"),
            "--source",
            "Partner Wire",
            "--site-url",
            "https://partner.example/",
            "--policy",
            "full-noindex",
            "--publish",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 1 skipped." in result.output
    again = runner.invoke(
        args=[
            "feeds",
            "import",
            str(FEEDS / "partner.rss"),
            "--source",
            "Partner Wire",
            "--publish",
        ]
    )
    assert "0 new, 0 updated, 3 skipped." in again.output

    html = client.get("/article/ferry-services-resume-between-batam-and-singapore").text
    assert "Ferries ran again on Friday" in html
    assert "alert(" not in html and "onclick" not in html and "evil.example" not in html
    assert 'Read more on <a href="https://partner.example/2026/11/ferry-services-resume"' in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'href="/country/singapore"' in html and 'href="/section/business"' in html
    news = client.get("/news-sitemap.xml").text
    assert "ferry-services-resume" not in news, "syndicated copies never enter the news sitemap"


def test_excerpt_policy_keeps_only_an_excerpt(runner, client):
    runner.invoke(
        args=[
            "feeds",
            "import",
            str(FEEDS / "partner.atom"),
            "--source",
            "Atom Partner",
            "--publish",
        ]
    )
    html = client.get("/article/hanoi-metro-adds-night-trains-for-the-holiday").text
    assert "Night trains will run until 1am." in html
    assert "<img" not in html.split('class="story__body')[1].split("</div>")[0]
    assert '<meta name="robots" content="max-image-preview:large">' in html


def test_canonical_policy_points_to_the_original(runner, client):
    runner.invoke(
        args=[
            "feeds",
            "import",
            str(FEEDS / "partner.atom"),
            "--source",
            "Canon",
            "--policy",
            "full-canonical",
            "--publish",
        ]
    )
    html = client.get("/article/hanoi-metro-adds-night-trains-for-the-holiday").text
    assert '<link rel="canonical" href="https://partner.example/hanoi-night-trains">' in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion-laughs.xml", "declares XML entities"),
        ("broken.xml", "not valid XML"),
        ("missing.xml", "No such file"),
    ],
)
def test_hostile_or_broken_feeds_import_nothing(runner, query, name, message):
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story)))
    result = runner.invoke(args=["feeds", "import", str(FEEDS / name), "--source", "Hostile"])
    assert result.exit_code != 0
    assert message in result.output and "Nothing was imported." in result.output
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story))) == before
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Source))) == 0


def test_huge_feeds_are_refused_before_parsing(runner, tmp_path):
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:
        handle.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>')
        handle.write(b"<!-- padding -->" * (11 * 1024 * 1024 // 16))
        handle.write(b"</channel></rss>")
    result = runner.invoke(args=["feeds", "import", str(huge), "--source", "Huge"])
    assert result.exit_code != 0 and "larger than 10 MB" in result.output


def test_editors_see_which_stories_embed_a_story(editor, query):
    def build():
        embedded = make_story(headline="Why a summit between Tokyo and Pyongyang keeps slipping")
        make_story(headline="Pyongyang rejects Tokyo offer of talks", body=f"[[nid:{embedded.id}]]")
        make_story(headline="Tokyo stocks close higher")
        return embedded.id

    ident = query(build)
    page = editor.get(f"/admin/stories/{ident}").text
    assert "Pyongyang rejects" in page
    assert "Tokyo stocks close higher" not in page
