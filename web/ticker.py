"""The breaking-news ticker's state: its items and a version that names them."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlsplit

from flask import current_app

from extensions import cache
from newsroom.models import TickerItem, utcnow
from newsroom.models.live import open_live_among
from newsroom.models.ticker import split_link
from web.caching import content_version

# The two addresses of a story on this site: its short link and its page.
STORY_PATH = re.compile(r"/(?:n/(\d{1,12})|article/([A-Za-z0-9_-]{1,200}))/?")


def ticker_state() -> dict:
    """Active items and their version, cached until the content changes or the next item expires."""
    key = f"ticker:{content_version()}"
    state = cache.get(key)
    if state is None:
        now = utcnow()
        items = TickerItem.active(now)
        live = _leads_to_open_live_page([i.link for i in items])
        rows = [
            # "at": when the item went up, shown beside it so a reader can tell how fresh it is.
            {"id": i.id, "text": i.text, "link": i.link, "live": flag, "at": i.created_at}
            for i, flag in zip(items, live, strict=True)
        ]
        named = json.dumps(rows, sort_keys=True, default=lambda at: at.isoformat())
        digest = hashlib.sha256(named.encode()).hexdigest()[:12]
        state = {"version": digest, "items": rows}
        next_expiry = min((i.expires_at for i in items), default=None)
        timeout = 60
        if next_expiry is not None:
            timeout = max(1, min(timeout, int((next_expiry - now).total_seconds()) + 1))
        cache.set(key, state, timeout=timeout)
        # Remember which items each version showed, so a poll can announce only the new ones.
        cache.set(f"ticker-ids:{digest}", [row["id"] for row in rows], timeout=86400)
    return state


def new_items(state: dict, since_version: str | None) -> list[dict]:
    """Items in the current ticker that the version a page shows did not have."""
    if not since_version:
        return []
    seen = cache.get(f"ticker-ids:{since_version[:32]}")
    if seen is None:
        return []
    return [item for item in state["items"] if item["id"] not in seen]


def _story_address(link: str) -> tuple[int | None, str | None]:
    """The story an item's link leads to on this site: (id, None) for /n/<id>, (None, slug)
    for /article/<slug>, with any query or #post anchor; (None, None) for anything else."""
    parts = split_link(link)
    if parts is None:
        return None, None
    if parts.netloc and parts.netloc != urlsplit(current_app.config["SITE_URL"]).netloc:
        return None, None
    match = STORY_PATH.fullmatch(parts.path)
    if match is None:
        return None, None
    return (int(match[1]), None) if match[1] else (None, match[2])


def _leads_to_open_live_page(links: list[str]) -> list[bool]:
    """For each link, whether it leads to an open live page (labelled LIVE): one query for all."""
    addresses = [_story_address(link) for link in links]
    ids, slugs = open_live_among(
        {i for i, _ in addresses if i is not None}, {s for _, s in addresses if s is not None}
    )
    return [(i in ids) if i is not None else (s in slugs) for i, s in addresses]
