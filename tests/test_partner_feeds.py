"""Partner feeds: hostile XML is refused whatever its disguise; text stays text; paragraphs stay."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from extensions import db
from models import Article, Source

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


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
            db.session.scalar(sa.select(sa.func.count()).select_from(Article)),
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
    [(ENTITY, "utf-8", False, "&name;", "declares XML entities"),
     (PADDED, "utf-8", False, "&name;", "declares XML entities"),
     (ENTITY, "utf-16-le", False, "&name;", "declares XML entities"),
     (ENTITY, "utf-16", True, "&name;", "declares XML entities"),
     (PADDED, "utf-16-be", True, "&name;", "declares XML entities"),
     (LAUGHS, "utf-8", False, "&lol4;", "declares XML entities"),
     (LAUGHS, "utf-16", True, "&lol4;", "declares XML entities"),
     (EXTERNAL, "utf-8", False, "&name;", "declares XML entities"),
     (SYSTEM_DTD, "utf-8", False, "Plain title", "DOCTYPE")],
    ids=["entity", "padded", "utf16", "utf16-bom", "padded-utf16be", "laughs", "laughs-utf16",
         "external", "external-dtd"],
)  # fmt: skip
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
    assert query(lambda: db.session.scalar(sa.select(Article.headline).where(
        Article.source_guid == "https://partner.example/?p=1"))) == title  # fmt: skip
