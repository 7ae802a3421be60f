"""Keeping search's text and SQLite's index in step with the stories: each story's plain text
(articles.search_text) and its case-folded copy (search_folded) are written with every save,
and on SQLite the FTS5 index with them. newsroom.search reads them."""

from __future__ import annotations

import html

import nh3
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import db
from newsroom.models import LivePost, Story
from newsroom.models.base import fold

# The SQLite index (migrations a7c1search01, search03): FTS5 trigrams over the folded text, its
# rowid the story's id; the headline column the folded text's first line.
FTS = sa.table(
    "article_search", sa.column("rowid", sa.Integer), sa.column("headline"), sa.column("body")
)

# How many of a live page's newest posts its search text holds.
SEARCHED_POSTS = 100


def plain_text(story: Story, session: Session | None = None) -> str:
    """Headline, standfirst and body as one plain string; a live page's posts too, newest
    first, so that a search finds the page by what its reporters wrote."""
    body = html.unescape(nh3.clean(story.body_html or "", tags=set()))
    parts = [story.headline, story.standfirst, body]
    if story.is_live_page and story.id is not None:
        parts += [post.text for post in _posts_of(story, session or db.session)]
    return "\n".join(p for p in parts if p)


def _posts_of(story: Story, session: Session) -> list[LivePost]:
    """A live page's newest posts (SEARCHED_POSTS) as they are about to be saved: those in the
    database and those added in this flush, less the deleted (read without flushing: this runs
    inside one). Only the newest: each post rewrites the page's search text, and a page of
    hundreds of posts would make every post slower than the last."""
    with session.no_autoflush:
        stored = session.scalars(
            sa.select(LivePost)
            .where(LivePost.story_id == story.id, LivePost.deleted_at.is_(None))
            .order_by(LivePost.posted_at.desc(), LivePost.id.desc())
            .limit(SEARCHED_POSTS)
        ).all()
    added = [o for o in session.new if isinstance(o, LivePost) and o.story is story]
    return [p for p in (*reversed(added), *stored) if p.deleted_at is None]


def first_line(text, dialect: str):
    """The first line of a text column, in SQL."""
    if dialect == "sqlite":
        return sa.func.substr(text, 1, sa.func.instr(text + "\n", "\n") - 1)
    return sa.func.split_part(text, "\n", 1)


def _sync_search(session: Session, _context, _instances) -> None:
    """Refresh search text for every story saved in this flush, and the SQLite index with it."""
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Story)]
    # A live page's posts are part of its search text: a post written, edited or deleted
    # changes it even when nothing else on the page was saved.
    with session.no_autoflush:
        pages = [o.story for o in (*session.new, *session.dirty) if isinstance(o, LivePost)]
    changed += [page for page in dict.fromkeys(pages) if page is not None and page not in changed]
    removed = [o.id for o in session.deleted if isinstance(o, Story) and o.id]
    for story in changed:
        story.search_text = plain_text(story, session)
        story.search_folded = fold(story.search_text)
    session.info.setdefault("search_objects", []).extend(changed)
    session.info.setdefault("search_removed", []).extend(removed)


def _write_index(session: Session, _context) -> None:
    if session.get_bind().dialect.name != "sqlite":
        session.info.pop("search_objects", None)
        session.info.pop("search_removed", None)
        return
    stories = session.info.pop("search_objects", [])
    removed = session.info.pop("search_removed", [])
    conn = session.connection()
    for ident in removed:
        conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = ?", (ident,))
    for story in stories:
        if story.id is None:
            continue
        conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = ?", (story.id,))
        conn.exec_driver_sql(
            "INSERT INTO article_search (rowid, headline, body) VALUES (?, ?, ?)",
            (story.id, story.search_folded.split("\n", 1)[0], story.search_folded),
        )


def register_search_sync() -> None:
    if not event.contains(Session, "before_flush", _sync_search):
        event.listen(Session, "before_flush", _sync_search)
        event.listen(Session, "after_flush", _write_index)


def rebuild_index() -> int:
    """Rebuild search text and the SQLite index for every story (after bulk loads)."""
    count = 0
    for story in db.session.scalars(sa.select(Story).where(Story.search_text == "")):
        story.search_text = plain_text(story)
        story.search_folded = fold(story.search_text)
        count += 1
    db.session.flush()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.delete(FTS))
        articles = Story.__table__.c  # every row, as a plain table
        folded = sa.select(
            articles.id, first_line(articles.search_folded, "sqlite"), articles.search_folded
        )
        db.session.execute(FTS.insert().from_select(["rowid", "headline", "body"], folded))
    db.session.commit()
    return count
