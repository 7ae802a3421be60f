"""A story's versions for the newsroom: compare two, restore one, keep unsaved text aside.

Every save keeps a version (models.revision.Revision, written by newsroom.stories). Here:
`compare` puts two versions side by side, field by field, as word-level changes; `restore`
saves an old version's text again through the story workflow (so it is a new version, refused
if someone saved since, and never changes the story's status, publication time or placement);
`autosave` keeps what one person typed and has not saved, only while nobody saved since.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from newsroom.diffs import Part, word_diff
from newsroom.models import Author, Autosave, Country, Photo, Revision, Section, Story, utcnow
from newsroom.models.revision import FIELDS, named, pictured, snapshot_of
from newsroom.stories import StaleRevision, StoryChanges, save_story, tag_slug

# Shown in every comparison, changed or not; the other fields only when they changed.
ALWAYS_SHOWN = ("headline", "standfirst", "body_md")


@dataclass
class FieldChange:
    """One field of a comparison: its label and its text as runs of same/del/ins."""

    key: str
    label: str
    parts: list[Part]
    changed: bool

    @property
    def long(self) -> bool:
        """Text whose lines matter (the body): shown with its line breaks."""
        return self.key in ("body_md", "standfirst", "correction")


def shown_text(key: str, value) -> str:
    """A snapshot's value as an editor reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return value.get("name", "")
    if isinstance(value, list):
        return ", ".join(shown_text(key, item) for item in value)
    if key in ("published_at", "embargo_until"):
        when = datetime.fromisoformat(value)
        return f"{when.day} {when:%b %Y, %H:%M} UTC"
    return str(value)


def compare(older: dict, newer: dict) -> list[FieldChange]:
    """What changed from one snapshot to the other: the headline, standfirst and body always,
    every other field only where it differs."""
    found = []
    for key, label in FIELDS.items():
        changed = older.get(key) != newer.get(key)
        if not changed and key not in ALWAYS_SHOWN:
            continue
        before, after = shown_text(key, older.get(key)), shown_text(key, newer.get(key))
        parts = word_diff(before, after) if changed else [("same", after)]
        found.append(FieldChange(key, label, parts, changed))
    return found


# --- restoring ------------------------------------------------------------------------------


def restore(story: Story, number: int, by, expected_revision: int | None) -> Revision:
    """Save the text of the story's version `number` as its newest version; commits.

    The story workflow's rules apply (who may change it, StaleRevision when someone saved since
    the caller's page was read). Status, publication time, placement and address stay as they
    are: a restore brings back words, photos and filing, it does not publish or unpublish.
    LookupError when there is no such version."""
    kept = Revision.numbered(story, number)
    if kept is None:
        raise LookupError(f"There is no revision {number} of this story.")
    save_story(story, changes_from(kept.snapshot, story), "save", by, expected_revision)
    newest = Revision.latest(story)
    newest.action, newest.restored_from = "restore", number
    db.session.commit()
    return newest


def changes_from(text: dict, story: Story) -> StoryChanges:
    """A snapshot as the values of a save; rows removed since (a section, a photo) are left out
    or kept as the story has them now."""
    section = text.get("section") or {}
    place = text.get("dateline_country") or {}
    hero = text.get("hero_photo") or {}
    gallery = [p["id"] for p in text.get("gallery") or []]
    photos = Photo.existing([*gallery, *([hero["id"]] if hero else [])])
    return StoryChanges(
        headline=text.get("headline", ""),
        section_id=section["id"]
        if db.session.get(Section, section.get("id", 0))
        else story.section_id,
        standfirst=text.get("standfirst", ""),
        dateline=text.get("dateline", ""),
        dateline_country_id=place["id"] if db.session.get(Country, place.get("id", 0)) else None,
        body_md=text.get("body_md", ""),
        # A live page stays one: its posts would otherwise vanish behind an older kind.
        kind=story.kind if story.is_live_page else (text.get("kind") or story.kind),
        country_ids=[c["id"] for c in text.get("countries") or []],
        author_ids=[a["id"] for a in text.get("authors") or []],
        tag_names=[t["name"] for t in text.get("tags") or []],
        lang=text.get("lang") or story.lang,
        hero_photo_id=hero["id"] if hero.get("id") in photos else None,
        gallery_ids=[i for i in gallery if i in photos],
        source_name=text.get("source_name", ""),
        source_url=text.get("source_url", ""),
        video_url=text.get("video_url", ""),
        is_featured=story.is_featured,
        is_breaking=story.is_breaking,
        embargo_until=story.embargo_until,  # timing stays: a restore never lifts an embargo
    )


def snapshot_of_changes(changes: StoryChanges, story: Story) -> dict:
    """What the story would be after saving `changes` (not saved): for showing an editor whose
    save was refused their text beside the saved one."""
    section = db.session.get(Section, changes.section_id or 0)
    place = db.session.get(Country, changes.dateline_country_id or 0)
    authors = {a.id: a for a in Author.with_ids(changes.author_ids)}
    tags = {tag_slug(n): n.strip() for n in changes.tag_names if tag_slug(n)}
    photos = Photo.by_ids([*changes.gallery_ids, changes.hero_photo_id or 0])
    when = changes.published_at or story.published_at
    return {
        **snapshot_of(story),
        "headline": changes.headline.strip(),
        "standfirst": changes.standfirst.strip(),
        "body_md": changes.body_md,
        "dateline": changes.dateline.strip(),
        "dateline_country": named(place),
        "slug": changes.slug or story.slug,
        "kind": changes.kind,
        "lang": changes.lang,
        "section": named(section),
        "countries": [named(c) for c in sorted(Country.with_ids(changes.country_ids), key=_name)],
        "authors": [named(authors[i]) for i in changes.author_ids if i in authors],
        "tags": [{"id": None, "name": n} for n in sorted(tags.values(), key=str.lower)],
        "hero_photo": pictured(photos.get(changes.hero_photo_id)),
        "gallery": [pictured(photos[i]) for i in changes.gallery_ids if i in photos],
        "embargo_until": changes.embargo_until.isoformat() if changes.embargo_until else None,
        "source_name": changes.source_name.strip(),
        "source_url": changes.source_url.strip(),
        "video_url": changes.video_url.strip(),
        "is_featured": changes.is_featured,
        "is_breaking": changes.is_breaking,
        "published_at": when.isoformat() if when else None,
    }


def _name(row) -> str:
    return row.name


# --- autosave: one slot per story and person ------------------------------------------------


def same_text(a: StoryChanges, b: StoryChanges) -> bool:
    """Whether two sets of values would save the same story (spaces around a field, line-break
    style and the form of the tag list aside)."""
    return _comparable(a) == _comparable(b)


def _comparable(changes: StoryChanges) -> StoryChanges:
    tidy = {
        f.name: getattr(changes, f.name).replace("\r\n", "\n").strip()
        for f in dataclasses.fields(changes)
        if isinstance(getattr(changes, f.name), str)
    }
    tags = sorted({tag_slug(n) for n in changes.tag_names} - {""})
    return dataclasses.replace(
        changes, **tidy, tag_names=tags, country_ids=sorted(changes.country_ids)
    )


def autosave(story: Story, user, revision: int, fields: dict, unchanged: bool) -> Autosave | None:
    """Keep `fields` (the form as sent) in this person's slot for the story; commits.

    Refused (StaleRevision) when the story was saved since the form was opened at `revision`:
    the newer save is never overwritten, not even in a slot. `unchanged` (the form says what
    the story says) empties the slot instead: there is nothing to offer back."""
    if revision != story.revision:
        raise StaleRevision()
    if unchanged:
        Autosave.clear(story, user)
        db.session.commit()
        return None
    try:
        return _fill_slot(story, user, revision, fields)
    except sa.exc.IntegrityError:
        # The same person's other tab made the slot a moment ago: write over it.
        db.session.rollback()
        return _fill_slot(story, user, revision, fields)


def _fill_slot(story: Story, user, revision: int, fields: dict) -> Autosave:
    slot = Autosave.slot(story, user) or Autosave(story_id=story.id, user_id=user.id)
    slot.revision, slot.fields, slot.saved_at = revision, fields, utcnow()
    db.session.add(slot)
    db.session.commit()
    return slot


def discard_autosave(story: Story, user) -> None:
    """Drop this person's unsaved text for the story; commits."""
    Autosave.clear(story, user)
    db.session.commit()
