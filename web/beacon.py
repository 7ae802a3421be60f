"""The counting beacon's rules, shared by its Flask route (blueprints/readership) and the fast
path (web/fast_path.py), which answers an ordinary beacon before Flask builds a request: a burst
of readers is thousands of beacons a second, and Flask's machinery was most of each one's cost.

What a beacon is: a POST of "story=<id>&from=<referrer>" (at most BEACON_BYTES) from a page of
the site. It is counted unless the reader declines (Sec-GPC or DNT) or is a robot; one client
address may send COUNT_RATE_LIMIT of them (the `limits` library, in the rate limiter's storage:
Redis when there is one), whichever path answers.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping

from flask import Flask
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from extensions import cache
from newsroom import readership

log = logging.getLogger(__name__)

# A beacon is "story=<id>&from=<host>": far under this. Anything bigger is refused (413).
BEACON_BYTES = 512
STORY_ID = re.compile(r"[1-9][0-9]{0,17}")
FOLD_LOCK = "readership-fold"
RETENTION_LOCK = "readership-retention"


class BeaconLimit:
    """COUNT_RATE_LIMIT per client address (RATELIMIT_ENABLED=False turns it off, as it does
    every limit of the site)."""

    def __init__(self, app: Flask):
        self.enabled = app.config.get("RATELIMIT_ENABLED", True)
        self.items = parse_many(app.config["COUNT_RATE_LIMIT"])
        self.prefix = app.config.get("RATELIMIT_KEY_PREFIX", "") or "limits"
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.strategy = FixedWindowRateLimiter(storage)

    def allows(self, address: str | None) -> bool:
        if not self.enabled:
            return True
        address = address or "-"
        return all(
            self.strategy.hit(item, self.prefix, "count-beacon", address) for item in self.items
        )


def beacon_limit(app: Flask) -> BeaconLimit:
    limit = app.extensions.get("beacon_limit")
    if limit is None:
        limit = app.extensions["beacon_limit"] = BeaconLimit(app)
    return limit


def declines_counting(headers: Mapping[str, str]) -> bool:
    """The reader asked not to be tracked (Global Privacy Control, Do Not Track), or the user
    agent is a robot (crawlerdetect's list; an empty one too: every browser sends one)."""
    if headers.get("Sec-GPC", "").strip() == "1" or headers.get("DNT", "").strip() == "1":
        return True
    return readership.is_robot(headers.get("User-Agent", ""))


def fold_when_due(app: Flask) -> Callable[[], None] | None:
    """The fold of the buffered counts to run once the reader has the answer, when
    READERSHIP_FOLD_SECONDS have passed since any worker's last (a lock in the shared cache),
    with old detail retired once a day; None when it is not due."""
    seconds = app.config["READERSHIP_FOLD_SECONDS"]
    if seconds <= 0:
        return None
    # Asked of the shared cache at most once a second per worker, not on every beacon.
    now = time.monotonic()
    if now < app.extensions.get("fold_asked_until", 0.0):
        return None
    app.extensions["fold_asked_until"] = now + min(1.0, seconds)
    if not cache.claim(FOLD_LOCK, timeout=seconds):
        return None
    health = app.extensions.get("cache_health", {})
    if time.monotonic() < health.get("down_until", 0.0):
        return None  # without a working cache every worker "has" the lock: fold from the command
    retire = cache.claim(RETENTION_LOCK, timeout=24 * 3600)

    def fold():
        with app.app_context():
            try:
                readership.fold()
                if retire:
                    readership.retire_old_counts()
            except Exception:  # the counts stay buffered; the next fold takes them
                log.exception("folding the readership counts failed")

    return fold
