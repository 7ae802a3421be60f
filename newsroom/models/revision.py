"""A story's kept versions (one per save) and each editor's autosaved, not yet saved text.

A Revision holds a snapshot of everything an editor can change, as plain JSON (ids with the
names they had, so an old version still reads well after a country or author is renamed or
removed). An Autosave is one slot per story and person, overwritten, never a revision.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from extensions import db
from newsroom.models.base import UTCDateTime, utcnow
from newsroom.models.people import User
from newsroom.models.photo import Photo
from newsroom.models.story import Story
from newsroom.models.taxonomy import Country, Section

# Every field a snapshot holds, in the order a comparison shows them, with its label.
FIELDS = {
    "headline": "Headline",
    "standfirst": "Standfirst",
    "body_md": "Body",
    "dateline": "Dateline",
    "dateline_country": "Dateline country",
    "slug": "Web address",
    "kind": "Kind",
    "lang": "Language",
    "section": "Section",
    "countries": "Countries",
    "authors": "Authors",
    "tags": "Tags",
    "hero_photo": "Hero photo",
    "gallery": "Gallery",
    "correction": "Correction",  # in revisions kept before the update log
    "embargo_until": "Embargo",
    "source_name": "Syndicated from",
    "source_url": "Original story address",
    "video_url": "Video address",
    "is_featured": "Featured",
    "is_breaking": "Breaking",
    "status": "Status",
    "published_at": "Publication time",
}

ACTION_LABELS = {
    "create": "Created",
    "save": "Saved",
    "submit": "Sent for review",
    "publish": "Published",
    "schedule": "Scheduled",
    "unpublish": "Unpublished",
    "kill": "Killed",
    "restore": "Restored",
    "import": "Updated by the partner's feed",
    "earlier": "Version before revisions were kept",
}


def named(row) -> dict | None:
    return None if row is None else {"id": row.id, "name": row.name}


def pictured(photo: Photo | None) -> dict | None:
    return None if photo is None else {"id": photo.id, "name": photo.alt or f"Photo #{photo.id}"}


def snapshot_of(story: Story) -> dict:
    """Everything an editor can change on the story, as it is now (JSON-ready)."""
    # By id, not through the relationships: those still hold what was loaded before a save
    # changed the ids (the identity map makes these lookups free once loaded).
    gallery = Photo.by_ids(story.gallery_ids or []) if story.gallery_ids else {}
    return {
        "headline": story.headline or "",
        "standfirst": story.standfirst or "",
        "body_md": story.body_md or "",
        "dateline": story.dateline or "",
        "dateline_country": named(db.session.get(Country, story.dateline_country_id))
        if story.dateline_country_id
        else None,
        "slug": story.slug or "",
        "kind": story.kind or "",
        "lang": story.lang or "",
        "section": named(db.session.get(Section, story.section_id)) if story.section_id else None,
        "countries": [named(c) for c in story.countries],
        "authors": [named(a) for a in story.authors],
        "tags": [named(t) for t in story.tags],
        "hero_photo": pictured(db.session.get(Photo, story.hero_photo_id))
        if story.hero_photo_id
        else None,
        "gallery": [pictured(gallery[i]) for i in story.gallery_ids or [] if i in gallery],
        "embargo_until": story.embargo_until.isoformat() if story.embargo_until else None,
        "source_name": story.source_name or "",
        "source_url": story.source_url or "",
        "video_url": story.video_url or "",
        "is_featured": bool(story.is_featured),
        "is_breaking": bool(story.is_breaking),
        "status": story.status or "",
        "published_at": story.published_at.isoformat() if story.published_at else None,
    }


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The fields (keys of FIELDS) whose value differs between two snapshots."""
    if before is None:
        return []
    return [key for key in FIELDS if before.get(key) != after.get(key)]


class Revision(db.Model):
    """One kept version of a story: who saved it, when, with which action, and its text."""

    __tablename__ = "story_revisions"
    __table_args__ = (sa.UniqueConstraint("story_id", "number", name="uq_story_revisions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    # The story's revision number after this save (what a form opened now would carry).
    number: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # create, save, submit, publish, schedule, unpublish, kill, restore; "earlier" for the
    # version a story had before revisions were kept.
    action: Mapped[str] = mapped_column(sa.String(20))
    restored_from: Mapped[int | None]
    # Keys of FIELDS changed since the revision before (empty for the first one).
    changed: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    snapshot: Mapped[dict] = mapped_column(sa.JSON)

    user: Mapped[User | None] = relationship()

    @classmethod
    def earlier_text(cls, story: Story | None) -> dict | None:
        """The story's snapshot before a save, when no version of it was kept yet (stories made
        before revisions were kept, imported or demo stories); None otherwise. Call it before
        the save changes anything."""
        if story is None or story.id is None or cls.latest(story) is not None:
            return None
        return snapshot_of(story)

    @classmethod
    def keep(cls, story: Story, action: str, by, earlier: dict | None = None) -> Revision:
        """Keep the story as it is now as revision `story.revision` (after the save bumped it);
        `earlier` (from earlier_text) is kept first as the version before. The saver's autosave
        is done with. The caller commits."""
        previous = cls.latest(story)
        if earlier is not None and previous is None:
            previous = cls(
                story_id=story.id,
                number=(story.revision or 1) - 1,
                user_id=None,
                at=story.modified_at or utcnow(),
                action="earlier",
                changed=[],
                snapshot=earlier,
            )
            db.session.add(previous)
        text = snapshot_of(story)
        kept = cls(
            story_id=story.id,
            number=story.revision,
            user_id=getattr(by, "id", None),
            action=action,
            changed=changed_fields(previous.snapshot if previous else None, text),
            snapshot=text,
        )
        db.session.add(kept)
        Autosave.clear(story, by)
        return kept

    @classmethod
    def latest(cls, story: Story) -> Revision | None:
        query = sa.select(cls).where(cls.story_id == story.id).order_by(cls.number.desc())
        return db.session.scalar(query.limit(1))

    @classmethod
    def of(cls, story: Story) -> list[Revision]:
        """The story's kept versions, newest first, with who saved each."""
        query = (
            sa.select(cls)
            .where(cls.story_id == story.id)
            .options(joinedload(cls.user))
            .order_by(cls.number.desc())
        )
        return list(db.session.scalars(query))

    @classmethod
    def numbered(cls, story: Story, number: int) -> Revision | None:
        query = sa.select(cls).where(cls.story_id == story.id, cls.number == number)
        return db.session.scalar(query.options(joinedload(cls.user)))

    @classmethod
    def count_for(cls, story: Story) -> int:
        query = sa.select(sa.func.count()).where(cls.story_id == story.id)
        return db.session.scalar(query) or 0

    @property
    def action_label(self) -> str:
        label = ACTION_LABELS.get(self.action, self.action.capitalize())
        return f"{label} revision {self.restored_from}" if self.restored_from else label

    @property
    def changed_labels(self) -> list[str]:
        return [FIELDS[key] for key in self.changed or [] if key in FIELDS]


class Autosave(db.Model):
    """What one person had typed in a story's form and not saved: one slot per story and
    person, overwritten every time, and cleared when they save."""

    __tablename__ = "story_autosaves"
    __table_args__ = (sa.UniqueConstraint("story_id", "user_id", name="uq_story_autosaves_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The story's revision the form was opened at: the text is offered back only while the
    # story is still at that revision (nobody saved since).
    revision: Mapped[int]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The form's fields as sent (name -> list of values), to fill the form again.
    fields: Mapped[dict] = mapped_column(sa.JSON)

    @classmethod
    def slot(cls, story: Story, user) -> Autosave | None:
        query = sa.select(cls).where(cls.story_id == story.id, cls.user_id == user.id)
        return db.session.scalar(query)

    @classmethod
    def offered(cls, story: Story, user) -> Autosave | None:
        """This person's unsaved text for the story, if nobody saved the story since."""
        found = cls.slot(story, user)
        return found if found is not None and found.revision == story.revision else None

    @classmethod
    def clear(cls, story: Story, user) -> None:
        """Drop this person's slot for the story (they saved, or discarded it); no commit."""
        db.session.execute(
            sa.delete(cls).where(cls.story_id == story.id, cls.user_id == getattr(user, "id", None))
        )
