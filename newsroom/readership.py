"""Readership, counted without cookies: a view of a live story and where its reader came from,
a search that found nothing; and what readers read most, for the fronts.

Counting never writes a hot row: each count goes to a buffer (newsroom/readership_buffer.py,
Redis or a small table) and is folded into the hourly tables later (newsroom/readership_fold.py:
at most once a minute by the beacon endpoint after it has answered, and by `flask --app app
readership fold`). Nothing about the reader is kept: no address, no user agent, no identifier;
a referrer is a host name or a channel (`feed`, `email`, `direct`, `search`: the site's own).
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from crawlerdetect import CrawlerDetect
from flask import current_app
from sqlalchemy.orm import load_only

from extensions import cache, db
from newsroom.models import Story, StoryViewHour, utcnow
from newsroom.models.story_links import subject_conditions
from newsroom.readership_buffer import MISS, REFERRER, STORY, Increment, buffer, hour_of
from newsroom.readership_fold import fold, retire_old_counts

__all__ = [
    "CHANNELS",
    "MostRead",
    "clean_referrer",
    "fold",
    "is_live_story",
    "is_robot",
    "most_read",
    "normalise_search",
    "record_search_miss",
    "record_view",
    "retire_old_counts",
]

log = logging.getLogger(__name__)

# Where a reader came from when it is not another site: a link carrying ?via=email (or
# ?via=feed), a feed reader's web app (FEED_READERS), no referrer, the site's own search,
# another page of the site (static/js/count.js).
CHANNELS = ("direct", "search", "internal", "feed", "email")
# A host name as a browser reduces a referrer to one (URL.hostname: punycode, lower case), or
# an IPv6 literal in brackets.
HOST_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\]")
SEARCH_WORDS = 200
SPACES = re.compile(r"\s+")
# Stories this worker has looked up: (live, content version, until), by id. A story found live is
# taken as live for LIVE_SECONDS whatever else changes (every save in the newsroom starts a new
# content version, and a busy newsroom saves several times a second: a look-up per version made
# most beacons a query); one found not live, only for that content version (a publish starts a
# new one). So a story unpublished is still counted for up to a minute, for the readers who
# have it open, and a story published is counted from its first reader.
# Kept per app (app.extensions), not per process: the tests make many apps, on databases whose
# story ids repeat.
LIVE_KEPT = 2048
LIVE_SECONDS = 60.0


# Feed readers whose web apps send readers on with a referrer: their views count as "feed".
# (Feed entries link to the plain story address: aggregators and partners match stories by it,
# so it carries no ?via=feed; a reader app that sends no referrer counts as "direct".)
FEED_READERS = frozenset(
    {
        "feedly.com",
        "inoreader.com",
        "newsblur.com",
        "theoldreader.com",
        "feedbin.com",
        "feeder.co",
        "bazqux.com",
        "netvibes.com",
        "newsify.co",
        "readwise.io",
    }
)


def clean_referrer(value: str | None) -> str | None:
    """The referrer as stored: a channel or a host name; None when it is neither."""
    value = (value or "direct").strip().lower()
    if value in CHANNELS:
        return value
    if not HOST_PATTERN.fullmatch(value):
        return None
    parts = value.split(".")
    if any(".".join(parts[i:]) in FEED_READERS for i in range(len(parts) - 1)):
        return "feed"
    return value


_ROBOTS = CrawlerDetect()


def is_robot(user_agent: str) -> bool:
    """A crawler, spider, monitor or script by its user agent (crawlerdetect's maintained list,
    which keeps the last 1,024 answers), or no user agent at all: every browser sends one."""
    user_agent = user_agent.strip()[:1000]
    return not user_agent or _ROBOTS.is_crawler(user_agent)


def normalise_search(words: str) -> str:
    """A search's words as counted: lower case, runs of spaces made one, at most 200 chars."""
    return SPACES.sub(" ", words).strip().lower()[:SEARCH_WORDS].strip()


def is_live_story(story_id: int, version: str) -> bool:
    """Whether readers may see this story now (see LIVE_SECONDS for how long an answer is kept)."""
    known = _known(story_id, version)
    if known is not None:
        return known
    visible = sa.select(Story.id).where(Story.id == story_id, Story.visible())
    live = db.session.scalar(visible) is not None
    kept = _looked_up()
    kept[story_id] = (live, version, time.monotonic() + LIVE_SECONDS)
    kept.move_to_end(story_id)
    while len(kept) > LIVE_KEPT:
        kept.popitem(last=False)
    return live


def known_live(story_id: int, version: str) -> bool:
    """Whether this story is known, without a query, to be live (False when it is not, or not
    looked up lately: see is_live_story)."""
    return _known(story_id, version) is True


def _looked_up() -> OrderedDict[int, tuple[bool, str, float]]:
    return current_app.extensions.setdefault("live_stories", OrderedDict())


def _known(story_id: int, version: str) -> bool | None:
    kept = _looked_up().get(story_id)
    if kept is None:
        return None
    live, seen_in, until = kept
    if seen_in == version or (live and time.monotonic() < until):
        return live
    return None


def record_view(story_id: int, referrer: str, now: datetime | None = None) -> None:
    """Count one view of a story, and where it came from (see clean_referrer)."""
    hour = hour_of(now or utcnow())
    buffer([Increment(STORY, str(story_id), hour), Increment(REFERRER, referrer, hour)])


def record_search_miss(words: str, now: datetime | None = None) -> None:
    """Count a search that found nothing, by its normalised words (nothing for no words)."""
    words = normalise_search(words)
    if not words:
        return
    try:
        buffer([Increment(MISS, words, hour_of(now or utcnow()))])
    except sa.exc.SQLAlchemyError as exc:  # the reader's search matters more than the count
        db.session.rollback()
        log.warning("a search that found nothing was not counted: %s", exc)


# --- most read -------------------------------------------------------------------------------


@dataclass
class MostRead:
    """The stories read most in a front's scope, most first, over `hours` (24, or 168)."""

    hours: int = 24
    stories: list[Story] = field(default_factory=list)


def most_read(scope: dict | None = None, limit: int = 5, now: datetime | None = None) -> MostRead:
    """The top live stories by views in the last 24 hours, or the last 7 days when the 24 hours
    hold fewer than MOST_READ_MIN_VIEWS views in this scope; `scope` names at most one of
    section, country or region (a list's filters), None for the whole site.

    The ranking is cached for MOST_READ_SECONDS; the stories are read each time, visible ones
    only, so a story unpublished meanwhile drops out at once."""
    scope = {k: v for k, v in (scope or {}).items() if v is not None}
    subject = next(iter(scope.items()), None)
    name = f"{subject[0]}:{subject[1].id}" if subject else "site"
    key = f"most-read:{name}:{limit}"
    ranking = cache.get(key)
    if not isinstance(ranking, tuple):
        ranking = _ranking(scope, limit, now or utcnow())
        cache.set(key, ranking, timeout=current_app.config["MOST_READ_SECONDS"])
    hours, ids = ranking
    if not ids:
        return MostRead(hours=hours)
    rows = db.session.scalars(
        sa.select(Story)
        .where(Story.id.in_(ids), Story.visible())
        .options(load_only(Story.id, Story.slug, Story.headline, Story.lang, Story.live_at))
    )
    by_id = {story.id: story for story in rows}
    return MostRead(hours=hours, stories=[by_id[i] for i in ids if i in by_id])


def _ranking(scope: dict, limit: int, now: datetime) -> tuple[int, tuple[int, ...]]:
    """(hours, story ids most read first) for the scope, from one query (see _top)."""
    rows = db.session.execute(_top(scope, limit, now)).all()
    if rows and rows[0].day_total >= current_app.config["MOST_READ_MIN_VIEWS"]:
        day = sorted((r for r in rows if r.day_rank <= limit and r.day_views), key=_day_rank)
        return 24, tuple(row.article_id for row in day)
    week = sorted((r for r in rows if r.week_rank <= limit), key=_week_rank)
    return 24 * 7, tuple(row.article_id for row in week)


def _day_rank(row) -> int:
    return row.day_rank


def _week_rank(row) -> int:
    return row.week_rank


def _top(scope: dict, limit: int, now: datetime) -> sa.Select:
    """The scope's live stories read in the last 7 days that are in the top `limit` of the last
    24 hours or of the 7 days, with their rank in each and the scope's 24-hour total: both
    windows and the fallback's test in one statement (window functions over the groups)."""
    day_start = hour_of(now - timedelta(hours=24))
    views = StoryViewHour.views
    day_views = sa.func.sum(sa.case((StoryViewHour.hour >= day_start, views), else_=0))
    week_views = sa.func.sum(views)
    newest = StoryViewHour.article_id.desc()
    grouped = (
        sa.select(
            StoryViewHour.article_id,
            day_views.label("day_views"),
            sa.func.sum(day_views).over().label("day_total"),
            sa.func.row_number().over(order_by=(day_views.desc(), newest)).label("day_rank"),
            sa.func.row_number().over(order_by=(week_views.desc(), newest)).label("week_rank"),
        )
        .join(Story, Story.id == StoryViewHour.article_id)
        .where(StoryViewHour.hour >= hour_of(now - timedelta(days=7)), Story.visible(now))
    )
    if scope.get("section") is not None:
        grouped = grouped.where(Story.section_id == scope["section"].id)
    grouped = grouped.where(
        *subject_conditions(Story.id, country=scope.get("country"), region=scope.get("region"))
    )
    ranked = grouped.group_by(StoryViewHour.article_id).subquery()
    return sa.select(ranked).where(sa.or_(ranked.c.day_rank <= limit, ranked.c.week_rank <= limit))
