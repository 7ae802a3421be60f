"""The breaking-news ticker's items."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow


def split_link(link: str) -> SplitResult | None:
    """A link's parts, or None for one no browser could follow (`https://[news`)."""
    try:
        return urlsplit(link or "")
    except ValueError:
        return None


class Announced(Protocol):
    """What the ticker reads of a story: named here rather than imported, because
    the story module imports this one (a killed story leaves the ticker)."""

    id: int
    slug: str
    headline: str


class TickerItem(db.Model):
    __tablename__ = "breaking_items"
    __table_args__ = (sa.Index("ix_breaking_active", "expires_at", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(280))
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=lambda: utcnow() + timedelta(hours=6)
    )

    @classmethod
    def active(cls, now: datetime | None = None) -> list[TickerItem]:
        """Items not yet expired, newest first."""
        now = now or utcnow()
        return db.session.scalars(
            sa.select(cls)
            .where(cls.expires_at > now)
            .order_by(cls.position.desc(), cls.created_at.desc(), cls.id.desc())
        ).all()

    @classmethod
    def next_position(cls) -> int:
        """The position above every item, reserved for this transaction until it ends.

        Reading MAX and writing MAX + 1 is a read that decides a write: on PostgreSQL a
        transaction-scoped advisory lock makes concurrent adds take turns (SQLite's BEGIN
        IMMEDIATE already does), so two items never share a place in the ticker.
        """
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(BREAKING_ORDER_LOCK)))
        return (db.session.scalar(sa.select(sa.func.max(cls.position))) or 0) + 1

    # --- the "Breaking story" box: a live breaking story leads the ticker ---------------------

    @staticmethod
    def story_link(story: Announced) -> str:
        return f"/n/{story.id}"

    @classmethod
    def announce(cls, story: Announced) -> TickerItem:
        """Put a breaking story's headline in the ticker, linking to it, for the usual 6 hours."""
        text = " ".join(story.headline.split())
        item = cls(
            text=text if len(text) <= 280 else text[:279] + "…",
            link=cls.story_link(story),
            position=cls.next_position(),
        )
        db.session.add(item)
        return item

    @classmethod
    def withdraw(cls, story: Announced, *, only_announced: bool = False) -> None:
        """Expire the live items that lead to a story (its short link, or any link to it when
        it leaves the site), so the ticker never points at a story readers cannot read."""
        paths = {cls.story_link(story)}
        if not only_announced:
            paths.add(f"/article/{story.slug}")
        now = utcnow()
        for item in cls.active(now):
            link = item.link.split("#", 1)[0].split("?", 1)[0]
            parts = split_link(link)
            if link in paths or (link.startswith("http") and parts and parts.path in paths):
                item.expires_at = now

    @classmethod
    def recent(cls, days: int = 2) -> list[TickerItem]:
        """Live items and those that expired in the last `days` days, top of the ticker first."""
        return db.session.scalars(
            sa.select(cls)
            .where(cls.expires_at > utcnow() - timedelta(days=days))
            .order_by(cls.position.desc(), cls.id.desc())
        ).all()

    def neighbour(self, above: bool) -> TickerItem | None:
        """The live item just above (or below) this one in the ticker, locked for a swap."""
        return db.session.scalar(
            sa.select(TickerItem)
            .where(
                TickerItem.expires_at > utcnow(),
                TickerItem.position > self.position
                if above
                else TickerItem.position < self.position,
            )
            .order_by(TickerItem.position.asc() if above else TickerItem.position.desc())
            .limit(1)
            .with_for_update()
        )


BREAKING_ORDER_LOCK = 0x41_4E_42_52  # "ANBR": the ticker's ordering
