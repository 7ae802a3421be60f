"""The photo library."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, contains, utcnow

# Ids are 32-bit integers on PostgreSQL: a larger number names no photo (and would overflow).
PHOTO_ID_MAX = 2**31 - 1


class Photo(db.Model):
    """A stored photo: the original plus resized variants in WebP and JPEG."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)  # server-generated file stem
    width: Mapped[int]
    height: Mapped[int]
    variant_widths: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    alt: Mapped[str] = mapped_column(sa.String(300))
    caption: Mapped[str] = mapped_column(sa.String(500), default="")
    credit: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def variant_name(self, width: int, fmt: str) -> str:
        return f"{self.key}-{width}.{fmt}"

    def height_for(self, width: int) -> int:
        return round(self.height * width / self.width)

    def best_width(self, wanted: int) -> int:
        """The smallest stored variant at least `wanted` wide, else the widest there is."""
        wider = [w for w in self.variant_widths if w >= wanted]
        return min(wider) if wider else max(self.variant_widths)

    @classmethod
    def library(cls, q: str = "", before: int | None = None, limit: int = 60) -> list[Photo]:
        """Photos newest first, matching q in the alt text, caption or credit, or "#12"/"12" as a
        photo's number; `before` is the id of the last photo on the previous page."""
        query = sa.select(cls)
        q = q.strip()
        if q:
            found = sa.or_(contains(cls.alt, q), contains(cls.caption, q), contains(cls.credit, q))
            number = q.removeprefix("#")
            ident = int(number) if number.isascii() and number.isdigit() and len(number) < 11 else 0
            if 0 < ident <= PHOTO_ID_MAX:
                found = sa.or_(cls.id == ident, found)
            query = query.where(found)
        if before is not None:
            query = query.where(cls.id < before)
        return list(db.session.scalars(query.order_by(cls.id.desc()).limit(limit)))

    @classmethod
    def existing(cls, ids) -> set[int]:
        """Which of these photo numbers are in the library."""
        ids = [i for i in ids if 0 < i <= PHOTO_ID_MAX]
        if not ids:
            return set()
        return set(db.session.scalars(sa.select(cls.id).where(cls.id.in_(ids))))

    @classmethod
    def by_ids(cls, ids) -> dict[int, Photo]:
        """These photos by number, in one query; numbers not in the library are left out."""
        return {i.id: i for i in db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids))))}
