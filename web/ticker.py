"""The breaking-news ticker's state: its items and a version that names them."""

from __future__ import annotations

import hashlib
import json

from extensions import cache
from newsroom.models import TickerItem, utcnow
from web.caching import content_version


def ticker_state() -> dict:
    """Active items and their version, cached until the content changes or the next item expires."""
    key = f"ticker:{content_version()}"
    state = cache.get(key)
    if state is None:
        now = utcnow()
        items = TickerItem.active(now)
        rows = [{"id": i.id, "text": i.text, "link": i.link} for i in items]
        digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:12]
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
