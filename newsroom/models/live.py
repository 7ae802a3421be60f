"""Live coverage: the short timestamped posts of a live page, newest first.

A live page is a story of kind "live" (`Story.kind`); the story keeps the page's pinned summary
("What we know"), when the coverage closed, and `live_changed_at`, the time of its last change
(a post written, edited or deleted; the summary; opening or closing). Readers' polls send the
stamp they hold: an unchanged page answers without reading a post. A deleted post stays as a row
(`deleted_at`) so that polls can tell readers' pages to take it away; readers never see it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, defer, joinedload, mapped_column, relationship, selectinload

from extensions import db
from newsroom.content import html_text
from newsroom.models.base import Kind, Role, Status, UTCDateTime, utcnow
from newsroom.models.cursors import Cursor, Page, keyset
from newsroom.models.people import User
from newsroom.models.story import Story

POST_TITLE_MAX = 200
POST_BODY_MAX = 20_000
SUMMARY_MAX = 5_000
HEADLINE_CHARS = 110  # Google shows headlines up to 110 characters

# The writers an editor has added to a live page: they may post to it.
live_contributors = sa.Table(
    "live_contributors",
    db.metadata,
    sa.Column("story_id", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


def open_live_pages(limit: int) -> list[Story]:
    """Open live pages readers may see, the most recently updated first (the home page's box).

    What a box shows (section; dateline country) comes joined in the same query; the countries
    in a second one (joined, SQLite built the join of every story's countries first: 40-70 ms at
    100k stories)."""
    return list(
        db.session.scalars(
            sa.select(Story)
            .where(Story.visible(), Story.kind == Kind.LIVE.value, Story.live_closed_at.is_(None))
            .options(
                joinedload(Story.section),
                joinedload(Story.dateline_country),
                selectinload(Story.countries),
                defer(Story.body_md),
                defer(Story.body_html),
                defer(Story.search_text),
            )
            .order_by(Story.live_changed_at.desc(), Story.id.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )


def open_live_among(ids: set[int], slugs: set[str]) -> tuple[set[int], set[str]]:
    """Which of these stories (by id or by slug) are open live pages readers may see: the ids
    and the slugs that are, in one query (the ticker's LIVE labels)."""
    if not ids and not slugs:
        return set(), set()
    rows = db.session.execute(
        sa.select(Story.id, Story.slug).where(
            Story.visible(),
            Story.kind == Kind.LIVE.value,
            Story.live_closed_at.is_(None),
            sa.or_(Story.id.in_(ids), Story.slug.in_(slugs)),
        )
    ).all()
    return {r.id for r in rows if r.id in ids}, {r.slug for r in rows if r.slug in slugs}


class LivePost(db.Model):
    """One post on a live page: a time, an optional title, a Markdown body, its author."""

    __tablename__ = "live_posts"
    __table_args__ = (
        sa.Index("ix_live_posts_page", "story_id", "posted_at", "id"),
        sa.Index("ix_live_posts_changed", "story_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(POST_TITLE_MAX), default="", server_default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    embed_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    is_key_event: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written, edited, deleted or (un)marked a key event: what a poll compares with.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    story: Mapped[Story] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def anchor(self) -> str:
        """The id of the post's element on the page: /article/<slug>#post-<id>."""
        return f"post-{self.id}"

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.id, self.posted_at)

    @property
    def text(self) -> str:
        """The body's words as plain text (search, structured data, one-line summaries)."""
        return html_text(self.body_html)

    def headline(self, most: int = HEADLINE_CHARS) -> str:
        """The post's title, or its first words when it has none (cut at a word, with "…")."""
        if self.title:
            return self.title
        text = self.text
        if len(text) <= most:
            return text
        cut = text[: most - 1]
        return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:.") + "…"

    @classmethod
    def _shown(cls, story: Story) -> sa.Select:
        return (
            sa.select(cls)
            .where(cls.story_id == story.id, cls.deleted_at.is_(None))
            .options(joinedload(cls.author))
        )

    @classmethod
    def page(cls, story: Story, before: Cursor | None = None, limit: int = 20) -> Page:
        """Posts readers see, newest first, from `before` on."""
        return keyset(cls._shown(story), (cls.posted_at, cls.id), before=before, limit=limit)

    @classmethod
    def down_to(cls, story: Story, post_id: int, most: int) -> list[LivePost]:
        """Posts from the newest down to `post_id` (a permalink deep in a page), at most `most`."""
        target = db.session.get(cls, post_id)
        if target is None or target.story_id != story.id or target.deleted_at is not None:
            return []
        query = cls._shown(story).where(
            sa.tuple_(cls.posted_at, cls.id) >= sa.tuple_(target.posted_at, target.id)
        )
        rows = db.session.scalars(
            query.order_by(cls.posted_at.desc(), cls.id.desc()).limit(most)
        ).all()
        return list(rows)

    @classmethod
    def latest(cls, story: Story, limit: int) -> list[LivePost]:
        return list(cls.page(story, limit=limit).rows)

    @classmethod
    def key_events(cls, story: Story) -> list[LivePost]:
        """The posts marked key events, newest first: the page's list to jump between."""
        return list(
            db.session.scalars(
                cls._shown(story)
                .where(cls.is_key_event.is_(True))
                .order_by(cls.posted_at.desc(), cls.id.desc())
            ).all()
        )

    @classmethod
    def changed_since(
        cls, story: Story, since: datetime, most: int | None = None
    ) -> list[LivePost]:
        """Posts written, edited or deleted after `since`, deleted ones included, oldest first;
        with `most`, only the newest `most` of them (read as such: a page left open for days
        does not read every post)."""
        rows = db.session.scalars(
            sa.select(cls)
            .where(cls.story_id == story.id, cls.changed_at > since)
            .options(joinedload(cls.author))
            .order_by(cls.posted_at.desc(), cls.id.desc())
            .limit(most)
        ).all()
        return list(reversed(rows))

    @classmethod
    def count(cls, story: Story) -> int:
        return db.session.scalar(
            sa.select(sa.func.count(cls.id)).where(
                cls.story_id == story.id, cls.deleted_at.is_(None)
            )
        )

    @classmethod
    def counts(cls, stories: list[Story]) -> dict[int, int]:
        """How many posts readers see on each of these pages, in one query."""
        if not stories:
            return {}
        rows = db.session.execute(
            sa.select(cls.story_id, sa.func.count(cls.id))
            .where(cls.story_id.in_([s.id for s in stories]), cls.deleted_at.is_(None))
            .group_by(cls.story_id)
        ).all()
        found = {s.id: 0 for s in stories}
        found.update(dict(rows))
        return found

    @classmethod
    def latest_for(cls, stories: list[Story], per_story: int) -> dict[int, list[LivePost]]:
        """The newest `per_story` posts of each story, in one query (the home page's live box)."""
        if not stories:
            return {}
        ranked = (
            sa.select(
                cls.id,
                sa.func.row_number()
                .over(partition_by=cls.story_id, order_by=(cls.posted_at.desc(), cls.id.desc()))
                .label("n"),
            )
            .where(cls.story_id.in_([s.id for s in stories]), cls.deleted_at.is_(None))
            .subquery()
        )
        rows = db.session.scalars(
            sa.select(cls)
            .join(ranked, ranked.c.id == cls.id)
            .where(ranked.c.n <= per_story)
            .options(joinedload(cls.author))
            .order_by(cls.posted_at.desc(), cls.id.desc())
        ).all()
        found: dict[int, list[LivePost]] = {s.id: [] for s in stories}
        for row in rows:
            found[row.story_id].append(row)
        return found


def open_pages(user: User) -> list[Story]:
    """The open live pages this person may post to (every one, for an editor), latest change
    first: the dashboard's list."""
    query = sa.select(Story).where(
        Story.kind == Kind.LIVE.value,
        Story.live_closed_at.is_(None),
        Story.status != Status.KILLED.value,
    )
    if not user.can(Role.EDITOR):
        query = query.where(Story.live_contributors.any(User.id == user.id))
    order = (Story.live_changed_at.desc().nulls_last(), Story.id.desc())
    return list(db.session.scalars(query.order_by(*order)).all())
