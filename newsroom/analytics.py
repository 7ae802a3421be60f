"""What the newsroom reads about its readers: views over time for the site and for one story, the
most read stories, where readers came from, and the searches that found nothing.

Read only: the counts are written by newsroom.readership (buffered, then folded into hourly
rows). Every query is aggregated in SQL and bounded by a time range or a LIMIT. Days are the
reader of the analytics' own days (their time zone), so day buckets are made here in Python from
hourly rows over a bounded range: SQL date functions differ between SQLite and PostgreSQL, and
neither knows the newsroom's zones. An hour's row belongs to the local day its hour starts in
(in zones a half or quarter hour off UTC, the first minutes of a day go to the day before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from newsroom.models import (
    ReferrerDay,
    SearchMissDay,
    Section,
    Story,
    StoryViewHour,
    story_countries,
    utcnow,
)
from newsroom.readership import CHANNELS
from newsroom.readership_fold import retention_cutoff

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
FIRST_HOURS = 48
# A story's daily view shows at most its last this many days.
STORY_DAYS = 90
TOP_LIMIT = 10
REFERRER_LIMIT = 15
MISS_LIMIT = 25


@dataclass(frozen=True)
class StoryViews:
    """One story's place in a most-read list."""

    story_id: int
    headline: str
    section: str
    views: int


@dataclass(frozen=True)
class StoryHistory:
    """One story's views: its first 48 h by hour, then by day, and its total."""

    went_live: datetime | None
    hours: list[tuple[datetime, int]]
    days: list[tuple[date, int]]
    total: int
    hourly_kept: bool  # False once the first 48 h are older than the hourly rows are kept
    days_cut: bool  # True when the story is older than the daily view shows


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day starts."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def today_in(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(zone).date()


def _hour_sums(start: datetime, end: datetime, article_id: int | None = None):
    """(hour, views) for every hour in [start, end) that has views: site-wide, or one story's."""
    hour, views = StoryViewHour.hour, StoryViewHour.views
    if article_id is None:
        query = sa.select(hour, sa.func.sum(views)).group_by(hour)
    else:
        query = sa.select(hour, views).where(StoryViewHour.article_id == article_id)
    query = query.where(hour >= start, hour < end).order_by(hour)
    return [(at, int(n or 0)) for at, n in db.session.execute(query)]


def _by_day(hours, first: date, last: date, zone: ZoneInfo) -> list[tuple[date, int]]:
    """Hourly sums added up into local days, every day from `first` to `last` (zeros kept)."""
    totals: dict[date, int] = {}
    for at, views in hours:
        day = at.astimezone(zone).date()
        totals[day] = totals.get(day, 0) + views
    count = (last - first).days + 1
    return [
        (first + timedelta(days=i), totals.get(first + timedelta(days=i), 0)) for i in range(count)
    ]


def site_views_by_day(
    days: int, zone: ZoneInfo, now: datetime | None = None
) -> list[tuple[date, int]]:
    """Views of every story per local day, for the last `days` days up to today."""
    now = now or utcnow()
    last = today_in(zone, now)
    first = last - timedelta(days=days - 1)
    hours = _hour_sums(local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone))
    return _by_day(hours, first, last, zone)


def top_stories(
    since: datetime,
    *,
    section_id: int | None = None,
    country_id: int | None = None,
    limit: int = TOP_LIMIT,
) -> list[tuple[int, int]]:
    """(story id, views) of the most read stories since `since`, most first, for a section or a
    country when given."""
    views = sa.func.sum(StoryViewHour.views).label("views")
    query = (
        sa.select(StoryViewHour.article_id, views)
        .where(StoryViewHour.hour >= since)
        .group_by(StoryViewHour.article_id)
        .order_by(views.desc(), StoryViewHour.article_id)
        .limit(limit)
    )
    if section_id is not None:
        query = query.join(Story, Story.id == StoryViewHour.article_id).where(
            Story.section_id == section_id
        )
    if country_id is not None:
        query = query.join(
            story_countries, story_countries.c.article_id == StoryViewHour.article_id
        ).where(story_countries.c.country_id == country_id)
    return [(ident, int(n)) for ident, n in db.session.execute(query)]


def with_headlines(*lists: list[tuple[int, int]]) -> list[list[StoryViews]]:
    """Most-read lists with each story's headline and section, fetched in one query for all."""
    ids = {ident for rows in lists for ident, _ in rows}
    found = {}
    if ids:
        query = (
            sa.select(Story.id, Story.headline, Section.name)
            .join(Section, Section.id == Story.section_id)
            .where(Story.id.in_(ids))
        )
        found = {
            ident: (headline, section) for ident, headline, section in db.session.execute(query)
        }
    return [
        [StoryViews(ident, *found[ident], views) for ident, views in rows if ident in found]
        for rows in lists
    ]


def most_read_today_and_week(
    zone: ZoneInfo,
    *,
    section_id: int | None = None,
    country_id: int | None = None,
    now: datetime | None = None,
) -> tuple[list[StoryViews], list[StoryViews]]:
    """The most read stories since local midnight, and over the last seven local days."""
    today = today_in(zone, now)
    filters = {"section_id": section_id, "country_id": country_id}
    day = top_stories(local_midnight(today, zone), **filters)
    week = top_stories(local_midnight(today - timedelta(days=6), zone), **filters)
    return tuple(with_headlines(day, week))


def referrers(days: int, now: datetime | None = None) -> tuple[list, list]:
    """Where readers came from over the last `days` UTC days: the channels (direct, search,
    feed, email) and the top referring sites, each as (name, views), most first."""
    since = (now or utcnow()).astimezone(UTC).date() - timedelta(days=days - 1)
    views = sa.func.sum(ReferrerDay.views).label("views")
    base = (
        sa.select(ReferrerDay.host, views)
        .where(ReferrerDay.day >= since)
        .group_by(ReferrerDay.host)
        .order_by(views.desc(), ReferrerDay.host)
    )
    channels = db.session.execute(base.where(ReferrerDay.host.in_(CHANNELS))).all()
    sites = db.session.execute(
        base.where(ReferrerDay.host.not_in(CHANNELS)).limit(REFERRER_LIMIT)
    ).all()
    return [(h, int(n)) for h, n in channels], [(h, int(n)) for h, n in sites]


def search_misses(days: int, now: datetime | None = None) -> list[tuple[str, int]]:
    """Searches that found nothing over the last `days` UTC days, most frequent first."""
    since = (now or utcnow()).astimezone(UTC).date() - timedelta(days=days - 1)
    searches = sa.func.sum(SearchMissDay.searches).label("searches")
    query = (
        sa.select(SearchMissDay.query, searches)
        .where(SearchMissDay.day >= since)
        .group_by(SearchMissDay.query)
        .order_by(searches.desc(), SearchMissDay.query)
        .limit(MISS_LIMIT)
    )
    return [(q, int(n)) for q, n in db.session.execute(query)]


def story_history(story: Story, zone: ZoneInfo, now: datetime | None = None) -> StoryHistory:
    """One story's views: by hour for its first 48 h after it went live, then by local day up
    to today (its last STORY_DAYS days at most), and its total over all time."""
    now = now or utcnow()
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StoryViewHour.views), 0)).where(
            StoryViewHour.article_id == story.id
        )
    )
    went_live = story.live_at or story.published_at
    if went_live is None or went_live > now:
        return StoryHistory(None, [], [], int(total), True, False)
    start = went_live.replace(minute=0, second=0, microsecond=0)
    second_phase = start + timedelta(hours=FIRST_HOURS)
    # Hourly rows before the retention cut-off are folded into monthly ones (readership_fold).
    hourly_kept = second_phase > retention_cutoff(now)
    hours: list[tuple[datetime, int]] = []
    if hourly_kept:
        counted = dict(_hour_sums(start, second_phase, story.id))
        hours = [
            (start + timedelta(hours=i), counted.get(start + timedelta(hours=i), 0))
            for i in range(FIRST_HOURS)
            if start + timedelta(hours=i) <= now
        ]
    days: list[tuple[date, int]] = []
    days_cut = False
    if second_phase <= now:
        last = today_in(zone, now)
        first = second_phase.astimezone(zone).date()
        if (last - first).days >= STORY_DAYS:
            first, days_cut = last - timedelta(days=STORY_DAYS - 1), True
        range_start = max(second_phase, local_midnight(first, zone))
        counted = _hour_sums(range_start, local_midnight(last + timedelta(days=1), zone), story.id)
        days = _by_day(counted, first, last, zone)
    return StoryHistory(went_live, hours, days, int(total), hourly_kept, days_cut)
