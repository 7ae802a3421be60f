"""The home page as editors arrange it: the stories chosen for its lead, top and section slots.

`Front` is the arrangement itself (one row, "home"), with a revision number that a save must
carry, so two editors cannot save over each other unseen. `FrontSlot` is one chosen story in one
slot: the lead (position 0), a top story (positions 0-3) or a section block's story (0-2). An
empty slot is no row; a story that is deleted takes its slot rows with it (ON DELETE CASCADE).
Which of the chosen stories readers may see, and what fills the rest, is newsroom/fronts.py."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from extensions import db
from newsroom.models.base import UTCDateTime
from newsroom.models.people import User

HOME = "home"
LEAD, TOP, SECTION = "lead", "top", "section"
TOP_SLOTS = 4
SECTION_SLOTS = 3


class Front(db.Model):
    """One arranged front page and who arranged it last."""

    __tablename__ = "fronts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Bumped on every save; a form that carries an older number would overwrite unseen changes.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    arranged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arranged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    arranged_by: Mapped[User | None] = relationship()
    slots: Mapped[list[FrontSlot]] = relationship(
        back_populates="front",
        cascade="all, delete-orphan",
        order_by="FrontSlot.position",
    )

    @classmethod
    def named(cls, name: str = HOME) -> Front | None:
        """The front by name, with its slots, in one query (None until first arranged)."""
        return db.session.scalars(
            sa.select(cls).where(cls.name == name).options(selectinload(cls.slots))
        ).first()

    def __str__(self) -> str:
        return f"the {self.name} front"


class FrontSlot(db.Model):
    """One story an editor chose for one place on a front."""

    __tablename__ = "front_slots"
    __table_args__ = (
        # A story is chosen once per front: the home page shows each story once.
        sa.UniqueConstraint("front_id", "story_id", name="uq_front_slots_story"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    front_id: Mapped[int] = mapped_column(sa.ForeignKey("fronts.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(sa.String(20))  # lead, top or section
    # For a section block: which section's block (its slots go when the section goes).
    section_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    story_id: Mapped[int] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )

    front: Mapped[Front] = relationship(back_populates="slots")
