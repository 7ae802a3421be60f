"""What every model module shares: the clock, the timestamp type, the enums, the link tables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa

from extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Kind(enum.StrEnum):
    NEWS = "news"
    ANALYSIS = "analysis"
    INTERVIEW = "interview"
    OPINION = "opinion"
    PHOTO = "photo"
    VIDEO = "video"

    @property
    def label(self) -> str:
        return {"photo": "Photo story", "video": "Video"}.get(self.value, self.value.capitalize())


class Status(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    KILLED = "killed"


class Role(enum.StrEnum):
    WRITER = "writer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"writer": 1, "editor": 2, "admin": 3}[self.value]


story_authors = sa.Table(
    "article_authors",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("author_id", sa.ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Index("ix_article_authors_author", "author_id", "article_id"),
)

story_countries = sa.Table(
    "article_countries",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "country_id",
        sa.ForeignKey("countries.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_article_countries_country", "country_id", "article_id"),
)

story_tags = sa.Table(
    "article_tags",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_article_tags_tag", "tag_id", "article_id"),
)


def contains(column, text: str):
    """Case-insensitive "column contains text"; a % or _ in the text matches only itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
