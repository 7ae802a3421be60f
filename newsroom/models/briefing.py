"""Morning briefings by email: the readers who asked for them, and each region's daily edition.

A subscriber is kept from the moment they sign up (nothing a reader typed is lost if the mail
server is down), confirmed by the link in their confirmation email, and deleted outright when
they unsubscribe or when a sign-up stays unconfirmed for a week (newsroom.briefings.purge).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow
from newsroom.models.taxonomy import Region

subscriber_regions = sa.Table(
    "subscriber_regions",
    db.metadata,
    sa.Column(
        "subscriber_id", sa.ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("region_id", sa.ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
    # A region's send walks its confirmed subscribers from here.
    sa.Index("ix_subscriber_regions_region", "region_id", "subscriber_id"),
)


def new_token() -> str:
    """An unguessable value for a subscriber's own links (256 bits)."""
    return secrets.token_urlsafe(32)


class Subscriber(db.Model):
    """A reader who asked for briefings: an address, the regions, and whether it is confirmed."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower case, surrounding spaces removed (newsroom.briefings.normalise_email).
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # In the manage and unsubscribe links of every email; the confirmation link signs it too.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the last confirmation (or "you are already subscribed") email was queued: signing up
    # again re-sends at most every few minutes.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    regions: Mapped[list[Region]] = relationship(
        secondary=subscriber_regions, order_by=Region.position
    )

    __table_args__ = (sa.Index("ix_subscribers_unconfirmed", "confirmed_at", "created_at"),)

    @classmethod
    def by_token(cls, token: str) -> Subscriber | None:
        if not token or len(token) > 64:
            return None
        return db.session.scalar(sa.select(cls).where(cls.token == token))

    @classmethod
    def by_email(cls, email: str) -> Subscriber | None:
        return db.session.scalar(sa.select(cls).where(cls.email == email))


class Briefing(db.Model):
    """One region's edition for one local date: assembled, perhaps reviewed, then sent."""

    __tablename__ = "briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id", ondelete="CASCADE"))
    # The date on the region's clock (Region.timezone) whose 07:00 the edition goes out at.
    edition: Mapped[date] = mapped_column(sa.Date)
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    # The editors' chosen lead; empty: the first of story_ids leads.
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("articles.id", ondelete="SET NULL"))
    # The stories in their order, lead excluded.
    story_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assembled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One outbox row per confirmed subscriber was written (in one transaction) at this time.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(default=0)
    # Every recipient's email was delivered (or given up on): the archive shows it from then.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("region_id", "edition", name="uq_briefings_region_edition"),
        sa.Index("ix_briefings_send_at", "send_at"),
    )

    @property
    def locked(self) -> bool:
        """Queued for sending: what readers receive can no longer change."""
        return self.queued_at is not None
