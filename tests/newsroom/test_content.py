"""Story bodies: what an editor writes is rendered once, and nothing dangerous survives."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from newsroom.content import embed_ids, expand_embeds, make_slug, render_markdown, render_story_body
from tests.helpers import HOSTILE


@pytest.mark.case("S01")
@pytest.mark.parametrize("payload", HOSTILE)
def test_S01_sanitizer_removes_scripts_handlers_and_unsafe_urls(payload):
    html = render_markdown(f"Before.\n\n{payload}\n\nAfter.").lower()
    assert "<script" not in html
    assert not re.search(r"<[^>]+\son\w+\s*=", html), "no event handler attributes"
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data):", html)
    assert "<iframe" not in html and "<style" not in html and "<form" not in html
    assert "tracker.example" not in html, "no third-party requests from story bodies"
    assert html.startswith("<p>before.</p>"), "the story before the payload survives"


def test_text_after_a_removed_tag_survives():
    html = render_markdown("<script>alert(1)</script>\n\nThe minister said the plan holds.")
    assert "The minister said the plan holds." in html and "alert" not in html


@pytest.mark.case("S01")
@pytest.mark.parametrize("payload", HOSTILE)
def test_S01_sanitizing_twice_changes_nothing(payload):
    once = render_markdown(payload)
    assert render_markdown(once) == once or "<" not in once


def test_markdown_keeps_the_newsroom_formatting():
    html = render_markdown(
        '## Background\n\n"Quoted," she said.\n\n> A pull quote\n\n- one\n- two\n\n'
        "[a source](https://example.org/report)\n\n![chart](/media/abc-640.jpg)"
    )
    assert "<h2>Background</h2>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert 'href="https://example.org/report"' in html and 'rel="noopener noreferrer"' in html
    assert '<img src="/media/abc-640.jpg" alt="chart">' in html
    assert "\u201cQuoted,\u201d" in html, "typographic quotes"


def test_dateline_leads_the_first_paragraph():
    html, ids = render_story_body("Seoul", "North Korea said on Friday it would not talk.")
    assert html.startswith("<p><strong>SEOUL —</strong> North Korea said")
    assert ids == []


def test_embed_tokens_survive_sanitizing_and_are_listed_once_in_order():
    body = "Intro.\n\n[[nid:42]]\n\nMore [[nid:7]] and [[nid:42]] again."
    html, ids = render_story_body("", body)
    assert "[[nid:42]]" in html
    assert ids == [42, 7]
    assert embed_ids("no tokens here") == []


def test_embeds_expand_to_cards_and_links_and_unknown_ids_vanish(caplog):
    html = render_markdown("Intro.\n\n[[nid:1]]\n\nSee [[nid:2]] and [[nid:3]].\n\n[[nid:9]]")
    out = expand_embeds(
        html,
        cards={1: Markup('<aside class="embed-card">One</aside>')},
        links={2: Markup('<a href="/article/two">Two</a>')},
    )
    assert '<aside class="embed-card">One</aside>' in out
    assert '<a href="/article/two">Two</a>' in out
    assert "[[nid:" not in out
    assert "<p></p>" not in out
    assert "embed of unknown or unpublished story 9" in caplog.text


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Pyongyang rejects Tokyo's offer", "pyongyang-rejects-tokyos-offer"),
        ("  Rates: 5.75% — steady!  ", "rates-5-75-steady"),
        ("中国科技公司", "zhong-guo-ke-ji-gong-si"),
        ("", "story"),
        ("!!!", "story"),
    ],
)
def test_slugs_are_readable_ascii(headline, slug):
    assert make_slug(headline) == slug
