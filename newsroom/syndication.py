"""Import partner feeds (RSS or Atom): sanitized, attributed, deduplicated, all or nothing."""

from __future__ import annotations

import calendar
import html
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import sqlalchemy as sa
from lxml import etree

from extensions import db
from newsroom.cleaning import xml_text
from newsroom.content import sanitize_html
from newsroom.models import Country, Revision, Section, Source, Status, Story, utcnow
from newsroom.models.update_log import mark_substantive

MAX_FEED_BYTES = 10 * 1024 * 1024
EXCERPT_CHARS = 600


class FeedRefused(Exception):
    """The feed cannot be imported; the message says why, in words an operator can act on."""


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


def read_feed(location: str, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """The raw feed from a file or an http(s) URL, refusing anything larger than max_bytes."""
    if re.match(r"^https?://", location):
        headers = {"User-Agent": "Asian-News.net importer"}
        request = urllib.request.Request(location, headers=headers)  # noqa: S310 - http(s) only
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # http(s) only  # noqa: S310  # nosec B310
                data = response.read(max_bytes + 1)
        except OSError as exc:
            raise FeedRefused(f"Could not fetch the feed: {exc}") from exc
    else:
        path = Path(location)
        if not path.is_file():
            raise FeedRefused(f"No such file: {location}")
        if path.stat().st_size > max_bytes:
            raise FeedRefused(f"The feed is larger than {max_bytes // (1024 * 1024)} MB; refused.")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise FeedRefused(f"The feed is larger than {max_bytes // (1024 * 1024)} MB; refused.")
    return data


# Entities are never expanded, nothing is fetched, no DTD is read: a partner feed needs none.
# lxml rather than defusedxml (expat): expat cannot read multi-byte encodings such as Shift_JIS,
# GB2312 or Big5, which Asian partners use; libxml2 reads them all.
_SAFE_PARSER = {"resolve_entities": False, "no_network": True, "load_dtd": False}


def _checked_document(data: bytes) -> bytes:
    """The feed re-serialized as UTF-8 after a parse that refuses any DTD, in any encoding.

    The parser itself decodes the document (UTF-16, a BOM, any declared encoding), so no padding
    or encoding hides a DOCTYPE, and feedparser then reads exactly the document checked here."""
    try:
        tree = etree.fromstring(data, etree.XMLParser(**_SAFE_PARSER)).getroottree()
    except etree.XMLSyntaxError as exc:
        raise FeedRefused(f"The feed is not valid XML: {exc}") from exc
    info = tree.docinfo
    if info.internalDTD is not None and any(True for _ in info.internalDTD.iterentities()):
        raise FeedRefused("The feed declares XML entities, which we never expand; refused.")
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise FeedRefused("The feed has a DOCTYPE (a DTD), which we never read; refused.")
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def parse_feed(data: bytes):
    """Parse RSS or Atom; refuse DTDs and entity declarations (billion laughs) and broken XML."""
    data = _checked_document(data)
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.CharacterEncodingOverride):
        raise FeedRefused(f"The feed is not valid XML: {parsed.bozo_exception}")
    if not parsed.entries and not parsed.feed:
        raise FeedRefused("The document is not an RSS or Atom feed.")
    return parsed


class _TextExtractor(HTMLParser):
    """HTML reduced to plain text: block elements end paragraphs, <br> ends a line."""

    BLOCKS = {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[""]]
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.paragraphs[-1].append("")
        elif tag in self.BLOCKS:
            self.paragraphs.append([""])

    def handle_startendtag(self, tag, attrs):
        if tag not in self.HIDDEN:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.paragraphs.append([""])

    def handle_data(self, data):
        if not self.hidden:
            self.paragraphs[-1][-1] += data


def html_paragraphs(markup: str) -> list[list[str]]:
    """The paragraphs of an HTML fragment, each a list of its lines, as plain text."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    paragraphs = []
    for lines in parser.paragraphs:
        lines = [" ".join(xml_text(line).split()) for line in lines]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _text(value: str, kind: str = "text/html") -> str:
    """One line of plain text from a feed field; markup is read as HTML only where it is HTML.

    Text stays text: "&lt;img&gt;" in an HTML title is the characters "<img>", kept and shown as
    such (every page and feed escapes them), never a tag."""
    if "html" not in kind:
        return " ".join(xml_text(value or "").split())
    return " ".join(" ".join(lines) for lines in html_paragraphs(value))


def _field(entry, name: str) -> str:
    """An entry's title or summary as one line of plain text, read as the feed typed it."""
    detail = entry.get(f"{name}_detail") or {}
    return _text(entry.get(name, ""), detail.get("type", "text/html"))


def _when(entry) -> datetime:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        return datetime.fromtimestamp(calendar.timegm(stamp), UTC)
    return utcnow()


def _body(entry, policy: str) -> str:
    content = ""
    if entry.get("content"):
        content = entry.content[0].get("value", "")
    content = content or entry.get("summary", "")
    clean = sanitize_html(content)
    if policy != "excerpt":
        return clean
    return _excerpt(html_paragraphs(clean))


def _excerpt(paragraphs: list[list[str]]) -> str:
    """The first EXCERPT_CHARS characters as Markdown, keeping paragraphs and line breaks."""
    text = "\n\n".join("\n".join(lines) for lines in paragraphs)
    if len(text) > EXCERPT_CHARS:
        cut = text[:EXCERPT_CHARS]
        at = max(cut.rfind(" "), cut.rfind("\n"))
        text = (cut[:at] if at > 0 else cut).rstrip() + " …"
    return "\n\n".join(
        "<br>\n".join(html.escape(line) for line in paragraph.split("\n"))
        for paragraph in text.split("\n\n")
    )


def _match_terms(entry) -> list[str]:
    return [_text(t.get("term", ""), "text/plain").lower() for t in entry.get("tags", [])]


def import_feed(data: bytes, source: Source, publish: bool, progress=None) -> ImportReport:
    """Import every entry in one transaction; any failure leaves the database untouched."""
    parsed = parse_feed(data)
    report = ImportReport()
    sections = {s.slug: s for s in db.session.scalars(sa.select(Section))}
    sections.update({s.name.lower(): s for s in sections.values()})
    countries = {c.name.lower(): c for c in db.session.scalars(sa.select(Country))}
    default_section = db.session.get(Section, source.section_id) if source.section_id else None
    default_section = default_section or sections.get("politics") or next(iter(sections.values()))
    entries = parsed.entries
    try:
        for entry in progress(entries) if progress else entries:
            link = entry.get("link", "")
            guid = (entry.get("id") or link)[:500]
            title = _field(entry, "title")[:300]
            if not guid or not title or not re.match(r"^https?://", link):
                report.skipped += 1
                continue
            body = _body(entry, source.policy)
            existing = db.session.scalar(
                sa.select(Story).where(
                    Story.source_id == source.id,
                    sa.or_(Story.source_guid == guid, Story.source_url == link),
                )
            )
            if existing is not None:
                if existing.headline == title and existing.body_md == body:
                    report.skipped += 1
                    continue
                earlier = Revision.earlier_text(existing)
                existing.headline = title
                existing.set_body(body)
                # A partner's update is substantive: readers see the story as updated.
                mark_substantive(existing)
                # A new revision, kept like any save (the editors can compare and restore it):
                # an editor with the story open is told it changed (409) rather than saving over
                # the partner's update with the older text.
                existing.revision = (existing.revision or 0) + 1
                db.session.flush()
                Revision.keep(existing, "import", None, earlier=earlier)
                report.updated += 1
                continue
            terms = _match_terms(entry)
            # Not newsroom.stories.save_story: an import is one transaction (all or nothing) and
            # is not a newsroom member's edit, so no revision, audit or ticker; it does share the
            # story's address rule (free_slug) and body rendering (set_body).
            story = Story(
                slug=Story.free_slug(title),
                headline=title,
                standfirst=_field(entry, "summary")[:300],
                kind="news",
                status=Status.PUBLISHED.value if publish else Status.DRAFT.value,
                published_at=_when(entry),
                section=next((sections[t] for t in terms if t in sections), default_section),
                countries=[countries[t] for t in terms if t in countries],
                source_id=source.id,
                source_name=source.name,
                source_url=link[:500],
                source_guid=guid,
            )
            story.set_body(body)
            db.session.add(story)
            db.session.flush()
            report.new += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def source_named(name: str, site_url: str = "", policy: str | None = None) -> Source:
    """The partner source with this name, created on first use."""
    source = db.session.scalar(sa.select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, site_url=site_url, policy=policy or "excerpt")
        db.session.add(source)
        db.session.flush()
    elif policy:
        source.policy = policy
    return source
