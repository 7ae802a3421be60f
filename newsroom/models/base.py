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
    LIVE = "live"

    @property
    def label(self) -> str:
        return {"photo": "Photo story", "video": "Video", "live": "Live coverage"}.get(
            self.value, self.value.capitalize()
        )


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


# A story's links to its authors, countries and tags. Each row keeps a copy of the story's live_at
# (newsroom.models.story_links keeps it in step on every flush), so an author's, a country's or a
# tag's list walks (subject, live_at, article_id) newest first and stops after a page, however few
# of the archive's stories the subject has.
story_authors = sa.Table(
    "article_authors",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("author_id", sa.ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("live_at", UTCDateTime),
    sa.Index("ix_article_authors_author_live", "author_id", "live_at", "article_id"),
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
    sa.Column("live_at", UTCDateTime),
    sa.Index("ix_article_countries_country_live", "country_id", "live_at", "article_id"),
)

story_tags = sa.Table(
    "article_tags",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("live_at", UTCDateTime),
    sa.Index("ix_article_tags_tag_live", "tag_id", "live_at", "article_id"),
)


class Addressed:
    """A row with a web address of its own (a slug): stories, sections, regions, countries, tags
    and authors."""

    @classmethod
    def by_slug(cls, slug: str):
        return db.session.scalar(sa.select(cls).where(cls.slug == slug))

    @classmethod
    def slug_owner(cls, slug: str) -> int | None:
        """The id of the row at this address, if one is there."""
        return db.session.scalar(sa.select(cls.id).where(cls.slug == slug))


class Named(Addressed):
    """What stories are filed under (sections, regions, countries, tags, authors): a name too."""

    @classmethod
    def all_by_name(cls) -> list:
        return db.session.scalars(sa.select(cls).order_by(cls.name)).all()

    @classmethod
    def matching(cls, text: str, limit: int = 8) -> list:
        """Those whose name contains the text (any case), names that start with it first."""
        first = sa.case((cls.name.ilike(f"{_like_escaped(text)}%", escape="\\"), 0), else_=1)
        query = sa.select(cls).where(contains(cls.name, text)).order_by(first, cls.name)
        return db.session.scalars(query.limit(limit)).all()


def contains(column, text: str):
    """Case-insensitive "column contains text"; a % or _ in the text matches only itself."""
    return column.ilike(f"%{_like_escaped(text)}%", escape="\\")


def fold(text: str) -> str:
    """Text as search compares it: case-folded (str.casefold), and the dotted capital I of
    Turkish and Azerbaijani folded to a plain i, as PostgreSQL's lower() folds it (casefold
    gives i and a combining dot, so "istanbul" would miss "İstanbul")."""
    return text.casefold().replace("i\u0307", "i")


def contains_folded(column, text: str):
    """ "column contains text" for a column of folded text (Story.search_folded): the text
    folded the same way and matched by a plain LIKE, which folds nothing per row. A % or _ in
    the text matches only itself."""
    return column.like(f"%{_like_escaped(fold(text))}%", escape="\\")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
