"""A story's links to its authors, countries and tags, as the reader lists walk them.

Each link row keeps a copy of its story's live_at (live_at_for: when readers may see it, None
while they may not), so the list of one author, country or tag is a walk of the link table's
(subject, live_at, article_id) index, newest first, that stops after a page: a tag with three
stories reads three rows, not the archive. A region's list merges its countries' walks.

The copy is kept in one place: `copy_live_at`, which the session runs after every flush for the
stories whose live_at or links it wrote (publish, unpublish, schedule, embargo, kill, link edits,
partner import, the demo, the command line: every ORM write), and which writers of raw rows (the
synthetic loader, tests) call themselves. Deleting a story deletes its link rows (ON DELETE
CASCADE, and the ORM's own delete of secondary rows).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from extensions import db
from newsroom.models.base import story_authors, story_countries, story_tags
from newsroom.models.cursors import Cursor, newer_than, older_than

LINKS = (story_authors, story_countries, story_tags)
# What a flush may change that the copy depends on: the time itself, and which links there are.
WATCHED = ("live_at", "authors", "countries", "tags")


def copy_live_at(connection, article_ids=None) -> None:
    """Give the link rows of the stories `article_ids` (of every story if None) their story's
    live_at: one UPDATE per link table."""
    articles = db.metadata.tables["articles"]
    for link in LINKS:
        live = sa.select(articles.c.live_at).where(articles.c.id == link.c.article_id)
        statement = sa.update(link).values(live_at=live.scalar_subquery())
        if article_ids is not None:
            statement = statement.where(link.c.article_id.in_(list(article_ids)))
        connection.execute(statement)


def keep_link_times(story_cls) -> None:
    """After each flush, copy live_at to the links of every story whose time or links moved."""

    @sa.event.listens_for(Session, "after_flush")
    def _copy(session, _context) -> None:
        # After a flush the session still lists what it wrote as new and dirty, with each
        # attribute's history; the new stories have their ids.
        moved = {
            story.id
            for story in (*session.new, *session.dirty)
            if isinstance(story, story_cls)
            and story.id is not None
            and (story in session.new or _moved(story))
        }
        if moved:
            copy_live_at(session.connection(), sorted(moved))


def _moved(story) -> bool:
    state = sa.inspect(story)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


def subject_walk(
    *,
    country=None,
    region=None,
    tag=None,
    tag_ids=None,
    author=None,
    bound,
    before: Cursor | None = None,
    after: Cursor | None = None,
    exclude_ids: tuple[int, ...] = (),
    limit: int,
):
    """What a subject's list walks, as a selectable of (article_id, live_at) to join stories to
    and to order on, or None for a list with no subject. The time bound, the cursors and the
    excluded stories apply in it, so the caller only orders and limits. `tag_ids`: the stories
    of any of these tags (a story's related stories; values or placeholders)."""
    if tag_ids is not None:
        return _walk(story_tags.c.tag_id, tag_ids, bound, before, after, exclude_ids, limit)
    if tag is not None:
        return _walk(story_tags.c.tag_id, [tag.id], bound, before, after, exclude_ids)
    if author is not None:
        return _walk(story_authors.c.author_id, [author.id], bound, before, after, exclude_ids)
    if country is not None:
        return _walk(story_countries.c.country_id, [country.id], bound, before, after, exclude_ids)
    if region is not None:
        ids = sorted(c.id for c in region.countries)
        return _walk(story_countries.c.country_id, ids, bound, before, after, exclude_ids, limit)
    return None


def subject_conditions(story_id, *, country=None, region=None, tag=None, author=None) -> list:
    """The subject as conditions on each story (`story_id`) of another walk: a correlated EXISTS
    on the link table's primary key, for lists with a section or kinds as well."""
    conditions = []
    for column, subject in (
        (story_countries.c.country_id, country),
        (story_tags.c.tag_id, tag),
        (story_authors.c.author_id, author),
    ):
        if subject is not None:
            link = column.table
            conditions.append(
                sa.exists().where(link.c.article_id == story_id, column == subject.id)
            )
    if region is not None:
        ids = [c.id for c in region.countries]
        conditions.append(
            sa.exists().where(
                story_countries.c.article_id == story_id, story_countries.c.country_id.in_(ids)
            )
        )
    return conditions


def _walk(subject, ids, bound, before, after, exclude_ids, limit=None):
    """One subject's link rows in the window; several subjects' (a region's countries) as a
    UNION ALL of each one's newest `limit` + 1, a story in two of them listed under the first."""
    link = subject.table
    order = (link.c.live_at, link.c.article_id)

    def rows(ident, earlier):
        query = sa.select(link.c.article_id, link.c.live_at).where(
            subject == ident, link.c.live_at <= bound
        )
        if before is not None:
            query = query.where(older_than(order, before))
        if after is not None:
            query = query.where(newer_than(order, after))
        if exclude_ids:
            query = query.where(link.c.article_id.not_in(exclude_ids))
        if earlier:
            other = link.alias("earlier")
            query = query.where(
                ~sa.exists().where(
                    other.c.article_id == link.c.article_id,
                    other.c[subject.key].in_(earlier),
                )
            )
        return query

    if len(ids) == 1:
        return rows(ids[0], ()).subquery("walk")
    if not ids:
        return sa.select(link.c.article_id, link.c.live_at).where(sa.false()).subquery("walk")
    arms = [
        sa.select(
            rows(ident, ids[:n])
            .order_by(link.c.live_at.desc(), link.c.article_id.desc())
            .limit(limit + 1)
            .subquery()
        )
        for n, ident in enumerate(ids)
    ]
    return sa.union_all(*arms).subquery("walk")
