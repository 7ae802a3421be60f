"""Folding the buffered counts into the readership tables, and retiring old detail.

`fold()` drains both buffers (newsroom/readership_buffer.py) and adds what they held to
StoryViewHour, ReferrerDay and SearchMissDay with upserts (INSERT ... ON CONFLICT DO UPDATE,
on SQLite and PostgreSQL alike), in one transaction with the buffer table's DELETE: either all
of a fold is stored or none of it, and none of it is lost.

`retire_old_counts()` keeps 13 months of detail: hourly rows older than that become one row per
story and month (bucket = the month's first hour), referrer and search-miss days are deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from extensions import cache, db
from newsroom.models import ReferrerDay, SearchMissDay, Story, StoryViewHour, utcnow
from newsroom.readership_buffer import drain

log = logging.getLogger(__name__)

KEEP_MONTHS = 13
CHUNK = 500


@dataclass
class FoldReport:
    views: int = 0
    stories: int = 0
    referrers: int = 0
    misses: int = 0


@dataclass
class RetentionReport:
    hours_folded: int = 0
    months_written: int = 0
    referrer_days: int = 0
    miss_days: int = 0


# Held while a fold runs, so two (the beacon endpoint's and the command, or two workers after a
# long one) never read the same Redis hashes; taken over after this long by a fold that finds
# it left behind by one that died.
FOLDING_LOCK = "readership-folding"
FOLDING_SECONDS = 600


def fold() -> FoldReport:
    """Move every buffered count into the tables; committed before the buffers let go of it.
    Nothing is folded (an empty report) while another fold runs."""
    if not cache.claim(FOLDING_LOCK, timeout=FOLDING_SECONDS):
        log.info("another fold is running; this one leaves the counts to it")
        return FoldReport(views=0, stories=0, referrers=0, misses=0)
    try:
        return _fold()
    finally:
        cache.release(FOLDING_LOCK)


def _fold() -> FoldReport:
    drained = drain()
    try:
        existing = _existing_story_ids({story for story, _hour in drained.stories})
        stories = {k: n for k, n in drained.stories.items() if k[0] in existing}
        if len(stories) < len(drained.stories):
            log.info("views of %d deleted stories dropped", len(drained.stories) - len(stories))
        _upsert(
            StoryViewHour,
            [{"article_id": a, "hour": h, "views": n} for (a, h), n in stories.items()],
            ("article_id", "hour"),
            "views",
        )
        _upsert(
            ReferrerDay,
            [{"day": d, "host": k, "views": n} for (d, k), n in drained.referrers.items()],
            ("day", "host"),
            "views",
        )
        _upsert(
            SearchMissDay,
            [{"day": d, "query": k, "searches": n} for (d, k), n in drained.misses.items()],
            ("day", "query"),
            "searches",
        )
        drained.note_folded()
        db.session.commit()
    except Exception:
        db.session.rollback()  # the table's rows come back; Redis's renamed hashes stay
        raise
    drained.finish()
    return FoldReport(
        views=sum(stories.values()),
        stories=len({a for a, _h in stories}),
        referrers=sum(drained.referrers.values()),
        misses=sum(drained.misses.values()),
    )


def _existing_story_ids(ids: set[int]) -> set[int]:
    found: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(db.session.scalars(sa.select(Story.id).where(Story.id.in_(chunk))))
    return found


def _upsert(model, rows: list[dict], index: tuple[str, ...], column: str) -> None:
    """Add each row's count to the row with the same key, or insert it."""
    if not rows:
        return
    table = model.__table__
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert
    for start in range(0, len(rows), CHUNK):
        statement = insert(table).values(rows[start : start + CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=list(index),
            set_={column: table.c[column] + statement.excluded[column]},
        )
        db.session.execute(statement)


# --- retention ---------------------------------------------------------------------------------


def month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def months_before(moment: datetime, months: int) -> datetime:
    """The first hour of the month `months` before the month of `moment`."""
    index = moment.year * 12 + (moment.month - 1) - months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _fold_month(start: datetime, end: datetime, report: RetentionReport) -> tuple[bool, bool]:
    """Fold one month's hourly rows into one row per story at the month's start. Whether the
    month had rows, and whether any was not yet folded."""
    table = StoryViewHour.__table__
    # Per story: rows seen, views, whether the only row is already the month's.
    months: dict[int, list] = {}
    rows = db.session.execute(
        sa.select(table.c.article_id, table.c.hour, table.c.views).where(
            table.c.hour >= start, table.c.hour < end
        )
    )
    for article_id, hour, views in rows:
        hour = hour.replace(tzinfo=UTC) if hour.tzinfo is None else hour
        seen = months.setdefault(article_id, [0, 0, True])
        seen[0] += 1
        seen[1] += views
        seen[2] = seen[2] and hour == start
    changed = {a: n for a, (count, n, at_start) in months.items() if count > 1 or not at_start}
    if not changed:
        return bool(months), False
    report.hours_folded += sum(months[a][0] for a in changed)
    report.months_written += len(changed)
    delete = sa.delete(table).where(
        table.c.article_id == sa.bindparam("a"),
        table.c.hour >= sa.bindparam("start", type_=table.c.hour.type),
        table.c.hour < sa.bindparam("end", type_=table.c.hour.type),
    )
    db.session.execute(delete, [{"a": a, "start": start, "end": end} for a in changed])
    db.session.execute(
        sa.insert(table), [{"article_id": a, "hour": start, "views": n} for a, n in changed.items()]
    )
    return True, True


def _any_before(moment: datetime) -> bool:
    table = StoryViewHour.__table__
    return (
        db.session.scalar(sa.select(table.c.hour).where(table.c.hour < moment).limit(1)) is not None
    )


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Detail before this (the start of a month, 13 months back) is aggregated away."""
    return months_before(now or utcnow(), KEEP_MONTHS)


def retire_old_counts(now: datetime | None = None) -> RetentionReport:
    """Fold hourly rows older than 13 months into monthly ones; delete old referrer and
    search-miss days. Running it again changes nothing.

    Month by month backwards from the cut-off, stopping at the first month already folded: a
    daily run reads one month's rows (one per story once folded), not the whole history, and
    keeps one running total per story and month, not the rows."""
    cutoff = retention_cutoff(now)
    report = RetentionReport()
    end = cutoff
    while True:
        start = months_before(end, 1)
        had_rows, folded = _fold_month(start, end, report)
        if had_rows and not folded:
            break  # folded by an earlier run, and so is every month before it
        if not had_rows and not _any_before(start):
            break
        end = start
    report.referrer_days = (
        db.session.execute(sa.delete(ReferrerDay).where(ReferrerDay.day < cutoff.date())).rowcount
        or 0
    )
    report.miss_days = (
        db.session.execute(
            sa.delete(SearchMissDay).where(SearchMissDay.day < cutoff.date())
        ).rowcount
        or 0
    )
    db.session.commit()
    return report
