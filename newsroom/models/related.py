"""A story's related stories: the newest other stories sharing a tag, topped up from its section.

Two simple queries rather than one with OR: each walks an index newest first and stops after a
few rows, where the OR made the planner sort a whole section. Each statement is built once per
shape (by tag or section, how many tags, how many stories left out, the limit) with
placeholders, and each story binds its own values: building the tag walk's statement cost more
than running it, on every article page."""

from __future__ import annotations

import sqlalchemy as sa

from newsroom.models.base import utcnow
from newsroom.models.cards import CARD_COLUMNS, StoryCard, cards_from, fill_cards, with_names
from newsroom.models.story import Story
from newsroom.models.story_links import subject_walk

_STATEMENTS: dict[tuple, sa.Select] = {}  # by shape, in this worker


def related_stories(story: Story, limit: int = 4) -> list[StoryCard]:
    """The newest visible stories sharing a tag with `story`, topped up from its section, as
    cards (plain rows with their countries and photos: four queries at most)."""
    found: list[StoryCard] = []
    if story.tags:
        found = cards_from(*_related(story, "tag", (story.id,), limit))
    if len(found) < limit:
        seen = (story.id, *(a.id for a in found))
        found += cards_from(*_related(story, "section", seen, limit - len(found)))
    fill_cards(found)
    return found


def related_query(story: Story, by: str, exclude: tuple[int, ...], limit: int) -> sa.Select:
    """The newest visible stories sharing a tag with `story` (`by` "tag") or its section
    ("section"), less `exclude`, with the story's values bound: the statements
    `related_stories` runs (tests/web/test_query_plans.py explains them)."""
    statement, values = _related(story, by, exclude, limit)
    return statement.params(values)


def _related(story: Story, by: str, exclude: tuple[int, ...], limit: int):
    """The statement of this shape and the story's values for its placeholders."""
    # A preview's story may carry tags not saved yet: they have no stories.
    tag_ids = sorted(t.id for t in story.tags if t.id is not None) if by == "tag" else []
    shape = (by, len(tag_ids), len(exclude), limit)
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _statement(*shape)
    values = {"bound": utcnow(), "section": story.section_id}
    values.update((f"tag{n}", ident) for n, ident in enumerate(tag_ids))
    values.update((f"not{n}", ident) for n, ident in enumerate(exclude))
    return statement, values


def _statement(by: str, tags: int, excluded: int, limit: int) -> sa.Select:
    """The statement with placeholders: "bound" (now), "section", "tag0"... and "not0"... (the
    stories left out)."""
    bound = sa.bindparam("bound", type_=Story.live_at.type)
    exclude = tuple(sa.bindparam(f"not{n}", type_=sa.Integer()) for n in range(excluded))
    if by == "tag":
        # The newest of each of its tags' walks, merged (newsroom.models.story_links).
        tag_ids = [sa.bindparam(f"tag{n}", type_=sa.Integer()) for n in range(tags)]
        walk = subject_walk(tag_ids=tag_ids, bound=bound, exclude_ids=exclude, limit=limit)
        return with_names(
            sa.select(*CARD_COLUMNS)
            .join(walk, walk.c.article_id == Story.id)
            .order_by(walk.c.live_at.desc(), walk.c.article_id.desc())
            .limit(limit)
        )
    return with_names(
        sa.select(*CARD_COLUMNS)
        .where(
            Story.live_at <= bound,
            Story.section_id == sa.bindparam("section", type_=sa.Integer()),
            Story.id.not_in(exclude),
        )
        .order_by(Story.live_at.desc(), Story.id.desc())
        .limit(limit)
    )
