"""Work to be done outside the request that asked for it: emails to send, search engines to
notify. A row is written in the same transaction as the change that calls for it, so nothing is
lost when the server stops; newsroom.outbox delivers rows, each once (see there)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What delivers it: "email" or "indexnow".
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Unique per piece of work ("briefing:12:345", "confirm:345:2", "indexnow:<url>:<version>"):
    # asking twice for the same work adds nothing.
    key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Not before: the first try, then each retry's back-off.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # Set, committed, before a delivery starts: a row in flight is not taken by another sender
    # until then, and one whose lease ran out was being sent when its sender stopped.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Given up on (too many failures, or a permanent refusal); kept to be shown, not retried.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.Index("ix_outbox_pending", "kind", "sent_at", "failed_at", "due_at"),)
