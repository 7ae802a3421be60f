"""Stories: the Story model, its queries, its tags, and the slugs it used to have.

Tags live here rather than in taxonomy: the tags readers may see are those on visible stories."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, defer, joinedload, mapped_column, relationship, selectinload

from extensions import db
from newsroom.content import make_slug
from newsroom.models.base import (
    Addressed,
    Kind,
    Named,
    Status,
    UTCDateTime,
    contains,
    story_authors,
    story_countries,
    story_tags,
    utcnow,
)
from newsroom.models.cursors import Cursor, Page, keyset, keyset_statement, newer_than, page_of
from newsroom.models.partner import Source
from newsroom.models.people import User
from newsroom.models.photo import Photo
from newsroom.models.story_links import keep_link_times, subject_conditions, subject_walk
from newsroom.models.story_mixin import StoryMixin, live_at_for
from newsroom.models.taxonomy import Author, Country, Region, Section


class Story(StoryMixin, Addressed, db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        # Reader lists walk one of these newest first and stop after a page, however deep the
        # cursor (tests/web/test_query_plans.py): everything, a section's, a kind's (live pages).
        # Countries, regions, tags and authors walk their link tables' (subject, live_at,
        # article_id) indexes instead (newsroom.models.story_links).
        sa.Index("ix_articles_live", "live_at", "id"),
        sa.Index("ix_articles_section_live", "section_id", "live_at", "id"),
        sa.Index("ix_articles_kind_live", "kind", "live_at", "id"),
        # The desk's lists by status (in review, drafts).
        sa.Index("ix_articles_stream", "status", "published_at", "id"),
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
    # The same, case-folded (str.casefold): what search compares the reader's words with, by a
    # plain LIKE. A case-insensitive test folds the whole text of every story it tests: on
    # PostgreSQL, ILIKE over the newest 4,000 stories took 10.6 ms where LIKE takes 2.9, and
    # SQLite's lower() folds only ASCII. Only written, never read into Python: deferred.
    search_folded: Mapped[str] = mapped_column(
        sa.Text, default="", server_default="", deferred=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), default=Kind.NEWS.value)
    dateline: Mapped[str] = mapped_column(sa.String(120), default="")
    lang: Mapped[str] = mapped_column(sa.String(12), default="en")
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # live_at_for: published_at of published or scheduled stories (an embargo's end if later),
    # else empty: the one indexed column every reader list filters and orders on, so any page,
    # however deep, is one index walk.
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What readers see as "Updated" and dateModified: the later of edited_at and the latest
    # entry of the update log (newsroom.models.update_log.refresh_updated_at keeps it).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last change an editor marked as substantive (or a partner's update); never a typo fix.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Readers see nothing of the story before this time, whatever its publication time.
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Superseded by the update log (StoryUpdate); kept readable until the columns are dropped.
    correction: Mapped[str] = mapped_column(sa.Text, default="")
    correction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kill_notice: Mapped[str] = mapped_column(sa.Text, default="")
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"))
    # Where the dateline is: its time zone is the one the story's times are shown in.
    dateline_country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("countries.id"))
    hero_photo_id: Mapped[int | None] = mapped_column("hero_image_id", sa.ForeignKey("images.id"))
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
    # Live pages (kind "live", newsroom/models/live.py): the pinned summary, when the coverage
    # closed (None while open), and the time of the page's last change, which polls compare.
    live_summary_md: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    live_summary_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    live_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    live_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    section: Mapped[Section] = relationship()
    dateline_country: Mapped[Country | None] = relationship()
    source: Mapped[Source | None] = relationship()
    hero_photo: Mapped[Photo | None] = relationship()
    authors: Mapped[list[Author]] = relationship(
        secondary=story_authors, order_by=story_authors.c.position
    )
    countries: Mapped[list[Country]] = relationship(
        secondary=story_countries, order_by="Country.name"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=story_tags, order_by="Tag.name")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    modified_by: Mapped[User | None] = relationship(foreign_keys=[modified_by_id])
    # A live page's writers (newsroom/models/live.py), named there: it builds on this module.
    live_contributors: Mapped[list[User]] = relationship(secondary="live_contributors")

    # --- queries ------------------------------------------------------------------------------
    @classmethod
    def card_options(cls, *, body: bool = False):
        """Eager loads for everything a story card shows, so a list costs a fixed few queries.

        Separate SELECT ... IN loads rather than joins: a join before ORDER BY ... LIMIT makes
        SQLite join every row before sorting. Bodies and bylines stay unloaded unless asked for
        (feeds): a card shows neither."""
        options = [
            selectinload(cls.section),
            selectinload(cls.hero_photo),
            selectinload(cls.dateline_country),
            selectinload(cls.countries),
        ]
        if body:
            options.append(selectinload(cls.authors))
        else:
            options += [defer(cls.body_md), defer(cls.body_html), defer(cls.search_text)]
        return tuple(options)

    @classmethod
    def latest(cls, **filters) -> list[Story]:
        """The newest visible stories, filtered: the rows of `latest_page`."""
        return cls.latest_page(**filters).rows

    @classmethod
    def latest_page(cls, *, limit: int = 12, **filters) -> Page:
        """A page of the newest visible stories, filtered, keyset-paginated on (live_at, id)."""
        statement = cls.latest_query(limit=limit, **filters)
        rows = list(db.session.scalars(statement).unique())
        return page_of(rows, (cls.live_at, cls.id), limit)

    @classmethod
    def latest_query(
        cls,
        *,
        section: Section | None = None,
        country: Country | None = None,
        region: Region | None = None,
        tag: Tag | None = None,
        author: Author | None = None,
        kinds: tuple[str, ...] | None = None,
        before: Cursor | None = None,
        after: Cursor | None = None,
        exclude_ids: tuple[int, ...] = (),
        limit: int = 12,
        body: bool = False,
        columns: tuple = (),
    ) -> sa.Select:
        """The statement `latest_page` runs (tests/web/test_query_plans.py explains it); with
        `columns`, the same walk reading only those (newsroom.models.cards: plain rows)."""
        # One upper bound on live_at, the tighter of now and the cursor, so the index range
        # starts at the cursor: a deep page costs what the first page costs.
        bound = utcnow() if before is None else min(utcnow(), before.at)
        walk = None
        if section is None and not kinds:
            # An author's, a country's, a region's or a tag's list walks the link table's
            # (subject, live_at, article_id) index and reads each story by primary key.
            walk = subject_walk(
                country=country,
                region=region,
                tag=tag,
                author=author,
                bound=bound,
                before=before,
                after=after,
                exclude_ids=exclude_ids,
                limit=limit,
            )
        if walk is not None:
            order = (walk.c.live_at, walk.c.article_id)
            query = sa.select(*columns or (cls,)).join(walk, walk.c.article_id == cls.id)
            if not columns:
                query = query.options(*cls.card_options(body=body))
            return query.order_by(*(c.desc() for c in order)).limit(limit + 1)
        order = (cls.live_at, cls.id)
        query = sa.select(*columns or (cls,)).where(cls.live_at <= bound)
        if section is not None:
            query = query.where(cls.section_id == section.id)
        # With a section or kinds too (no reader list asks for both), the subject is checked
        # for each story of the section's or the archive's walk.
        query = query.where(
            *subject_conditions(cls.id, country=country, region=region, tag=tag, author=author)
        )
        if kinds:
            query = query.where(cls.kind.in_(kinds))
        if exclude_ids:
            query = query.where(cls.id.not_in(exclude_ids))
        if after is not None:
            query = query.where(newer_than(order, after))
        if not columns:
            query = query.options(*cls.card_options(body=body))
        return keyset_statement(query, order, before=before, limit=limit)

    @classmethod
    def free_slug(cls, headline: str) -> str:
        """A slug from the headline that no other story uses yet (-2, -3, ... when taken)."""
        base = make_slug(headline)
        slug, n = base, 2
        while cls.slug_owner(slug) is not None:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @classmethod
    def by_ids(cls, ids) -> dict[int, Story]:
        """Visible stories by id, for embeds and related cards, in one query."""
        if not ids:
            return {}
        rows = db.session.scalars(
            sa.select(cls).where(cls.id.in_(list(ids)), cls.visible()).options(*cls.card_options())
        ).unique()
        return {a.id: a for a in rows}

    @classmethod
    def for_reading(cls, slug: str) -> Story | None:
        """One story by slug with everything its page shows (not its Markdown or search text).

        Its countries and authors come joined on PostgreSQL, where each query more is a round
        trip to the server; its tags in a query of their own, as a story may have many and each
        joined collection multiplies the rows (authors x countries x tags, each with the body).
        On SQLite each in its own query: its planner materialises every story's countries and
        authors before it picks this story's (200 ms at 100k stories, where the queries take
        1.4)."""
        many = joinedload if db.session.get_bind().dialect.name == "postgresql" else selectinload
        return (
            db.session.scalars(
                sa.select(cls)
                .where(cls.slug == slug)
                .options(
                    defer(cls.body_md),
                    defer(cls.search_text),
                    joinedload(cls.section),
                    joinedload(cls.hero_photo),
                    joinedload(cls.dateline_country),
                    joinedload(cls.source),
                    many(cls.countries).joinedload(Country.region),
                    many(cls.authors).joinedload(Author.photo),
                    selectinload(cls.tags),
                )
            )
            .unique()
            .first()
        )

    # --- the newsroom's lists; `seen` is the condition for who may see what (Story.seen_by)

    @classmethod
    def _desk(cls, seen):
        return (
            sa.select(cls).where(seen).options(joinedload(cls.modified_by), joinedload(cls.section))
        )

    @classmethod
    def in_review(cls, seen) -> list[Story]:
        """Stories waiting for an editor, latest change first."""
        query = cls._desk(seen).where(cls.status == Status.REVIEW.value)
        return db.session.scalars(query.order_by(cls.modified_at.desc())).all()

    @classmethod
    def scheduled_ahead(cls, seen) -> list[Story]:
        """Scheduled or embargoed stories whose time has not come, soonest live first."""
        query = cls._desk(seen).where(cls.live_at > utcnow())
        return db.session.scalars(query.order_by(cls.live_at)).all()

    @classmethod
    def drafts_by(cls, user: User, seen, limit: int = 10) -> list[Story]:
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
        before: Cursor | None = None,
        limit=25,
    ) -> Page:
        """A page of the admin's story list: latest change first (modified_at, id), filtered; `q`
        is part of the headline; `before` is the cursor of the previous page's last story."""
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
            query = query.where(contains(cls.headline, q))
        return keyset(query, (cls.modified_at, cls.id), before=before, limit=limit)

    @classmethod
    def embedding(cls, ident: int, seen) -> list[Story]:
        """The stories (that `seen` lets one see) whose body embeds story `ident`."""
        token = f"[[nid:{ident}]]"
        query = sa.select(cls).where(cls.body_md.contains(token), seen).order_by(cls.id.desc())
        return db.session.scalars(query).all()


class Tag(Named, db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    @classmethod
    def public(cls):
        """Tags that readers may see: those on at least one visible story.

        A tag is made by saving a story, so a tag only on drafts or scheduled stories would give
        away what the newsroom has not published yet: no page, feed or sitemap entry for it."""
        return sa.exists().where(story_tags.c.tag_id == cls.id, story_tags.c.live_at <= utcnow())


class SlugRedirect(db.Model):
    """An old slug of a story, kept so that links to it still arrive (301)."""

    __tablename__ = "slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Story] = relationship()


def next_scheduled_time() -> datetime | None:
    """When the next story goes live, so cached pages can expire at that moment."""
    return db.session.scalar(sa.select(sa.func.min(Story.live_at)).where(~Story.visible()))


@sa.event.listens_for(Story, "before_insert")
@sa.event.listens_for(Story, "before_update")
def _keep_live_at(_mapper, _connection, story: Story) -> None:
    """Stored on every write, so reader lists filter and order on one indexed column."""
    story.live_at = live_at_for(story.status, story.published_at, story.embargo_until)


keep_link_times(Story)
