"""Being found: search in every script, feeds, sitemaps, structured data, partner imports."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Source, Status, Story, utcnow
from tests.factories import make_story

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def found(client, q, **params):
    html = client.get("/search", query_string={"q": q, **params}).text
    return re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', html), html


# --- search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "headline"),
    [
        ("monsoon", "India&#39;s grid sets a record"),
        ("Rupiah", "Bank Indonesia holds rates steady"),
        ("开源大模型", "中国科技公司竞相发布开源大模型"),
        ("備蓄米", "コメ価格の高騰続く"),
        ("웹툰 해외", "한국 웹툰, 해외 매출 사상 최대 기록"),
        ("เยาวราช", "กรุงเทพฯ จัดระเบียบแผงลอยย่านเยาวราช"),
    ],
)
def test_search_finds_stories_in_every_script(client, query, headline):
    slugs, html = found(client, query)
    assert slugs, f"nothing found for {query}"
    assert headline in html
    assert "<mark>" in html


def test_one_and_two_character_cjk_queries_fall_back_to_substring_search(client):
    for query in ("米", "웹툰", "大模"):
        slugs, html = found(client, query)
        assert slugs, query
        assert f"<mark>{query}</mark>" in html


@pytest.mark.case("S02")
def test_S02_matches_are_marked_in_an_escaped_snippet(client):
    slugs, html = found(client, "tracking chip")
    assert any("everest" in s for s in slugs)
    assert re.search(
        r"<mark>tracking</mark> <mark>chip</mark>|<mark>tracking chip</mark>", html, re.I
    )


def test_every_term_must_match(client):
    assert found(client, "Everest chip")[0]
    assert not found(client, "Everest rupiah")[0]


@pytest.mark.case("S02", "S25")
@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "NEAR(a b)",
        "a AND OR NOT b",
        "(((",
        "rupiah)",
        "x" * 2000,
        "\x00\x01\x1f",
        "🇯🇵🎌",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\\",
        "%_%",
        "title:abc",
        "^rate",
        "-",
    ],
)
def test_S02_S25_hostile_queries_get_results_or_a_friendly_no_results(client, query, htmx):
    for headers in ({}, htmx):
        response = client.get("/search", query_string={"q": query}, headers=headers)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text


def test_empty_query_shows_the_form(client):
    html = client.get("/search").text
    assert 'id="search-form"' in html and "Type a word or a name" in html


def test_unpublished_and_edited_stories_stay_in_step_with_search(client, query):
    ident = query(lambda: make_story(headline="Kyoto temple opens moss garden at night").id)
    assert found(client, "moss garden")[0] == ["kyoto-temple-opens-moss-garden-at-night"]

    def edit():
        story = db.session.get(Story, ident)
        story.headline = "Kyoto temple opens lantern walk at night"
        db.session.commit()

    query(edit)
    assert found(client, "moss garden")[0] == []
    assert found(client, "lantern walk")[0]

    def unpublish():
        db.session.get(Story, ident).status = Status.UNPUBLISHED.value
        db.session.commit()

    query(unpublish)
    assert found(client, "lantern walk")[0] == []


def test_search_filters_by_section_country_and_date(client, query):
    japan = query(lambda: db.session.scalar(sa.text("select id from countries where slug='japan'")))
    business = query(
        lambda: db.session.scalar(sa.text("select id from sections where slug='business'"))
    )

    def filed_under(slugs):
        stories = db.session.scalars(sa.select(Story).where(Story.slug.in_(slugs))).all()
        return {s.slug: ({c.slug for c in s.countries}, s.section.slug) for s in stories}

    everywhere = query(lambda: filed_under(found(client, "the")[0]))
    assert any("japan" not in c for c, _ in everywhere.values()), "the filter has work to do"
    assert any(section != "business" for _, section in everywhere.values())
    slugs, _ = found(client, "the", country=japan)
    assert slugs and all("japan" in c for c, _ in query(lambda: filed_under(slugs)).values())
    slugs_business, _ = found(client, "the", section=business)
    assert slugs_business
    assert {s for _, s in query(lambda: filed_under(slugs_business)).values()} == {"business"}
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert found(client, "the", **{"from": tomorrow})[0] == []
    assert client.get("/search", query_string={"q": "x", "from": "not-a-date"}).status_code == 400
    assert client.get("/search", query_string={"q": "x", "section": "abc"}).status_code == 400


def test_search_pages_with_infinite_scroll_and_as_you_type_fragments(client, htmx):
    page = client.get("/search?q=the").text
    more = re.search(r'href="(/search\?[^"]*start=12[^"]*)"', page)
    assert more, "a More results link"
    fragment = client.get(more.group(1).replace("&amp;", "&"), headers=htmx)
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith("<li")
    live = client.get("/search?q=rupiah", headers=htmx)
    assert live.text.lstrip().startswith('<section id="search-results"')


# --- feeds -----------------------------------------------------------------------------------------


FEED_URLS = [
    "/feed.rss",
    "/feed.atom",
    "/section/business/feed.rss",
    "/country/japan/feed.atom",
    "/region/south-asia/feed.rss",
    "/tag/climate/feed.atom",
    "/author/joon-park/feed.rss",
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_parse_cleanly_with_full_html_and_stable_ids(client, url):
    response = client.get(url)
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


def test_feed_entries_carry_the_lead_image_with_its_credit(client):
    feed = feedparser.parse(client.get("/feed.rss").data)
    with_image = [e for e in feed.entries if e.get("media_content")]
    assert with_image
    assert with_image[0].media_content[0]["url"].startswith("http://asian-news.test/media/")
    assert with_image[0].media_credit[0]["content"] == "Illustration: Asian-News.net"


def test_every_page_advertises_its_feeds(client):
    html = client.get("/country/japan").text
    assert 'type="application/rss+xml"' in html and 'href="/country/japan/feed.rss"' in html
    assert 'href="/feed.atom"' in client.get("/about").text


def test_feed_updated_only_changes_with_a_substantive_update(client, query):
    first = feedparser.parse(client.get("/feed.atom").data).entries[0]
    assert first.updated == first.published


# --- sitemaps and robots -------------------------------------------------------------------------


def test_sitemap_index_lists_monthly_article_sitemaps_and_pages(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [e.text for e in root.iter(f"{SM}loc")]
    assert "http://asian-news.test/sitemaps/pages.xml" in locs
    months = [loc for loc in locs if re.search(r"/sitemaps/articles-\d{4}-\d\d-1\.xml$", loc)]
    assert months
    total = 0
    for loc in months:
        urls = ET.fromstring(client.get(loc.replace("http://asian-news.test", "")).data)
        total += len(list(urls.iter(f"{SM}url")))
    assert total >= 50
    pages = ET.fromstring(client.get("/sitemaps/pages.xml").data)
    page_locs = {e.text for e in pages.iter(f"{SM}loc")}
    assert (
        "http://asian-news.test/country/japan" in page_locs
        and "http://asian-news.test/author/joon-park" in page_locs
    )


def test_news_sitemap_follows_google_news_rules(client, query):
    old = utcnow() - timedelta(hours=50)
    query(lambda: make_story(headline="An old story from three days ago", published_at=old))
    root = ET.fromstring(client.get("/news-sitemap.xml").data)
    entries = list(root.iter(f"{SM}url"))
    assert 0 < len(entries) <= 1000
    locs = [e.find(f"{SM}loc").text for e in entries]
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


def test_article_has_news_article_json_ld_open_graph_and_robots(client):
    html = client.get("/article/bank-indonesia-holds-rates-steady-as-rupiah-steadies").text
    [article, crumbs] = json_ld(html)
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Bank Indonesia holds rates steady as rupiah steadies"
    assert article["datePublished"].endswith("+07:00"), "offset of the dateline country"
    assert article["author"][0]["@type"] == "Person" and article["author"][0]["url"].endswith(
        "/author/mei-lin-tan"
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
    assert '<meta property="og:image:alt" content="Illustration:' in html
    assert '<meta property="article:section" content="Business">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta name="robots" content="max-image-preview:large">' in html


def test_multi_author_story_lists_every_author(client, query):
    def two_authors():
        from newsroom.models import Author

        story = make_story(headline="Two reporters on the Mekong dams")
        story.authors = list(db.session.scalars(sa.select(Author).limit(2)))
        db.session.commit()

    query(two_authors)
    [article, _] = json_ld(client.get("/article/two-reporters-on-the-mekong-dams").text)
    assert len(article["author"]) == 2 and all(a["@type"] == "Person" for a in article["author"])
    html = client.get("/article/two-reporters-on-the-mekong-dams").text
    assert html.count('property="article:author"') == 2


def test_syndicated_story_is_marked_as_based_on_its_source(client):
    [article, _] = json_ld(
        client.get("/article/pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls").text
    )
    assert article["isBasedOn"] == "https://www.asiaone.com/asia"
    assert article["sourceOrganization"]["name"] == "asiaone.com"


def test_author_pages_are_profile_pages_and_lists_have_breadcrumbs(client):
    data = json_ld(client.get("/author/hana-kobayashi").text)
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
    ident = query(
        lambda: db.session.scalar(sa.select(Story.id).where(Story.slug.like("why-a-japan%")))
    )
    assert "Pyongyang rejects" in editor.get(f"/admin/stories/{ident}").text


# --- rich media --------------------------------------------------------------------------------

VIDEO_STORY = "/article/inside-the-japanese-care-home-where-robots-lift-the-patients"


def test_video_stories_show_a_facade_that_contacts_no_video_host(client):
    html = client.get(VIDEO_STORY).text
    facade = html.split('id="video-player"')[1].split("</figure>")[0]
    assert "<iframe" not in html and "youtube-nocookie" not in html
    assert 'hx-get="' + VIDEO_STORY + '/video"' in facade
    assert 'href="https://www.youtube.com/watch?v=aqz-KE-bpKQ"' in facade, (
        "works without JavaScript"
    )
    assert 'src="/media/' in facade, "the poster is our own image"


def test_pressing_play_swaps_in_the_privacy_enhanced_player(client, htmx):
    fragment = client.get(VIDEO_STORY + "/video", headers=htmx)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"' in fragment.text
    assert 'title="Video: Inside the Japanese care home' in fragment.text
    assert "<html" in client.get(VIDEO_STORY + "/video").text
    assert (
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
        in fragment.headers["Content-Security-Policy"]
    )
    assert (
        client.get(
            "/article/bank-indonesia-holds-rates-steady-as-rupiah-steadies/video"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://youtu.be/aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("http://www.youtube.com/watch?v=aqz-KE-bpKQ", None),
        ("https://evil.example/watch?v=aqz-KE-bpKQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("javascript:alert(1)", None),
        ("https://vimeo.com/abc", None),
    ],
)
def test_only_allowed_video_hosts_become_players(url, player):
    from newsroom.video import embed_url

    assert embed_url(url) == player


def test_photo_stories_have_a_gallery_that_works_without_javascript(client):
    html = client.get("/article/mosuls-rebuilt-minaret-reopens-to-visitors").text
    gallery = html.split('class="gallery"')[1].split("</section>")[0]
    assert gallery.count('class="gallery__item"') == 4
    assert 'href="#photo-4"' in gallery and "4 of 4." in gallery
    assert 'tabindex="0"' in gallery, "keyboard users can scroll the strip"
