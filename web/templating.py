"""Jinja filters and the context every page shares (navigation, publisher, ticker)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from extensions import db
from newsroom.content import mark_questions, split_at_breaks
from newsroom.models import Role
from newsroom.models.taxonomy import navigation as newsroom_navigation
from newsroom.zones import UTC_ZONE, abbreviation, utc_offset
from web import seo
from web.caching import content_version
from web.cards import story_card
from web.ticker import ticker_state
from web.urls import absolute_url, media_url


def local(dt: datetime, zone: ZoneInfo | None = None) -> datetime:
    return dt.astimezone(zone or UTC_ZONE)


def format_time(dt: datetime | None, zone: ZoneInfo | None = None, with_date: bool = True) -> str:
    """'27 Nov 2026, 14:05 KST' in the given zone."""
    if dt is None:
        return ""
    there = local(dt, zone)
    clock = f"{there:%H:%M} {abbreviation(there)}"
    return f"{there.day} {there:%b %Y}, {clock}" if with_date else clock


def reader_time(dt: datetime | None, zone: ZoneInfo | None = None, with_date: bool = True) -> str:
    """'1 Dec 2026, 23:31 (UTC+8)': what readers see, labelled by offset in every zone, because
    letters mislead across Asia (Manila's 'PST' reads as US Pacific, 'CST' is three places)."""
    if dt is None:
        return ""
    there = local(dt, zone)
    clock = f"{there:%H:%M} ({utc_offset(there)})"
    return f"{there.day} {there:%b %Y}, {clock}" if with_date else clock


def iso_time(dt: datetime | None, zone: ZoneInfo | None = None) -> str:
    return local(dt, zone).isoformat(timespec="seconds") if dt else ""


def short_date(dt: datetime | None, zone: ZoneInfo | None = None) -> str:
    if dt is None:
        return ""
    there = local(dt, zone)
    return f"{there.day} {there:%b %Y}"


_TAG = re.compile(r"<[^>]*>")
# Scripts written without spaces between words: their characters are counted, not their words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_THAI_LAO_KHMER_MYANMAR = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_WORD = re.compile(
    r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+"
)
WORDS_PER_MINUTE = 230
CJK_CHARACTERS_PER_MINUTE = 450  # Chinese and Japanese readers: about 400-500 characters a minute
THAI_CHARACTERS_PER_MINUTE = 900  # Thai words average four to five characters, read ~200 a minute


def reading_minutes(html: str | None) -> int:
    """Minutes a reader needs for a body at render: words in spaced scripts (Latin, Korean,
    Vietnamese...), characters in Chinese, Japanese, Thai, Lao, Khmer and Burmese. At least 1."""
    text = _TAG.sub(" ", str(html or ""))
    minutes = (
        len(_WORD.findall(text)) / WORDS_PER_MINUTE
        + len(_CJK.findall(text)) / CJK_CHARACTERS_PER_MINUTE
        + len(_THAI_LAO_KHMER_MYANMAR.findall(text)) / THAI_CHARACTERS_PER_MINUTE
    )
    return max(1, round(minutes))


# Each network's public share address; nothing of theirs is loaded until the reader follows one.
_SHARE = (
    ("Email", "mailto:?subject={title}&body={url}"),
    ("X", "https://x.com/intent/post?url={url}&text={title}"),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    ("WhatsApp", "https://wa.me/?text={title}%20{url}"),
    ("LINE", "https://social-plugins.line.me/lineit/share?url={url}"),
    ("Telegram", "https://t.me/share/url?url={url}&text={title}"),
)


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """(network, address) for sharing a story's canonical URL with its headline."""
    url, title = quote(url, safe=""), quote(title, safe="")
    return [(name, pattern.format(url=url, title=title)) for name, pattern in _SHARE]


def preferred_source_url() -> str:
    """Google's page where a reader adds the site as a preferred source (a plain link: Google's
    button needs its script), for the site's host from SITE_URL."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or ""
    return "https://www.google.com/preferences/source?" + urlencode({"q": host})


def srcset(photo, fmt: str = "jpg", shape: str | None = None) -> str:
    widths = photo.crop_widths[shape] if shape else photo.variant_widths
    return ", ".join(f"{media_url(photo, w, fmt, shape)} {w}w" for w in widths)


@lru_cache(maxsize=256)
def _static_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """A static file's URL stamped with its content hash, so it can be cached for a year."""
    path = Path(current_app.static_folder) / filename
    try:
        digest = _static_digest(str(path), path.stat().st_mtime)
    except OSError:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


def navigation() -> dict:
    """Sections and regions with their countries, as plain data, for this content version."""
    return newsroom_navigation(content_version())


@pass_context
def site_chrome(context, name: str) -> Markup:
    """A partial made of the navigation and the configuration alone (the masthead's menu, the
    footer): about ninety links a page, rendered once per navigation in this worker instead of on
    every page. Error pages' stand-in navigation (the database down) is rendered, not kept."""
    kept = context["nav"].get("rendered")
    key = (name, request.script_root)
    if kept is not None and key in kept:
        return kept[key]
    template = current_app.jinja_env.get_template(name)
    html = Markup(template.render(context.get_all()))  # autoescaped  # noqa: S704  # nosec B704
    if kept is not None:
        kept[key] = html
    return html


def register_template_helpers(app: Flask) -> None:
    """Filters, globals and the context every template shares (navigation, ticker, publisher)."""
    app.jinja_env.filters.update(
        datetime=format_time,
        readertime=reader_time,
        isotime=iso_time,
        shortdate=short_date,
        srcset=srcset,
        reading_minutes=reading_minutes,
        mark_questions=mark_questions,
        split_at_breaks=split_at_breaks,
    )
    app.jinja_env.globals.update(
        media_url=media_url,
        static_url=static_url,
        absolute_url=absolute_url,
        Role=Role,
        seo=seo,
        share_links=share_links,
        preferred_source_url=preferred_source_url,
        story_card=story_card,
        site_chrome=site_chrome,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def shared_context():
        try:
            nav, ticker = navigation(), ticker_state()
        except SQLAlchemyError:
            # The database is busy or down: error pages still render in the site's chrome.
            db.session.rollback()
            nav = {"sections": [], "regions": []}
            ticker = {"version": "", "items": []}
        return {
            "nav": nav,
            "publisher": app.config["PUBLISHER"],
            "site_name": app.config["SITE_NAME"],
            "ticker": ticker,
            "ticker_poll_seconds": app.config["TICKER_POLL_SECONDS"],
            "latest_poll_seconds": app.config["LATEST_POLL_SECONDS"],
        }
