"""Who has a story open in the newsroom, kept in the shared cache (filesystem or Redis).

An open story form says "I am here" when it is shown and then every POLL_SECONDS; whoever has
not said so for TTL_SECONDS has left (the tab was closed, the laptop slept), so presence
expires by itself and nothing has to be cleaned up. One cache entry per story maps each person
to when they opened it and when they were last seen. Two people polling the same instant may
each write over the other's entry: the loser is back at their next poll, well within the TTL.
Without a working cache nobody is shown, and editing goes on as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from extensions import cache

POLL_SECONDS = 15
TTL_SECONDS = 40

clock = time.time  # the tests move it on


@dataclass(frozen=True)
class Editor:
    """Someone with the story open: their name and since when."""

    user_id: int
    name: str
    since: datetime


def _key(story_id: int) -> str:
    return f"editing:story:{story_id}"


def _present(entries: dict, now: float) -> dict:
    return {uid: e for uid, e in (entries or {}).items() if now - e["seen"] < TTL_SECONDS}


def mark_editing(story_id: int, user) -> list[Editor]:
    """Note that `user` has the story open now; answer the others who have it open, the
    longest there first."""
    now = clock()
    entries = _present(cache.get(_key(story_id)), now)
    mine = entries.get(user.id)
    entries[user.id] = {
        "name": user.display_name,
        "since": mine["since"] if mine else now,
        "seen": now,
    }
    cache.set(_key(story_id), entries, timeout=TTL_SECONDS)
    return _editors(entries, but=user.id)


def editing(story_id: int, but: int | None = None) -> list[Editor]:
    """Who has the story open now (leaving out the user `but`), the longest there first."""
    return _editors(_present(cache.get(_key(story_id)), clock()), but=but)


def _editors(entries: dict, but: int | None) -> list[Editor]:
    found = [
        Editor(uid, e["name"], datetime.fromtimestamp(e["since"], UTC))
        for uid, e in entries.items()
        if uid != but
    ]
    return sorted(found, key=lambda e: e.since)
