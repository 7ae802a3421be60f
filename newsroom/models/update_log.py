"""A published story's update log: the notes readers get when it changes after publication.

An entry is an update ("Updated with the death toll from the provincial authority") or a
correction ("An earlier version misstated ..."). Entries, and the saves an editor marks as
substantive, are what "Updated" and `dateModified` follow; a typo fix moves neither."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow
from newsroom.models.cursors import Cursor, Page, keyset
from newsroom.models.people import User
from newsroom.models.story import Story

UPDATE_TEXT_MAX = 2000


class UpdateKind(enum.StrEnum):
    UPDATE = "update"
    CORRECTION = "correction"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class StoryUpdate(db.Model):
    """One note in a story's update log, with the time readers are told it was made."""

    __tablename__ = "story_updates"
    __table_args__ = (
        sa.Index("ix_story_updates_story", "story_id", "at", "id"),
        sa.Index("ix_story_updates_kind", "kind", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20), default=UpdateKind.UPDATE.value)
    text: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    story: Mapped[Story] = relationship()
    by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return UpdateKind(self.kind).label

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.id, self.at)

    @classmethod
    def of(cls, story: Story) -> list[StoryUpdate]:
        """The story's log, oldest first: the order readers read it in."""
        return db.session.scalars(
            sa.select(cls).where(cls.story_id == story.id).order_by(cls.at, cls.id)
        ).all()

    @classmethod
    def latest_at(cls, story: Story) -> datetime | None:
        return db.session.scalar(sa.select(sa.func.max(cls.at)).where(cls.story_id == story.id))

    @classmethod
    def corrections_page(cls, *, before: Cursor | None = None, limit: int = 25) -> Page:
        """Corrections to stories readers may see, newest first, keyset-paged on (at, id)."""
        query = (
            sa.select(cls)
            .join(cls.story)
            .where(cls.kind == UpdateKind.CORRECTION.value, Story.visible())
            .options(
                # The page shows each story's time in its zone: its dateline country's, else its
                # first country's. Loaded with the page, not one query per correction.
                joinedload(cls.story).joinedload(Story.dateline_country),
                joinedload(cls.story).selectinload(Story.countries),
            )
        )
        return keyset(query, (cls.at, cls.id), before=before, limit=limit)


def refresh_updated_at(story: Story) -> None:
    """Set the time readers see as "Updated" (and `dateModified`): the latest of the last
    substantive edit and the latest entry of the log; nothing else moves it."""
    times = [t for t in (story.edited_at, StoryUpdate.latest_at(story)) if t is not None]
    story.updated_at = max(times, default=None)


def mark_substantive(story: Story, at: datetime | None = None) -> None:
    """A change readers should be told of (an editor's marked save, a partner's update)."""
    story.edited_at = at or utcnow()
    refresh_updated_at(story)
