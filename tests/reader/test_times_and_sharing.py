"""Issue 15, parts 5, 8 and 9 as the HTML says them: times labelled so a reader anywhere in Asia
reads them right, share links that are plain links to each network, reading time, and picture
`sizes` that follow each slot's layout."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from newsroom import zones
from tests.factories import PhotoFactory, make_story
from web.templating import reader_time, reading_minutes

HEADLINE = 'Seoul & Tokyo agree "hotline" <for> crises'


def doc_of(client, url):
    return lxml.html.fromstring(client.get(url).text)


def story_url(client, query, **fields):
    slug = query(lambda: make_story(**fields).slug)
    return f"/article/{slug}"


# --- times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Manila", "UTC+8"),  # the zone database says "PST": US Pacific to most readers
        ("Asia/Shanghai", "UTC+8"),  # "CST": China, Cuba and US Central
        ("Asia/Taipei", "UTC+8"),
        ("Asia/Kolkata", "UTC+5:30"),
        ("Asia/Kathmandu", "UTC+5:45"),
        ("Asia/Tehran", "UTC+3:30"),
        ("Asia/Seoul", "UTC+9"),
        ("UTC", "UTC"),
    ],
)
def test_readers_see_every_zone_labelled_by_its_offset(zone, label):
    moment = datetime(2026, 12, 1, 15, 31, tzinfo=UTC)
    shown = reader_time(moment, ZoneInfo(zone))
    assert shown.endswith(f"({label})"), shown


def test_manila_reads_as_manila_not_us_pacific():
    moment = datetime(2026, 12, 1, 15, 31, tzinfo=UTC)
    assert reader_time(moment, ZoneInfo("Asia/Manila")) == "1 Dec 2026, 23:31 (UTC+8)"
    # The desk keeps its letters where they are unambiguous, and drops PST and CST.
    assert zones.clock(moment, ZoneInfo("Asia/Bangkok")) == "22:31 ICT"
    assert zones.clock(moment, ZoneInfo("Asia/Tokyo")) == "00:31 JST"
    assert zones.clock(moment, ZoneInfo("Asia/Manila")) == "23:31 UTC+8"
    assert zones.clock(moment, ZoneInfo("Asia/Shanghai")) == "23:31 UTC+8"
    assert zones.clock(moment, ZoneInfo("Asia/Dhaka")) == "21:31 UTC+6"


def test_an_article_shows_its_datelines_clock_with_an_unambiguous_label(client, query):
    moment = datetime(2026, 12, 1, 15, 31, tzinfo=UTC)
    url = story_url(
        client, query, countries=["philippines"], dateline="MANILA", published_at=moment
    )
    doc = doc_of(client, url)
    [times] = doc.find_class("story__times")
    text = " ".join(times.text_content().split())
    assert text.startswith("Published Manila, 1 Dec 2026, 23:31 (UTC+8)"), text
    assert "PST" not in text
    [published] = times.xpath(".//time[@data-yours]")
    assert published.get("datetime") == "2026-12-01T23:31:00+08:00", "live.js reads it from here"
    assert doc.find_class("visually-hidden")[0] is not None
    assert times.find_class("story__place")[0].text_content() == "Manila"


def test_cards_read_in_utc_so_a_list_is_in_order_without_script(client, query):
    moment = datetime(2026, 12, 1, 15, 31, tzinfo=UTC)
    query(
        lambda: [
            make_story(headline="From Manila", countries=["philippines"], published_at=moment),
            make_story(headline="From Delhi", countries=["india"], published_at=moment),
        ]
    )
    doc = doc_of(client, "/latest")
    times = {
        card.find_class("story-card__title")[0].text_content(): card.find(".//time")
        for card in doc.find_class("story-card")
    }
    for headline, offset in (("From Manila", "+08:00"), ("From Delhi", "+05:30")):
        time = times[headline]
        assert time.text_content() == "1 Dec 2026, 15:31 (UTC)", "the same moment reads the same"
        assert time.get("datetime").endswith(offset), "the exact moment, for live.js"
        assert time.getparent().get("class") == "story-card__meta", "where live.js looks"


# --- reading time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("word " * 40, 1),  # never "0 min read"
        ("word " * 920, 4),  # 230 words a minute
        ("말씀 " * 1150, 5),  # Korean is written with spaces: words
        ("中" * 1800, 4),  # Chinese and Japanese: about 450 characters a minute
        ("日本語の" * 450, 4),
        ("ก" * 3600, 4),  # Thai has no spaces between words: characters, 900 a minute
        ("<p>" + "word " * 460 + "</p><figure><img alt=x></figure>", 2),  # tags are not words
    ],
)
def test_reading_time_counts_words_and_cjk_or_thai_characters(text, minutes):
    assert reading_minutes(text) == minutes


def test_an_article_says_how_long_it_takes_to_read(client, query):
    url = story_url(client, query, body="\n\n".join(["Officials met again today. " * 20] * 12))
    times = doc_of(client, url).find_class("story__times")[0]
    assert times.find_class("story__reading")[0].text_content().strip() == "· 4 min read"


# --- share links --------------------------------------------------------------------------------


def test_share_links_are_exact_escaped_and_load_nothing_of_the_networks(client, query):
    url = story_url(client, query, headline=HEADLINE)
    html = client.get(url).text
    doc = lxml.html.fromstring(html)
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical.endswith(url)
    u, t = quote(canonical, safe=""), quote(HEADLINE, safe="")
    assert t == "Seoul%20%26%20Tokyo%20agree%20%22hotline%22%20%3Cfor%3E%20crises"
    [share] = doc.find_class("share")
    links = {a.text_content(): a for a in share.xpath(".//a")}
    assert {name: a.get("href") for name, a in links.items()} == {
        "Share by Email": f"mailto:?subject={t}&body={u}",
        "Share on X": f"https://x.com/intent/post?url={u}&text={t}",
        "Share on Facebook": f"https://www.facebook.com/sharer/sharer.php?u={u}",
        "Share on LinkedIn": f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
        "Share on WhatsApp": f"https://wa.me/?text={t}%20{u}",
        "Share on LINE": f"https://social-plugins.line.me/lineit/share?url={u}",
        "Share on Telegram": f"https://t.me/share/url?url={u}&text={t}",
    }
    for a in links.values():
        assert a.get("rel") == "noopener" and a.get("target") is None
    # The raw HTML escapes the query's ampersands and never lets the headline out of its quotes.
    assert f'href="https://t.me/share/url?url={u}&amp;text={t}"' in html
    assert share.get("data-share-url") == canonical
    assert share.get("data-share-title") == HEADLINE
    # The buttons that need script are hidden without it.
    buttons = share.xpath(".//button")
    assert [b.text_content() for b in buttons] == ["Share…", "Copy link"]
    assert all(b.getparent().get("hidden") is not None for b in buttons)
    # Nothing of any network is loaded: three scripts, all ours (the third counts the view,
    # without a cookie), and no frames.
    assert re.findall(r'<script src="/static/([^"?]+)', html) == [
        "vendor/htmx-4.0.1.min.js",
        "js/live.js",
        "js/count.js",
    ]
    assert "<iframe" not in html
    for host in ("facebook", "twitter", "x.com", "linkedin", "line.me", "t.me", "wa.me"):
        assert not re.search(rf'(src|srcset)="[^"]*{re.escape(host)}', html)


# --- pictures -----------------------------------------------------------------------------------


def sizes_of(element) -> list[str]:
    return [img.get("sizes") for img in element.xpath(".//img[@sizes]")]


def test_every_picture_slot_has_sizes_that_follow_its_layout(client, query):
    def build():
        photos = [PhotoFactory(width=1600, height=900) for _ in range(3)]
        lead = make_story(headline="The lead", is_featured=True, hero_photo=photos[0])
        for n in range(4):
            make_story(headline=f"Top story {n}", hero_photo=photos[1])
        photo_story = make_story(headline="Pictures", kind="photo", hero_photo=photos[2])
        return lead.slug, photo_story.slug

    lead_slug, _ = query(build)
    doc = doc_of(client, "/")
    [lead] = doc.find_class("front__lead")
    assert sizes_of(lead) == [
        "(min-width: 76rem) 43.5rem, (min-width: 48em) calc(60vw - 2.1rem), calc(100vw - 2rem)"
    ]
    [top] = doc.find_class("front__top")
    assert set(sizes_of(top)) == {
        # A top story is the page's full width on a phone (it said 40vw).
        "(min-width: 76rem) 14rem, (min-width: 48em) calc(20vw - 1.3rem), calc(100vw - 2rem)"
    }
    # Only the lead picture is fetched first; the others wait until they are near.
    assert len(doc.xpath("//img[@fetchpriority='high']")) == 1
    assert lead.xpath(".//img/@fetchpriority") == ["high"]
    assert not lead.xpath(".//img[@loading='lazy']")
    assert all(img.get("loading") == "lazy" for img in top.xpath(".//img"))

    listed = doc_of(client, "/latest")
    assert set(sizes_of(listed.get_element_by_id("story-list"))) == {
        "(min-width: 40em) 12rem, calc(100vw - 2rem)"
    }
    assert not listed.xpath("//img[@fetchpriority]")

    article = doc_of(client, f"/article/{lead_slug}")
    [hero] = article.find_class("story__hero")
    assert sizes_of(hero) == ["(min-width: 44rem) 42rem, calc(100vw - 2rem)"]
    assert article.xpath("//img[@fetchpriority='high']") == hero.xpath(".//img")


@pytest.mark.parametrize(
    ("photos", "sizes"),
    [
        (1, "(min-width: 76rem) 74.00rem, (min-width: 16rem) calc((100vw - 2rem) / 1), 14rem"),
        (3, "(min-width: 76rem) 24.00rem, (min-width: 46rem) calc((100vw - 4rem) / 3), 14rem"),
        (2, "(min-width: 76rem) 36.50rem, (min-width: 31rem) calc((100vw - 3rem) / 2), 14rem"),
    ],
)
def test_the_photo_strip_sizes_follow_how_many_share_its_width(client, query, photos, sizes):
    def build():
        photo = PhotoFactory(width=1600, height=2000)
        # The lead and top stories, and photo stories about no country (no region block takes
        # them): the home page shows each story once, so these reach the strip.
        for n in range(5):
            make_story(headline=f"Top story {n}", is_featured=True)
        for n in range(photos):
            make_story(headline=f"Pictures {n}", kind="photo", hero_photo=photo, countries=[])

    query(build)
    doc = doc_of(client, "/")
    [strip] = doc.find_class("strip__list")
    assert set(sizes_of(strip)) == {sizes}
