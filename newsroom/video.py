"""Video embeds through an allow-list, as click-to-load facades."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{1,12}$")
FRAME_SOURCES = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def embed_url(url: str) -> str | None:
    """The privacy-friendly player address for an allowed video page, or None."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme != "https":
        return None
    host = (parts.hostname or "").lower()
    if host in ("www.youtube.com", "youtube.com", "m.youtube.com"):
        if parts.path == "/watch":
            ident = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/")):
            ident = parts.path.split("/")[2]
        else:
            return None
        return (
            f"https://www.youtube-nocookie.com/embed/{ident}" if YOUTUBE_ID.match(ident) else None
        )
    if host == "youtu.be":
        ident = parts.path.lstrip("/")
        return (
            f"https://www.youtube-nocookie.com/embed/{ident}" if YOUTUBE_ID.match(ident) else None
        )
    if host in ("vimeo.com", "www.vimeo.com"):
        ident = parts.path.strip("/")
        return f"https://player.vimeo.com/video/{ident}" if VIMEO_ID.match(ident) else None
    return None


def host_name(url: str) -> str:
    return "Vimeo" if "vimeo" in (urlsplit(url).hostname or "") else "YouTube"
