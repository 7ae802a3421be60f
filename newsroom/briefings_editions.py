"""Morning briefings, the newsroom's side: each region's edition assembled, reviewed, queued and
sent at 07:00 on the region's clock (Region.timezone), and the archive.

The timer runs `send_due` every few minutes; it is idempotent:
- the edition whose 07:00 has come is assembled if missing (the stories of the last 24 hours for
  the region's countries, most read first), and the next one too, so editors can review it;
- an edition not yet queued when its 07:00 has come is queued: one outbox row per confirmed
  subscriber of the region (key briefing:<edition>:<subscriber>), written in one transaction
  together with the edition's queued_at, taken by an UPDATE ... WHERE queued_at IS NULL so two
  senders never both queue it;
- an edition more than BRIEFINGS_LATEST_HOURS past its 07:00 and not yet queued is skipped (after
  an outage, nobody gets yesterday's briefing at lunchtime); one already queued is always
  finished: a crash part-way through resumes where it stopped (newsroom.outbox);
- an edition whose rows are all delivered (or given up on) is marked sent, and the archive
  shows it from then on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from extensions import db
from newsroom import outbox
from newsroom.briefings import deliver_email
from newsroom.models import (
    Briefing,
    Country,
    OutboxMessage,
    Region,
    Story,
    StoryViewHour,
    Subscriber,
    story_countries,
    subscriber_regions,
    utcnow,
)
from newsroom.zones import to_utc

SEND_TIME = time(7, 0)
WINDOW = timedelta(hours=24)
# Stories in an edition: the lead and up to this many more.
STORIES = 8
INSERT_CHUNK = 1000


def edition_due(region: Region, now: datetime) -> tuple[date, datetime]:
    """The latest edition whose 07:00 (on the region's clock) has come: its date and send time."""
    local = now.astimezone(region.zone)
    day = local.date() if local.time() >= SEND_TIME else local.date() - timedelta(days=1)
    return day, send_time(region, day)


def send_time(region: Region, day: date) -> datetime:
    return to_utc(datetime.combine(day, SEND_TIME), region.zone)


def top_stories(region: Region, until: datetime, limit: int = STORIES + 1, exclude=()) -> list[int]:
    """The region's stories that went live in the 24 hours before `until`, most read first
    (views counted in that window), newest first among equals; when none went live, the newest
    of the week. The one place to switch to newsroom.readership's most-read when it lands."""
    since = until - WINDOW
    views = (
        sa.select(StoryViewHour.article_id, sa.func.sum(StoryViewHour.views).label("views"))
        .where(StoryViewHour.hour >= since, StoryViewHour.hour < until)
        .group_by(StoryViewHour.article_id)
        .subquery()
    )

    def in_region(start: datetime):
        return (
            sa.select(story_countries.c.article_id)
            .join(Country, Country.id == story_countries.c.country_id)
            .where(
                Country.region_id == region.id,
                story_countries.c.live_at > start,
                story_countries.c.live_at <= until,
            )
        )

    for start, ranked in ((since, True), (until - timedelta(days=7), False)):
        query = sa.select(Story.id).where(
            Story.id.in_(in_region(start)), Story.visible(until), Story.id.not_in(list(exclude))
        )
        if ranked:
            query = query.outerjoin(views, views.c.article_id == Story.id).order_by(
                sa.func.coalesce(views.c.views, 0).desc()
            )
        query = query.order_by(Story.live_at.desc(), Story.id.desc()).limit(limit)
        found = list(db.session.scalars(query))
        if found:
            return found
    return []


def assemble(region: Region, day: date, now: datetime) -> Briefing:
    """The region's edition for `day`, made now if missing (a concurrent maker wins a tie)."""
    found = edition_of(region, day)
    if found is not None:
        return found
    briefing = Briefing(
        region_id=region.id,
        edition=day,
        send_at=send_time(region, day),
        story_ids=top_stories(region, now),
        assembled_at=now,
        intro="",
    )
    db.session.add(briefing)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        briefing = edition_of(region, day)
    return briefing


def edition_of(region: Region, day: date) -> Briefing | None:
    return db.session.scalar(
        sa.select(Briefing).where(Briefing.region_id == region.id, Briefing.edition == day)
    )


def refresh(briefing: Briefing, now: datetime) -> None:
    """An edition nobody reviewed takes the stories read most up to now; a reviewed one keeps
    the editors' choice and order."""
    if briefing.reviewed_at is None and briefing.queued_at is None:
        briefing.story_ids = top_stories(briefing.region, now)
        briefing.assembled_at = now


def subscriber_ids(region_id: int) -> list[int]:
    """The confirmed subscribers of the region."""
    return list(
        db.session.scalars(
            sa.select(Subscriber.id)
            .join(subscriber_regions, subscriber_regions.c.subscriber_id == Subscriber.id)
            .where(
                subscriber_regions.c.region_id == region_id, Subscriber.confirmed_at.is_not(None)
            )
            .order_by(Subscriber.id)
        )
    )


def queue(briefing: Briefing, now: datetime) -> int:
    """Write one outbox row per confirmed subscriber, with queued_at, in one transaction; 0 if
    another sender queued it first (or the edition has no story to send)."""
    # Claimed first: from here an editor's save is refused (review() changes only an edition
    # not queued), and one committed just before is read back below, never overwritten.
    claimed = db.session.execute(
        sa.update(Briefing)
        .where(Briefing.id == briefing.id, Briefing.queued_at.is_(None))
        .values(queued_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return 0
    db.session.refresh(briefing)
    if briefing.reviewed_at is None:
        briefing.story_ids = top_stories(briefing.region, now)
        briefing.assembled_at = now
    if not briefing.story_ids and not briefing.lead_id:
        db.session.rollback()  # nothing to send yet: not queued
        return 0
    ids = subscriber_ids(briefing.region_id)
    rows = [
        {
            "kind": "email",
            "key": f"briefing:{briefing.id}:{sid}",
            "payload": {"message": "briefing", "briefing_id": briefing.id, "subscriber_id": sid},
            "created_at": now,
            "due_at": now,
            "attempts": 0,
            "last_error": "",
        }
        for sid in ids
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(sa.insert(OutboxMessage), rows[start : start + INSERT_CHUNK])
    briefing.recipients = len(ids)
    db.session.commit()
    return len(ids)


def _rows_of(briefing_id: int):
    return OutboxMessage.key.like(f"briefing:{briefing_id}:%")


def finish_sent(now: datetime) -> list[Briefing]:
    """Mark sent every queued edition with nothing left waiting."""
    done = []
    for briefing in db.session.scalars(
        sa.select(Briefing).where(Briefing.queued_at.is_not(None), Briefing.sent_at.is_(None))
    ).all():
        waiting = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(
                _rows_of(briefing.id),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
        )
        if not waiting:
            briefing.sent_at = now
            done.append(briefing)
    db.session.commit()
    return done


def send_due(now: datetime | None = None, deliver: bool = True) -> dict:
    """Everything the timer does: assemble, queue, deliver, mark sent. Safe to run at any time
    and as often as wanted; returns what it did, for the command line."""
    now = now or utcnow()
    late = timedelta(hours=float(current_app.config["BRIEFINGS_LATEST_HOURS"]))
    report: dict = {"queued": {}, "skipped": [], "assembled": [], "sent": []}
    for region in Region.ordered():
        day, send_at = edition_due(region, now)
        briefing = edition_of(region, day)
        if briefing is None or briefing.queued_at is None:
            if now - send_at > late:
                report["skipped"].append(f"{region.slug} {day}")
            else:
                briefing = briefing or assemble(region, day, now)
                report["queued"][f"{region.slug} {day}"] = queue(briefing, now)
        upcoming = day + timedelta(days=1)
        if edition_of(region, upcoming) is None:
            assemble(region, upcoming, now)
            report["assembled"].append(f"{region.slug} {upcoming}")
    if deliver:
        report["delivered"] = outbox.deliver(
            "email",
            deliver_email,
            per_second=float(current_app.config["BRIEFINGS_PER_SECOND"]) or None,
        )
    report["sent"] = [f"{b.region.slug} {b.edition}" for b in finish_sent(utcnow())]
    return report


# --- Editors' review ----------------------------------------------------------------------------


class EditionLocked(Exception):
    """The edition is queued or sent: what readers receive can no longer change."""


def review(briefing: Briefing, *, intro: str, lead_id: int | None, order: list[int], editor_id):
    """Save an editor's intro, lead and order (the stories in `order`, lead excluded)."""
    if briefing.locked:
        raise EditionLocked
    allowed = set(briefing.story_ids) | ({briefing.lead_id} if briefing.lead_id else set())
    lead = lead_id if lead_id in allowed else None
    rest = [i for i in order if i in allowed and i != lead]
    rest += [i for i in briefing.story_ids if i not in rest and i != lead]
    if briefing.lead_id and briefing.lead_id not in rest and briefing.lead_id != lead:
        rest.insert(0, briefing.lead_id)
    # Only while nobody has queued it: a sender that claimed it a moment ago wins (EditionLocked).
    saved = db.session.execute(
        sa.update(Briefing)
        .where(Briefing.id == briefing.id, Briefing.queued_at.is_(None))
        .values(
            intro=intro.strip(),
            lead_id=lead,
            story_ids=rest,
            reviewed_by_id=editor_id,
            reviewed_at=utcnow(),
        )
    )
    if saved.rowcount != 1:
        db.session.rollback()
        raise EditionLocked
    db.session.commit()


def upcoming(now: datetime | None = None) -> list[Briefing]:
    """Editions from yesterday's on, soonest first: the review list (one skipped after an outage
    drops off it the next day)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Briefing)
            .where(Briefing.send_at >= now - timedelta(days=1))
            .order_by(Briefing.send_at, Briefing.region_id)
            .limit(60)
        )
    )


def stories_of(briefing: Briefing) -> list[Story]:
    """The edition's stories in order, lead first (visible or not: the review shows all)."""
    ids = ([briefing.lead_id] if briefing.lead_id else []) + [
        i for i in briefing.story_ids if i != briefing.lead_id
    ]
    found = {s.id: s for s in db.session.scalars(sa.select(Story).where(Story.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def sent_editions(region: Region, before: date | None = None, limit: int = 30) -> list[Briefing]:
    """The region's sent editions, newest first, keyset-paginated on the edition date."""
    query = sa.select(Briefing).where(
        Briefing.region_id == region.id, Briefing.sent_at.is_not(None)
    )
    if before is not None:
        query = query.where(Briefing.edition < before)
    return list(db.session.scalars(query.order_by(Briefing.edition.desc()).limit(limit)))
