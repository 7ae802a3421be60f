"""The photo library: each photo's words, its focal point, and the names of its stored files."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from newsroom.models.base import UTCDateTime, contains, utcnow
from newsroom.models.cursors import Cursor, Page, keyset

# Ids are 32-bit integers on PostgreSQL: a larger number names no photo (and would overflow).
PHOTO_ID_MAX = 2**31 - 1
# The shapes photos are cropped to around their focal point: 16:9 for cards and social images,
# 1:1 for the library's thumbnails, 4:5 for the home page's strip of visual stories.
CROP_SHAPES = {"16x9": (16, 9), "1x1": (1, 1), "4x5": (4, 5)}
# Social sites (Open Graph) are sent one 1200-pixel-wide 16:9 JPEG.
SOCIAL_WIDTH = 1200


def crop_file_name(key: str, shape: str, tag: str, width: int, fmt: str) -> str:
    """A cropped variant's file: key, shape ("16x9"; "og" for the social image), set, width."""
    return f"{key}-{shape}-{tag}-{width}.{fmt}"


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
    copyright: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # Comma-separated, as the editor types them and as the library searches them.
    keywords: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # Where the subject is, as fractions of the width and height: every crop is centred on it.
    focal_x: Mapped[float] = mapped_column(sa.Float, default=0.5, server_default="0.5")
    focal_y: Mapped[float] = mapped_column(sa.Float, default=0.5, server_default="0.5")
    # The current set of cropped files: a new tag (so new file names, which browsers and caches
    # have never seen) each time the focal point moves; "" for photos stored before crops.
    crop_tag: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    crop_widths: Mapped[dict[str, list[int]]] = mapped_column(
        sa.JSON, default=dict, server_default="{}"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def variant_name(self, width: int, fmt: str) -> str:
        return f"{self.key}-{width}.{fmt}"

    def height_for(self, width: int) -> int:
        return round(self.height * width / self.width)

    def best_width(self, wanted: int) -> int:
        """The smallest stored variant at least `wanted` wide, else the widest there is."""
        wider = [w for w in self.variant_widths if w >= wanted]
        return min(wider) if wider else max(self.variant_widths)

    def has_crop(self, shape: str) -> bool:
        """Whether this photo has files cropped to the shape (older photos have none)."""
        return bool(self.crop_tag and (self.crop_widths or {}).get(shape))

    def crop_name(self, shape: str, width: int, fmt: str) -> str:
        return crop_file_name(self.key, shape, self.crop_tag, width, fmt)

    def social_name(self) -> str:
        return crop_file_name(self.key, "og", self.crop_tag, SOCIAL_WIDTH, "jpg")

    def crop_height(self, shape: str, width: int) -> int:
        across, down = CROP_SHAPES[shape]
        return round(width * down / across)

    def best_crop_width(self, shape: str, wanted: int) -> int:
        """The smallest cropped variant at least `wanted` wide, else the widest there is."""
        widths = self.crop_widths[shape]
        wider = [w for w in widths if w >= wanted]
        return min(wider) if wider else max(widths)

    @classmethod
    def library(cls, q: str = "", limit: int = 60) -> list[Photo]:
        """The first photos of the library, or of a search in it: the rows of `library_page`."""
        return cls.library_page(q, limit=limit).rows

    @classmethod
    def library_page(cls, q: str = "", before: Cursor | None = None, limit: int = 60) -> Page:
        """A page of photos newest first (by number), matching q in the alt text, caption,
        credit or keywords, or "#12"/"12" as a photo's number; `before` is the previous page's
        last photo."""
        query = sa.select(cls)
        q = q.strip()
        if q:
            words = (cls.alt, cls.caption, cls.credit, cls.keywords)
            found = sa.or_(*(contains(column, q) for column in words))
            number = q.removeprefix("#")
            ident = int(number) if number.isascii() and number.isdigit() and len(number) < 11 else 0
            if 0 < ident <= PHOTO_ID_MAX:
                found = sa.or_(cls.id == ident, found)
            query = query.where(found)
        return keyset(query, (cls.id,), before=before, limit=limit)

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
