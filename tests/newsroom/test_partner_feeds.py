"""Partner feeds: hostile XML is refused whatever its disguise; text stays text; paragraphs stay."""

from __future__ import annotations

import html
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Source, Story, utcnow

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def rss(items: str, head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="{{encoding}}"?>\n{head}'
        '<rss version="2.0"><channel><title>Wire</title><link>https://partner.example/</link>'
        f"<description>Test wire</description>{items}</channel></rss>"
    )


def item(title: str, body: str = "", n: int = 1) -> str:
    return (
        f"<item><title>{title}</title><link>https://partner.example/{n}</link>"
        f"<guid>https://partner.example/?p={n}</guid>"
        f"<pubDate>Fri, 27 Nov 2026 06:30:00 GMT</pubDate><description>{body}</description></item>"
    )


def write(tmp_path, text: str, encoding: str = "utf-8", bom: bool = False) -> str:
    declared = "UTF-16" if encoding.startswith("utf-16") else encoding
    data = text.replace("{encoding}", declared).encode(encoding)
    if bom and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = "\ufeff".encode(encoding) + data
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    return str(path)


def run_import(runner, path: str, *extra: str):
    return runner.invoke(args=["feeds", "import", path, "--source", "Wire", *extra])


def counts(query) -> tuple[int, int]:
    return query(
        lambda: (
            db.session.scalar(sa.select(sa.func.count()).select_from(Story)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Source)),
        )
    )


# --- DTDs and entities: refused however the feed is padded or encoded -----------------------------

ENTITY = '<!DOCTYPE rss [\n<!ENTITY name "Expanded entity text">\n]>\n'
PADDED = (
    "<!DOCTYPE rss [\n<!-- " + "x" * 70_000 + ' -->\n<!ENTITY name "Expanded entity text">\n]>\n'
)
EXTERNAL = '<!DOCTYPE rss [\n<!ENTITY name SYSTEM "file:///etc/hostname">\n]>\n'
LAUGHS = (FEEDS / "billion-laughs.xml").read_text().split("\n", 1)[1].split("<rss")[0]
SYSTEM_DTD = '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">\n'


@pytest.mark.parametrize(
    ("head", "encoding", "bom", "title", "message"),
    [
        (ENTITY, "utf-8", False, "&name;", "declares XML entities"),
        (PADDED, "utf-8", False, "&name;", "declares XML entities"),
        (ENTITY, "utf-16-le", False, "&name;", "declares XML entities"),
        (ENTITY, "utf-16", True, "&name;", "declares XML entities"),
        (PADDED, "utf-16-be", True, "&name;", "declares XML entities"),
        (LAUGHS, "utf-8", False, "&lol4;", "declares XML entities"),
        (LAUGHS, "utf-16", True, "&lol4;", "declares XML entities"),
        (EXTERNAL, "utf-8", False, "&name;", "declares XML entities"),
        (SYSTEM_DTD, "utf-8", False, "Plain title", "DOCTYPE"),
    ],
    ids=[
        "entity",
        "padded",
        "utf16",
        "utf16-bom",
        "padded-utf16be",
        "laughs",
        "laughs-utf16",
        "external",
        "external-dtd",
    ],
)
def test_dtds_and_entities_are_refused_in_any_disguise(
    runner, query, tmp_path, head, encoding, bom, title, message
):
    before = counts(query)
    path = write(tmp_path, rss(item(title), head), encoding, bom)
    result = run_import(runner, path, "--publish")
    assert result.exit_code != 0, result.output
    assert message in result.output and "Nothing was imported." in result.output
    assert counts(query) == before


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", False),
        ("utf-16-le", False),
        ("utf-16", True),
        ("shift_jis", False),
        ("big5", False),
    ],
)
def test_plain_feeds_in_any_encoding_still_import(runner, query, tmp_path, encoding, bom):
    title = "臺北捷運延伸" if encoding == "big5" else "東京の地下鉄が延伸"
    path = write(tmp_path, rss(item(title)), encoding, bom)
    result = run_import(runner, path, "--publish")
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(Story.headline).where(Story.source_guid == "https://partner.example/?p=1")
            )
        )
        == title
    )


# --- text stays text, paragraphs stay paragraphs ------------------------------------------------


def fresh_item(title: str, body: str, n: int) -> str:
    when = format_datetime(utcnow() - timedelta(minutes=n))
    return item(title, body, n).replace("Fri, 27 Nov 2026 06:30:00 GMT", when)


def stored(query, n: int):
    return query(
        lambda: db.session.execute(
            sa.select(Story.headline, Story.standfirst, Story.body_md, Story.slug).where(
                Story.source_guid == f"https://partner.example/?p={n}"
            )
        ).one()
    )


def test_imported_markup_in_titles_never_becomes_a_live_tag(runner, client, query, tmp_path):
    items = (
        fresh_item(
            "&amp;lt;img src=x onerror=alert(1)&amp;gt; Ferry news", "Ferries &amp;amp; more", 1
        )
        + fresh_item("5 &lt; 6 &amp; rising", "&lt;script&gt;alert(2)&lt;/script&gt;Calm", 2)
        + fresh_item("&lt;b&gt;Bold&lt;/b&gt; move", "Quake&amp;#x0B;hits", 3)
    )
    result = run_import(runner, write(tmp_path, rss(items)), "--publish")
    assert result.exit_code == 0 and "3 new" in result.output, result.output
    first, second, third = stored(query, 1), stored(query, 2), stored(query, 3)
    assert first[0] == "<img src=x onerror=alert(1)> Ferry news", "the characters, kept as text"
    assert second[:2] == ("5 < 6 & rising", "Calm")
    assert third[0] == "Bold move" and third[1].replace(" ", "") == "Quakehits"

    page = client.get(f"/article/{first[3]}").text
    assert "&lt;img src=x onerror=alert(1)&gt; Ferry news" in page
    assert "<img src=x" not in page
    rss_items = ET.fromstring(client.get("/feed.rss").data).iter("item")
    titles = {i.findtext("link").rsplit("/", 1)[1]: i.findtext("title") for i in rss_items}
    assert "<" not in titles[first[3]], "readers render RSS titles as HTML"
    assert html.unescape(titles[first[3]]) == first[0]
    atom = ET.fromstring(client.get("/feed.atom").data)
    atom_titles = [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")]
    assert first[0] in atom_titles


def test_excerpts_keep_paragraphs_and_line_breaks(runner, client, query, tmp_path):
    body = html.escape(
        "<p>Tensions rose with China.</p><p>Officials said talks would resume.</p>"
        "<div>Line one<br>Line two</div><ul><li>First point</li><li>Second point</li></ul>"
    )
    result = run_import(
        runner, write(tmp_path, rss(fresh_item("Talks to resume", body, 1))), "--publish"
    )
    assert result.exit_code == 0, result.output
    slug = stored(query, 1)[3]
    article = client.get(f"/article/{slug}").text
    assert "China.Officials" not in article and "resume.Line" not in article
    assert "<p>Tensions rose with China.</p>" in article
    assert "<p>Officials said talks would resume.</p>" in article
    assert "<p>Line one<br>\nLine two</p>" in article or "<p>Line one<br>Line two</p>" in article
    assert "<p>First point</p>" in article and "<p>Second point</p>" in article


def test_long_excerpts_are_cut_at_a_word_and_keep_their_paragraphs(runner, query, tmp_path):
    paragraphs = [f"Paragraph {n} " + "word " * 70 for n in range(1, 5)]
    body = html.escape("".join(f"<p>{p}</p>" for p in paragraphs))
    run_import(runner, write(tmp_path, rss(fresh_item("A long wire story", body, 1))), "--publish")
    excerpt = stored(query, 1)[2]
    kept = excerpt.split("\n\n")
    assert kept[0].startswith("Paragraph 1 ") and kept[1].startswith("Paragraph 2 ")
    assert len(kept) == 2 and kept[-1].endswith("word …")
    assert len(excerpt) <= 620


def test_an_editor_cannot_save_over_a_partner_update_unseen(runner, editor, query, tmp_path):
    """The partner corrects a story while an editor has it open: the editor's save is refused
    (409) and the partner's text stays, instead of the older copy silently winning."""
    from tests.helpers import field_value, form_values

    run_import(runner, write(tmp_path, rss(fresh_item("Ferry delayed at Batam", "Late", 1))))
    slug = stored(query, 1)[3]
    ident = query(lambda: Story.by_slug(slug).id)
    form = editor.get(f"/admin/stories/{ident}").text
    opened = field_value(form, "revision")
    corrected = fresh_item("Ferry cancelled at Batam", "Cancelled", 1)
    assert "1 updated" in run_import(runner, write(tmp_path, rss(corrected))).output

    values = {**form_values(form), "headline": "Ferry delayed at Batam (edited)", "action": "save"}
    assert values["revision"] == opened
    answer = editor.post(f"/admin/stories/{ident}", data=values)
    assert answer.status_code == 409
    assert stored(query, 1)[0] == "Ferry cancelled at Batam"

    # The partner's update is a revision like any save: listed, and restorable.
    listed = editor.get(f"/admin/stories/{ident}/revisions").text
    assert "Updated by the partner&#39;s feed" in listed
    assert "Version before revisions were kept" in listed, "the text it replaced is kept too"
