"""The newsroom's content model: stories and everything they are filed under."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, defer, joinedload, mapped_column, relationship, selectinload

from extensions import db
from newsroom.content import make_slug
from newsroom.video import embed_url


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


article_authors = sa.Table(
    "article_authors",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("author_id", sa.ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Index("ix_article_authors_author", "author_id", "article_id"),
)

article_countries = sa.Table(
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

article_tags = sa.Table(
    "article_tags",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_article_tags_tag", "tag_id", "article_id"),
)


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    countries: Mapped[list[Country]] = relationship(
        back_populates="region", order_by="Country.name"
    )

    @classmethod
    def ordered(cls) -> list[Region]:
        return db.session.scalars(
            sa.select(cls).options(selectinload(cls.countries)).order_by(cls.position)
        ).all()


class Country(db.Model):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    iso2: Mapped[str] = mapped_column(sa.String(2), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="countries")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def all_by_name(cls) -> list[Country]:
        return db.session.scalars(sa.select(cls).order_by(cls.name)).all()

    @classmethod
    def with_ids(cls, ids) -> list[Country]:
        return list(db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids or [])))))


class Section(db.Model):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    @classmethod
    def ordered(cls) -> list[Section]:
        return db.session.scalars(sa.select(cls).order_by(cls.position)).all()


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    @classmethod
    def public(cls):
        """Tags that readers may see: those on at least one visible story.

        A tag is made by saving a story, so a tag only on drafts or scheduled stories would give
        away what the newsroom has not published yet: no page, feed or sitemap entry for it."""
        return sa.exists().where(
            article_tags.c.tag_id == cls.id,
            article_tags.c.article_id == Article.id,
            Article.visible(),
        )

    @classmethod
    def by_slug(cls, slug: str) -> Tag | None:
        return db.session.scalar(sa.select(cls).where(cls.slug == slug))


class Author(db.Model):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")

    @classmethod
    def all_by_name(cls) -> list[Author]:
        return db.session.scalars(sa.select(cls).order_by(cls.name)).all()

    @classmethod
    def with_ids(cls, ids) -> list[Author]:
        return list(db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids or [])))))


class Source(db.Model):
    """A partner outlet whose stories we carry, and what the agreement lets us do with them."""

    __tablename__ = "sources"

    POLICIES = {
        "excerpt": "Excerpt with a link to the original (indexable)",
        "full-noindex": "Full text, kept out of search engines",
        "full-canonical": "Full text, canonical link to the original",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    site_url: Mapped[str] = mapped_column(sa.String(500), default="")
    policy: Mapped[str] = mapped_column(sa.String(20), default="excerpt")
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sections.id"))


# Ids are 32-bit integers on PostgreSQL: a larger number names no photo (and would overflow).
PHOTO_ID_MAX = 2**31 - 1


class Image(db.Model):
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
    def library(cls, q: str = "", before: int | None = None, limit: int = 60) -> list[Image]:
        """Photos newest first, matching q in the alt text, caption or credit, or "#12"/"12" as a
        photo's number; `before` is the id of the last photo on the previous page."""
        query = sa.select(cls)
        q = q.strip()
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            found = sa.or_(
                cls.alt.ilike(pattern, escape="\\"),
                cls.caption.ilike(pattern, escape="\\"),
                cls.credit.ilike(pattern, escape="\\"),
            )
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
    def by_ids(cls, ids) -> dict[int, Image]:
        """These photos by number, in one query; numbers not in the library are left out."""
        return {i.id: i for i in db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids))))}


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        sa.Index("ix_articles_stream", "status", "published_at", "id"),
        sa.Index("ix_articles_section_stream", "section_id", "status", "published_at", "id"),
        sa.Index("ix_articles_kind_stream", "kind", "status", "published_at", "id"),
        sa.Index("ix_articles_live", "live_at", "id"),
        sa.UniqueConstraint("source_id", "source_guid", name="uq_articles_source_guid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    headline: Mapped[str] = mapped_column(sa.String(300))
    standfirst: Mapped[str] = mapped_column(sa.Text, default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Plain text of headline, standfirst and body, for search (kept in step on every save).
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default=Kind.NEWS.value)
    dateline: Mapped[str] = mapped_column(sa.String(120), default="")
    lang: Mapped[str] = mapped_column(sa.String(12), default="en")
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # published_at for stories that are published or scheduled, else empty: one indexed column
    # that every reader query filters and orders on, so a list walks its index newest first
    # and stops after one page, however deep the cursor (kept in step on every save).
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    correction: Mapped[str] = mapped_column(sa.Text, default="")
    correction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kill_notice: Mapped[str] = mapped_column(sa.Text, default="")
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"))
    # Where the dateline is: its time zone is the one the story's times are shown in.
    dateline_country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("countries.id"))
    hero_image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("images.id"))
    source_name: Mapped[str] = mapped_column(sa.String(120), default="")
    source_url: Mapped[str] = mapped_column(sa.String(500), default="")
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sources.id"))
    source_guid: Mapped[str | None] = mapped_column(sa.String(500))
    embed_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # Photo stories: the pictures of the gallery, in order.
    gallery_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Bumped on every save; a form that carries an older number is a stale edit.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    modified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_featured: Mapped[bool] = mapped_column(default=False)
    is_breaking: Mapped[bool] = mapped_column(default=False)

    section: Mapped[Section] = relationship()
    dateline_country: Mapped[Country | None] = relationship()
    source: Mapped[Source | None] = relationship()
    hero_image: Mapped[Image | None] = relationship()
    authors: Mapped[list[Author]] = relationship(
        secondary=article_authors, order_by=article_authors.c.position
    )
    countries: Mapped[list[Country]] = relationship(
        secondary=article_countries, order_by="Country.name"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.name")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    modified_by: Mapped[User | None] = relationship(foreign_keys=[modified_by_id])

    # --- what readers may see -------------------------------------------------------------

    @classmethod
    def visible(cls, now: datetime | None = None):
        """Published stories, and scheduled ones whose time has come (no cron needed)."""
        return cls.live_at <= (now or utcnow())

    @property
    def is_visible(self) -> bool:
        return (
            self.status in (Status.PUBLISHED, Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= utcnow()
        )

    # --- killing: withdrawn for good (legal or safety reasons); its addresses answer 410 ----------

    KILLABLE = (Status.PUBLISHED, Status.SCHEDULED, Status.UNPUBLISHED)
    KILL_NOTICE_MAX = 1000

    def kill(self, notice: str, by: User | None = None) -> None:
        """Withdraw the story for good: readers see `notice` at its addresses (410 Gone), it
        leaves every list, feed, sitemap, search and the ticker, and the audit log says who."""
        notice = " ".join((notice or "").split())
        if not notice:
            raise CannotKill("Say why the story was removed: readers see it at its address.")
        if len(notice) > self.KILL_NOTICE_MAX:
            raise CannotKill(f"Keep the notice under {self.KILL_NOTICE_MAX:,} characters.")
        if self.status not in self.KILLABLE:
            raise CannotKill(
                "Only a published, scheduled or unpublished story can be killed; "
                f"this one is {self.status}."
            )
        before = self.status
        self.status, self.kill_notice = Status.KILLED.value, notice
        self.revision = (self.revision or 0) + 1
        self.modified_by_id = getattr(by, "id", None)
        BreakingItem.withdraw(self)
        AuditEntry.record(by, "kill", self, f"kill: {self.headline} ({before} → killed): {notice}")

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the story's times are shown in: the dateline country's, else UTC."""
        if self.dateline_country is not None:
            return self.dateline_country.zone
        return self.countries[0].zone if self.countries else ZoneInfo("UTC")

    @property
    def is_syndicated(self) -> bool:
        return bool(self.source_name and self.source_url)

    @property
    def video_embed(self) -> str | None:
        return embed_url(self.video_url)

    def gallery(self) -> list[Image]:
        """The gallery's photos in the editor's order, in one query."""
        if not self.gallery_ids:
            return []
        query = sa.select(Image).where(Image.id.in_(self.gallery_ids))
        found = {i.id: i for i in db.session.scalars(query)}
        return [found[i] for i in self.gallery_ids if i in found]

    @property
    def robots_directive(self) -> str:
        """Full copies of partner stories stay out of search results unless the deal says so."""
        if self.source is not None and self.source.policy == "full-noindex":
            return "noindex, follow"
        return "max-image-preview:large"

    @property
    def canonical_override(self) -> str | None:
        if self.source is not None and self.source.policy == "full-canonical" and self.source_url:
            return self.source_url
        return None

    @property
    def cursor(self) -> str:
        return encode_cursor(self.published_at, self.id)

    # --- queries ------------------------------------------------------------------------------

    @classmethod
    def card_options(cls, *, body: bool = False):
        """Eager loads for everything a story card shows, so a list costs a fixed few queries.

        Separate SELECT ... IN loads rather than joins: a join before ORDER BY ... LIMIT makes
        SQLite join every row before sorting. Bodies stay unloaded unless asked for (feeds)."""
        options = [
            selectinload(cls.section),
            selectinload(cls.hero_image),
            selectinload(cls.dateline_country),
            selectinload(cls.countries),
            selectinload(cls.authors),
        ]
        if not body:
            options += [defer(cls.body_md), defer(cls.body_html), defer(cls.search_text)]
        return tuple(options)

    @classmethod
    def latest(
        cls,
        *,
        section: Section | None = None,
        country: Country | None = None,
        region: Region | None = None,
        tag: Tag | None = None,
        author: Author | None = None,
        kinds: tuple[str, ...] | None = None,
        before: tuple[datetime, int] | None = None,
        after: tuple[datetime, int] | None = None,
        exclude_ids: tuple[int, ...] = (),
        limit: int = 12,
        body: bool = False,
    ) -> list[Article]:
        """The newest visible stories, filtered, keyset-paginated on (live_at, id)."""
        # One upper bound on live_at, the tighter of now and the cursor, so the index range
        # starts at the cursor: a deep page costs what the first page costs.
        bound = utcnow() if before is None else min(utcnow(), before[0])
        query = sa.select(cls).where(cls.live_at <= bound)
        if section is not None:
            query = query.where(cls.section_id == section.id)
        # Correlated EXISTS, not IN (...): the list walks the live_at index newest first and
        # checks each story's membership by primary key, stopping after one page.
        if country is not None:
            query = query.where(
                sa.exists().where(
                    article_countries.c.article_id == cls.id,
                    article_countries.c.country_id == country.id,
                )
            )
        if region is not None:
            query = query.where(
                sa.exists()
                .where(article_countries.c.article_id == cls.id)
                .where(article_countries.c.country_id == Country.id)
                .where(Country.region_id == region.id)
            )
        if tag is not None:
            query = query.where(
                sa.exists().where(
                    article_tags.c.article_id == cls.id, article_tags.c.tag_id == tag.id
                )
            )
        if author is not None:
            query = query.where(
                sa.exists().where(
                    article_authors.c.article_id == cls.id,
                    article_authors.c.author_id == author.id,
                )
            )
        if kinds:
            query = query.where(cls.kind.in_(kinds))
        if exclude_ids:
            query = query.where(cls.id.not_in(exclude_ids))
        if before is not None:
            query = query.where(sa.tuple_(cls.live_at, cls.id) < sa.tuple_(*before))
        if after is not None:
            query = query.where(sa.tuple_(cls.live_at, cls.id) > sa.tuple_(*after))
        query = (
            query.options(*cls.card_options(body=body))
            .order_by(cls.live_at.desc(), cls.id.desc())
            .limit(limit)
        )
        return db.session.scalars(query).unique().all()

    @classmethod
    def free_slug(cls, headline: str) -> str:
        """A slug from the headline that no other story uses yet (-2, -3, ... when taken)."""
        base = make_slug(headline)
        slug, n = base, 2
        while db.session.scalar(sa.select(cls.id).where(cls.slug == slug)) is not None:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @classmethod
    def by_ids(cls, ids) -> dict[int, Article]:
        """Visible stories by id, for embeds and related cards, in one query."""
        if not ids:
            return {}
        rows = db.session.scalars(
            sa.select(cls).where(cls.id.in_(list(ids)), cls.visible()).options(*cls.card_options())
        ).unique()
        return {a.id: a for a in rows}

    @classmethod
    def for_reading(cls, slug: str) -> Article | None:
        """One story by slug with everything its page shows."""
        return db.session.scalars(
            sa.select(cls)
            .where(cls.slug == slug)
            .options(
                joinedload(cls.section),
                joinedload(cls.hero_image),
                joinedload(cls.dateline_country),
                joinedload(cls.source),
                selectinload(cls.countries).joinedload(Country.region),
                selectinload(cls.authors),
                selectinload(cls.tags),
            )
        ).first()

    def related(self, limit: int = 4) -> list[Article]:
        """The newest other stories sharing a tag, topped up from the same section.

        Two simple queries rather than one with OR: each walks the live_at index newest first
        and stops after a few rows, where the OR made the planner sort a whole section."""
        found: list[Article] = []
        tag_ids = [t.id for t in self.tags]
        if tag_ids:
            shared = sa.select(article_tags.c.article_id).where(article_tags.c.tag_id.in_(tag_ids))
            found = self._newest(sa.and_(Article.id.in_(shared)), (self.id,), limit)
        if len(found) < limit:
            seen = (self.id, *(a.id for a in found))
            found += self._newest(Article.section_id == self.section_id, seen, limit - len(found))
        return found

    @staticmethod
    def _newest(condition, exclude: tuple[int, ...], limit: int) -> list[Article]:
        query = (
            sa.select(Article)
            .where(Article.visible(), condition, Article.id.not_in(exclude))
            .options(*Article.card_options())
            .order_by(Article.live_at.desc(), Article.id.desc())
            .limit(limit)
        )
        return list(db.session.scalars(query).unique().all())

    @classmethod
    def corrections(cls) -> list[Article]:
        return db.session.scalars(
            sa.select(cls)
            .where(cls.visible(), cls.correction != "")
            .options(joinedload(cls.section))
            .order_by(
                sa.func.coalesce(cls.correction_at, cls.updated_at).desc(),
                cls.id.desc(),
            )
        ).all()

    # --- the newsroom's lists; `seen` is the condition for who may see what (auth.stories_seen_by)

    @classmethod
    def _desk(cls, seen):
        return (
            sa.select(cls).where(seen).options(joinedload(cls.modified_by), joinedload(cls.section))
        )

    @classmethod
    def in_review(cls, seen) -> list[Article]:
        """Stories waiting for an editor, latest change first."""
        query = cls._desk(seen).where(cls.status == Status.REVIEW.value)
        return db.session.scalars(query.order_by(cls.modified_at.desc())).all()

    @classmethod
    def scheduled_ahead(cls, seen) -> list[Article]:
        """Scheduled stories whose time has not come, soonest first."""
        query = cls._desk(seen).where(
            cls.status == Status.SCHEDULED.value, cls.published_at > utcnow()
        )
        return db.session.scalars(query.order_by(cls.published_at)).all()

    @classmethod
    def drafts_by(cls, user: User, seen, limit: int = 10) -> list[Article]:
        """The drafts this user started, latest change first."""
        query = cls._desk(seen).where(
            cls.status == Status.DRAFT.value, cls.created_by_id == user.id
        )
        return db.session.scalars(query.order_by(cls.modified_at.desc()).limit(limit)).all()

    @classmethod
    def desk_page(
        cls,
        seen,
        *,
        status=None,
        section_id=None,
        country_id=None,
        author_id=None,
        q="",
        before: tuple[datetime, int] | None = None,
        limit=26,
    ) -> list[Article]:
        """The admin's story list: latest change first, filtered; `q` is part of the headline;
        `before` is (modified_at, id) of the last story on the previous page."""
        query = (
            sa.select(cls)
            .where(seen)
            .options(
                joinedload(cls.section), joinedload(cls.modified_by), selectinload(cls.authors)
            )
        )
        if status:
            query = query.where(cls.status == status)
        if section_id is not None:
            query = query.where(cls.section_id == section_id)
        if country_id is not None:
            query = query.where(cls.countries.any(Country.id == country_id))
        if author_id is not None:
            query = query.where(cls.authors.any(Author.id == author_id))
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(cls.headline.ilike(f"%{escaped}%", escape="\\"))
        if before is not None:
            at, ident = before
            query = query.where(
                sa.or_(cls.modified_at < at, sa.and_(cls.modified_at == at, cls.id < ident))
            )
        query = query.order_by(cls.modified_at.desc(), cls.id.desc()).limit(limit)
        return db.session.scalars(query).all()

    @classmethod
    def embedding(cls, ident: int, seen) -> list[Article]:
        """The stories (that `seen` lets one see) whose body embeds story `ident`."""
        token = f"[[nid:{ident}]]"
        query = sa.select(cls).where(cls.body_md.contains(token), seen).order_by(cls.id.desc())
        return db.session.scalars(query).all()


class CannotKill(ValueError):
    """A kill the newsroom should not do (no notice, or a story that was never public)."""


class SlugRedirect(db.Model):
    """An old slug of a story, kept so that links to it still arrive (301)."""

    __tablename__ = "slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()


class BreakingItem(db.Model):
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
    def active(cls, now: datetime | None = None) -> list[BreakingItem]:
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
    def story_link(story: Article) -> str:
        return f"/n/{story.id}"

    @classmethod
    def announce(cls, story: Article) -> BreakingItem:
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
    def withdraw(cls, story: Article, *, only_announced: bool = False) -> None:
        """Expire the live items that lead to a story (its short link, or any link to it when
        it leaves the site), so the ticker never points at a story readers cannot read."""
        paths = {cls.story_link(story)}
        if not only_announced:
            paths.add(f"/article/{story.slug}")
        now = utcnow()
        for item in cls.active(now):
            link = item.link.split("#", 1)[0].split("?", 1)[0]
            if link in paths or (link.startswith("http") and urlsplit(link).path in paths):
                item.expires_at = now

    @classmethod
    def recent(cls, days: int = 2) -> list[BreakingItem]:
        """Live items and those that expired in the last `days` days, top of the ticker first."""
        return db.session.scalars(
            sa.select(cls)
            .where(cls.expires_at > utcnow() - timedelta(days=days))
            .order_by(cls.position.desc(), cls.id.desc())
        ).all()

    def neighbour(self, above: bool) -> BreakingItem | None:
        """The live item just above (or below) this one in the ticker, locked for a swap."""
        return db.session.scalar(
            sa.select(BreakingItem)
            .where(
                BreakingItem.expires_at > utcnow(),
                BreakingItem.position > self.position
                if above
                else BreakingItem.position < self.position,
            )
            .order_by(BreakingItem.position.asc() if above else BreakingItem.position.desc())
            .limit(1)
            .with_for_update()
        )


BREAKING_ORDER_LOCK = 0x41_4E_42_52  # "ANBR": the ticker's ordering


class Role(enum.StrEnum):
    WRITER = "writer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"writer": 1, "editor": 2, "admin": 3}[self.value]


class User(db.Model):
    """A member of the newsroom who can sign in to /admin/."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.WRITER.value)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-step sign-in: the base32 TOTP secret once confirmed, and the last 30-second step used,
    # so a code cannot be replayed within its window.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # A secret being set up, kept here until its first code confirms it (a session cookie is
    # signed, not encrypted: anyone holding one could read a secret put there).
    totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def can(self, role: Role) -> bool:
        """True if this user's role is `role` or above."""
        return Role(self.role).rank >= role.rank

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def has_two_step(self) -> bool:
        return bool(self.totp_secret)

    def set_two_step(self, secret: str | None, spent_step: int | None = None) -> None:
        """Turn two-step sign-in on with a confirmed secret (its first code spent), or off."""
        self.totp_secret = secret
        self.totp_last_step = spent_step if secret else None

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(sa.select(cls).where(cls.email == email.strip().lower()))

    @classmethod
    def all_by_email(cls) -> list[User]:
        return db.session.scalars(sa.select(cls).order_by(cls.email)).all()


class LoginSession(db.Model):
    """One signed-in browser. Revoking the row ends that session wherever its cookie is."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):
    """Who changed what, and when: every change to a story, user or breaking item."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(500), default="")

    user: Mapped[User | None] = relationship()

    @classmethod
    def record(cls, user, action: str, subject, summary: str = "") -> AuditEntry:
        entry = cls(
            user_id=getattr(user, "id", None),
            action=action,
            subject_type=type(subject).__name__.lower(),
            subject_id=getattr(subject, "id", None),
            summary=summary[:500],
        )
        db.session.add(entry)
        return entry

    @classmethod
    def recent(cls, limit: int = 15) -> list[AuditEntry]:
        return db.session.scalars(
            sa.select(cls).options(joinedload(cls.user)).order_by(cls.id.desc()).limit(limit)
        ).all()

    @classmethod
    def recent_for(cls, user: User, seen, limit: int = 15) -> list[AuditEntry]:
        """The user's own actions and the changes to the stories `seen` lets them see."""
        theirs = sa.select(Article.id).where(seen)
        return db.session.scalars(
            sa.select(cls)
            .where(sa.or_(
                cls.user_id == user.id,
                sa.and_(cls.subject_type == "article", cls.subject_id.in_(theirs)),
            ))
            .options(joinedload(cls.user))
            .order_by(cls.id.desc())
            .limit(limit)
        ).all()  # fmt: skip

    @classmethod
    def about(cls, subject, limit: int = 20) -> list[AuditEntry]:
        """The latest changes to one story, user or item, newest first."""
        return db.session.scalars(
            sa.select(cls)
            .where(cls.subject_type == type(subject).__name__.lower(), cls.subject_id == subject.id)
            .options(joinedload(cls.user))
            .order_by(cls.id.desc())
            .limit(limit)
        ).all()


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
    def newest(cls, before: int | None = None, limit: int = 26) -> list[ContactMessage]:
        """Messages newest first; `before` is the id of the last one on the previous page."""
        query = sa.select(cls)
        if before is not None:
            query = query.where(cls.id < before)
        return db.session.scalars(query.order_by(cls.id.desc()).limit(limit)).all()


# --- cursors -----------------------------------------------------------------------------------

CURSOR_MAX_ID = 10**12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR_MIN_MICROS = (datetime(1990, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
CURSOR_MAX_MICROS = (datetime(2200, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


class BadCursor(ValueError):
    """A cursor that is not one this site hands out."""


def encode_cursor(at: datetime, ident: int) -> str:
    micros = (at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{ident}"


def decode_cursor(raw: str) -> tuple[datetime, int]:
    """Parse 'MICROSECONDS-ID' strictly; raise BadCursor for anything else."""
    if not raw or len(raw) > 40:
        raise BadCursor("empty or too long")
    micros, sep, ident = raw.partition("-")
    if not sep or not micros.isascii() or not micros.isdigit() or not ident.isascii():
        raise BadCursor("malformed")
    if not ident.isdigit():
        raise BadCursor("malformed")
    micros_i, ident_i = int(micros), int(ident)
    if ident_i <= 0 or ident_i >= CURSOR_MAX_ID:
        raise BadCursor("id out of range")
    if micros_i < CURSOR_MIN_MICROS or micros_i > CURSOR_MAX_MICROS:
        raise BadCursor("time out of range")
    return EPOCH + timedelta(microseconds=micros_i), ident_i


def next_scheduled_time() -> datetime | None:
    """When the next scheduled story goes live, so cached pages can expire at that moment."""
    return db.session.scalar(
        sa.select(sa.func.min(Article.published_at)).where(
            Article.status == Status.SCHEDULED.value, Article.published_at > utcnow()
        )
    )


# Saving any of these changes what readers see; saving a contact message does not.
CONTENT_MODELS = (
    Article, Author, BreakingItem, Country, Image, Region, Section, SlugRedirect, Source, Tag,
)  # fmt: skip


@sa.event.listens_for(Article, "before_insert")
@sa.event.listens_for(Article, "before_update")
def _keep_live_at(_mapper, _connection, story: Article) -> None:
    """live_at is when readers may see the story: its publication time while it is published or
    scheduled, empty otherwise. Kept here, on every write, so lists read one indexed column."""
    live = story.status in (Status.PUBLISHED.value, Status.SCHEDULED.value)
    story.live_at = story.published_at if live else None
