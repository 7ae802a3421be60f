"""Messages sent to the newsroom through the contact form."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow
from newsroom.models.cursors import Cursor, Page, keyset


class ContactMessage(db.Model):
    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    handled: Mapped[bool] = mapped_column(default=False)

    @classmethod
    def unread_count(cls) -> int:
        """How many messages nobody has marked as handled."""
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(cls).where(cls.handled.is_(False))
        )

    @classmethod
    def newest_page(cls, before: Cursor | None = None, limit: int = 25) -> Page:
        """A page of messages, newest first (received, then id); `before` is the cursor of the
        previous page's last message."""
        return keyset(sa.select(cls), (cls.created_at, cls.id), before=before, limit=limit)
