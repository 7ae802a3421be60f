"""Formats that look like what they are: photo stories, video stories, opinion and analysis,
interviews (issue 15, part 4). What the browser draws is in tests/browser/test_formats.py."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from tests.factories import AuthorFactory, PhotoFactory, make_story
from tests.helpers import statements

CAPTIONS = [
    "The restored minaret at dawn.",
    "Masons sort the original bricks.",
    "Families climb the mosque's steps.",
    "A shopkeeper opens in the old market.",
]
PHOTO_BODY = "The minaret has reopened.\n\nIt was blown up in 2017.\n\n---\n\nMore than 40,000 bricks were recovered.\n\n---\n\nThe prayer hall reopened too."


def _photos():
    return [
        PhotoFactory(width=1200, height=800, alt=f"Mosul, picture {n}", caption=caption)
        for n, caption in enumerate(CAPTIONS, start=1)
    ]


def find(node, *classes: str, tag: str = "*") -> list:
    """Elements inside `node` with the first class, then inside those the next, and so on;
    the last must be a `tag` element."""
    found = [node]
    for n, name in enumerate(classes, start=1):
        pick = tag if n == len(classes) else "*"
        match = f".//{pick}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
        found = [hit for element in found for hit in element.xpath(match)]
    return found


def _page(client, slug):
    response = client.get(f"/article/{slug}")
    assert response.status_code == 200
    return response.text, lxml.html.fromstring(response.text)


# --- photo stories ------------------------------------------------------------------------------


def test_a_photo_story_is_a_sequence_of_large_photos_with_the_text_between(client, query):
    def build():
        photos = _photos()
        return make_story(
            headline="Mosul's rebuilt minaret reopens to visitors",
            kind="photo",
            body=PHOTO_BODY,
            hero_photo=photos[0],
            gallery_ids=[p.id for p in photos],
        ).slug

    html, doc = _page(client, query(build))
    assert 'class="gallery' not in html and "scroll sideways" not in html, "no carousel"
    assert not find(doc, "story__hero"), "the hero leads the sequence, it is not repeated"
    figures = find(doc, "photo-sequence", "photo-sequence__photo")
    assert [f.get("id") for f in figures] == ["photo-1", "photo-2", "photo-3", "photo-4"]
    for figure, caption in zip(figures, CAPTIONS, strict=True):
        assert caption in figure.xpath(".//figcaption")[0].text_content()
        assert "Photo: Asian-News.net" in find(figure, "credit")[0].text_content()
    assert len(doc.xpath("//img[@alt='Mosul, picture 1']")) == 1, "the hero photo is shown once"

    images = [img for f in find(doc, "photo-sequence__photo") for img in f.xpath(".//img")]
    assert images[0].get("fetchpriority") == "high" and images[0].get("loading") is None
    assert all(img.get("loading") == "lazy" for img in images[1:])
    assert all(img.get("width") and img.get("height") for img in images), "no layout shift"
    assert {img.get("sizes") for img in images} == {"(min-width: 44rem) 42rem, 100vw"}

    # Each break in the body is where the next photo goes; the rest follow the text.
    order = [
        html.index(marker)
        for marker in (
            'id="photo-1"',
            "It was blown up",
            'id="photo-2"',
            "40,000 bricks",
            'id="photo-3"',
            "prayer hall",
            'id="photo-4"',
        )
    ]
    assert order == sorted(order)
    assert "<hr>" not in find(doc, "story__body")[0].text_content()
    assert not find(doc, "photo-sequence")[0].xpath(".//hr"), "the breaks became photos"


def test_a_photo_story_whose_hero_is_not_in_the_gallery_shows_it_then_every_photo(client, query):
    def build():
        photos = _photos()
        cover = PhotoFactory(alt="A wide view of the old city", caption="Mosul's old city.")
        return make_story(
            kind="photo",
            body="The minaret has reopened.",
            hero_photo=cover,
            gallery_ids=[p.id for p in reversed(photos)],  # the editor's order, not the library's
        ).slug

    html, doc = _page(client, query(build))
    hero = find(doc, "story__hero")[0].xpath(".//img")[0]
    assert hero.get("fetchpriority") == "high"
    figures = find(doc, "photo-sequence__photo")
    captions = [f.xpath(".//figcaption")[0].text_content() for f in figures]
    assert captions == [
        f"{n} of 4 {c} Photo: Asian-News.net" for n, c in enumerate(reversed(CAPTIONS), start=1)
    ]
    assert all(
        img.get("loading") == "lazy" for img in find(doc, "photo-sequence")[0].xpath(".//img")
    )
    assert html.index("The minaret has reopened") < html.index('id="photo-1"'), "text, then photos"


def test_a_gallery_in_an_ordinary_article_keeps_its_strip(client, query):
    def build():
        photos = _photos()
        story = make_story(kind="news", hero_photo=photos[0], gallery_ids=[p.id for p in photos])
        return story.slug

    html, doc = _page(client, query(build))
    assert len(find(doc, "gallery__item")) == 4 and not find(doc, "photo-sequence")


# --- video stories ------------------------------------------------------------------------------


def test_a_video_story_keeps_its_headline_first_for_screen_readers(client, query):
    def build():
        return make_story(
            kind="video",
            video_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            hero_photo=PhotoFactory(width=1280, height=720, alt="A lifting robot beside a bed"),
        ).slug

    html, doc = _page(client, query(build))
    assert find(doc, "story--video", tag="article")
    assert html.index("<h1") < html.index('id="video-player"') < html.index("story__body")
    poster = doc.xpath("//*[@id='video-player']//img")[0]
    assert poster.get("sizes") == "(min-width: 44rem) 42rem, 100vw", "the phone's whole width"


# --- opinion and analysis -----------------------------------------------------------------------


@pytest.fixture
def columns(query):
    """An opinion by a columnist with a portrait and one without, and an analysis."""

    def build():
        portrait = PhotoFactory(width=600, height=600, alt="Portrait of Leyla Aliyeva")
        leyla = AuthorFactory(name="Leyla Aliyeva", title="Columnist", photo=portrait)
        rashad = AuthorFactory(name="Rashad Mammadov", title="Energy researcher")
        opinion = make_story(
            headline="Azerbaijan's climate pledge will be judged by its auctions",
            kind="opinion",
            authors=[leyla, rashad],
        )
        analysis = make_story(
            headline="Why the Laos railway's debts weigh on Vientiane",
            kind="analysis",
            authors=[AuthorFactory(name="Mei Lin Tan", title="Southeast Asia correspondent")],
        )
        news = make_story(headline="Bank Indonesia holds rates steady")
        return opinion.slug, analysis.slug, news.slug

    return query(build)


def test_an_opinion_has_its_band_the_columnists_and_its_own_headline(client, columns):
    opinion, _, _ = columns
    html, doc = _page(client, opinion)
    assert find(doc, "story--opinion", tag="article")
    band = find(doc, "story__header", "story__kind--opinion")[0]
    assert band.text_content().strip() == "Opinion"
    columnists = find(doc, "story__header", "columnist")
    assert [find(c, "columnist__name")[0].text_content() for c in columnists] == [
        "Leyla Aliyeva",
        "Rashad Mammadov",
    ]
    assert find(columnists[0], "columnist__role")[0].text_content() == "Columnist"
    portrait = find(columnists[0], "columnist__portrait")[0].xpath(".//img")[0]
    assert portrait.get("alt") == "Portrait of Leyla Aliyeva" and portrait.get("loading") == "lazy"
    initials = find(columnists[1], "columnist__portrait--initials")[0]
    assert initials.text_content() == "RM" and initials.get("aria-hidden") == "true"
    assert not find(doc, "story__byline"), "the columnists are the byline, said once"


def test_an_analysis_has_its_own_band(client, columns):
    _, analysis, _ = columns
    html, doc = _page(client, analysis)
    assert find(doc, "story--analysis", tag="article")
    assert find(doc, "story__kind--analysis")[0].text_content().strip() == "Analysis"
    assert find(doc, "columnist", "columnist__portrait--initials")[0].text_content() == "MT"


def test_a_news_story_has_no_band_and_a_plain_byline(client, columns):
    _, _, news = columns
    html, doc = _page(client, news)
    assert not find(doc, "story__kind") + find(doc, "columnists")
    assert 'class="story"' in html


def test_lists_label_opinion_and_analysis_so_they_never_look_like_news(client, columns):
    doc = lxml.html.fromstring(client.get("/latest").text)
    labels = {
        find(card, "story-card__title")[0].text_content(): [
            label.text_content() for label in find(card, "label")
        ]
        for card in find(doc, "story-card")
    }
    assert labels["Azerbaijan's climate pledge will be judged by its auctions"] == ["Opinion"]
    assert labels["Why the Laos railway's debts weigh on Vientiane"] == ["Analysis"]
    assert labels["Bank Indonesia holds rates steady"] == []


def test_portraits_cost_no_query_per_columnist(app, client, query):
    def build(count):
        authors = [AuthorFactory(photo=PhotoFactory(width=400, height=400)) for _ in range(count)]
        return make_story(kind="opinion", authors=authors).slug

    one, three = query(lambda: build(1)), query(lambda: build(3))
    client.get("/latest")  # the navigation and ticker, cached for both pages alike
    counts = []
    for slug in (one, three):
        with app.app_context(), statements() as seen:
            assert client.get(f"/article/{slug}").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], "\n".join(seen)


# --- interviews ---------------------------------------------------------------------------------

INTERVIEW = """Dr Priya Raman leads Singapore's advisory panel on AI. The **interview** has been edited.

**Why has Singapore avoided a single AI law?**

**Raman:** Because the risks sit in the uses.

A second paragraph of the *same* answer.

**Is that enough when a few companies build the models?**

**Raman:** No, and we say so.

**What keeps you up at night? <img src=x onerror=alert(1)>**

**Raman:** Speed."""


def test_an_interview_marks_its_questions_and_leaves_answers_plain(client, query):
    def build():
        return make_story(kind="interview", dateline="SINGAPORE", body=INTERVIEW).slug

    html, doc = _page(client, query(build))
    body = find(doc, "story--interview", "story__body")[0]
    questions = [q.text_content() for q in find(body, "qa__question", tag="p")]
    assert questions == [
        "Why has Singapore avoided a single AI law?",
        "Is that enough when a few companies build the models?",
        "What keeps you up at night? ",
    ]
    answers = [p for p in body.xpath(".//p") if "qa__question" not in (p.get("class") or "")]
    assert answers[0].text_content().startswith("SINGAPORE —"), "the dateline's paragraph"
    assert [a.text_content().split(":")[0] for a in answers[1:] if ":" in a.text_content()] == [
        "Raman",
        "Raman",
        "Raman",
    ], "each answer names the interviewee"
    assert (
        "onerror" not in html and "<img src" not in html.split("story__body")[1].split("</div>")[0]
    )
    assert ' style="' not in html.split("story__body")[1].split("</div>")[0]


def test_only_interviews_mark_questions(client, query):
    def build():
        return make_story(kind="news", body=INTERVIEW).slug

    html, _ = _page(client, query(build))
    assert "qa__question" not in html


def test_only_a_break_between_paragraphs_places_a_photo():
    from newsroom.content import render_markdown, split_at_breaks

    html = render_markdown("First.\n\n---\n\n> A quote\n>\n> ---\n>\n> goes on.\n\n- a\n\nLast.")
    parts = split_at_breaks(html)
    assert len(parts) == 2, "the break inside the quotation stays in the text"
    assert "<hr>" in parts[1] and "goes on" in parts[1] and "Last." in parts[1]


def test_search_engines_are_told_opinion_and_analysis_from_news(client, columns):
    """schema.org's kinds of NewsArticle: a column is not passed off as reporting."""
    found = {}
    for slug in columns:
        html = client.get(f"/article/{slug}").text
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        found[slug] = [json.loads(b)["@type"] for b in blocks if '"headline"' in b]
    opinion, analysis, news = columns
    assert found == {
        opinion: ["OpinionNewsArticle"],
        analysis: ["AnalysisNewsArticle"],
        news: ["NewsArticle"],
    }
