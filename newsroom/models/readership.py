"""What readers read, counted without cookies: views per story and per hour, where readers came
from, and the searches that found nothing.

Rows are folded in from a buffer (Redis in production, a small table on the embedded default; see
newsroom.readership), never written per view, so a burst of readers costs the editors' saves no
lock. Each bucket is the start of a UTC hour; rows older than 13 months are folded into one row
per month (the bucket then starts a month), so the tables stay small and keep their totals.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow


class StoryViewHour(db.Model):
    """How many times one story was read in one hour (a month, once older than 13 months)."""

    __tablename__ = "story_view_hours"

    article_id: Mapped[int] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.Index("ix_story_view_hours_hour", "hour", "article_id"),)


class ReferrerDay(db.Model):
    """Where readers came from, per UTC day: a referrer's host name only (never its path), or one
    of the channels "feed", "email", "direct", "search" (the site's own search)."""

    __tablename__ = "referrer_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    host: Mapped[str] = mapped_column(sa.String(253), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class SearchMissDay(db.Model):
    """Searches that found nothing, per UTC day, by their normalised words (lower case, spaces
    collapsed, at most 200 characters)."""

    __tablename__ = "search_miss_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    query: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    searches: Mapped[int] = mapped_column(default=0)


class ViewBuffer(db.Model):
    """Counts not yet folded into the tables above, on the embedded default (no Redis): each row
    is a batch of increments a worker wrote in one statement. `kind` is "story", "referrer" or
    "miss"; `key` the story id, host or query; `bucket` the hour or day as ISO text."""

    __tablename__ = "view_buffer"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(253))
    bucket: Mapped[str] = mapped_column(sa.String(32))
    count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
