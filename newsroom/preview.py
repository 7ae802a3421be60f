"""A story as it would read with unsaved changes, for the newsroom's preview: a transient Story
built from the changes, never added to the session, so rendering it can write nothing."""

from __future__ import annotations

from extensions import db
from newsroom.content import make_slug
from newsroom.models import Author, Country, Photo, Section, Status, Story, Tag, utcnow
from newsroom.stories import StoryChanges, tag_slug


def preview_story(changes: StoryChanges, original: Story | None) -> Story:
    """What readers would see if `original` (None: a new story) were saved with `changes`.

    Values the form could not make sense of fall back to something showable (a missing
    section is the first section; no time is now): a preview shows what is there."""
    story = Story()
    # Related stories leave this one out by id; a new story has none yet (0 matches nothing).
    story.id = original.id if original is not None else 0
    story.status = original.status if original is not None else Status.DRAFT.value
    story.headline = changes.headline.strip() or "(No headline yet)"
    story.slug = changes.slug or (original.slug if original else "") or make_slug(story.headline)
    story.standfirst = changes.standfirst.strip()
    story.dateline = changes.dateline.strip()
    story.set_body(changes.body_md)
    story.kind = changes.kind or "news"
    story.lang = changes.lang or "en"
    story.section = db.session.get(Section, changes.section_id or 0) or Section.ordered()[0]
    story.section_id = story.section.id  # a transient story's keys are not filled in by a flush
    story.dateline_country = db.session.get(Country, changes.dateline_country_id or 0)
    story.countries = sorted(Country.with_ids(changes.country_ids), key=lambda c: c.name)
    order = {ident: n for n, ident in enumerate(changes.author_ids)}
    story.authors = sorted(Author.with_ids(changes.author_ids), key=lambda a: order[a.id])
    story.tags = sorted(_tags(changes.tag_names), key=lambda t: t.name)
    story.hero_photo = db.session.get(Photo, changes.hero_photo_id or 0)
    story.hero_photo_id = story.hero_photo.id if story.hero_photo else None
    story.gallery_ids = list(changes.gallery_ids)
    story.embargo_until = changes.embargo_until
    story.source_name = changes.source_name.strip()
    story.source_url = changes.source_url.strip()
    story.video_url = changes.video_url.strip()
    now = utcnow()
    story.published_at = changes.published_at or (original and original.published_at) or now
    story.updated_at = original.updated_at if original is not None else None
    if changes.mark_updated and original is not None and original.published_at:
        story.updated_at = now
    return story


def _tags(names: list[str]) -> list[Tag]:
    """The tags with these names; one not made yet is a transient Tag, not added to the session."""
    tags: dict[str, Tag] = {}
    for name in (n.strip() for n in names):
        slug = tag_slug(name)
        if slug and slug not in tags:
            tags[slug] = Tag.by_slug(slug) or Tag(slug=slug, name=name[:80])
    return list(tags.values())
