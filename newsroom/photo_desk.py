"""The photo desk's writes: adding a photo, changing its words or focal point, deleting it.

The admin calls these, as the story workflow calls newsroom/stories.py. Each write is audited, and
files follow the row: new files are removed if the row cannot be saved, and files that the row no
longer names are removed only after it is saved (a failed save leaves the photo as it was).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from extensions import db
from newsroom.models import AuditEntry, Photo, Story
from newsroom.photos import crop_files, discard_photo, recrop_photo, remove_files, store_photo

WORDS = ("alt", "caption", "credit", "copyright", "keywords")


@dataclass
class PhotoChanges:
    """What an editor may change about a stored photo."""

    alt: str
    caption: str = ""
    credit: str = ""
    copyright: str = ""
    keywords: str = ""
    focal_x: float = 0.5
    focal_y: float = 0.5


@dataclass
class PhotoUse:
    story: Story
    as_hero: bool
    in_gallery: bool


class PhotoInUse(ValueError):
    """The photo leads or illustrates a story, so it stays: `uses` says which."""

    def __init__(self, uses: list[PhotoUse]):
        super().__init__("This photo is used by a story.")
        self.uses = uses


def tidy_keywords(text: str) -> str:
    """Keywords as the library keeps them: comma-separated, each once, no empty ones."""
    words = (" ".join(k.split()) for k in (text or "").split(","))
    return ", ".join(dict.fromkeys(w for w in words if w))


def add_photo(data: bytes, by, **words: str) -> Photo:
    """Store an upload (fields left empty take the file's IPTC/XMP words) and save its row."""
    words["keywords"] = tidy_keywords(words.get("keywords", ""))
    photo = store_photo(data, **words)
    photo.keywords = tidy_keywords(photo.keywords)
    try:
        db.session.add(photo)
        db.session.flush()
        AuditEntry.record(by, "upload", photo, photo.alt)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard_photo(photo)
        raise
    return photo


def edit_photo(photo: Photo, changes: PhotoChanges, by) -> list[str]:
    """Save the photo's new words and focal point (cropping it again if that moved); return the
    names of what changed, as the audit log records them."""
    changes.keywords = tidy_keywords(changes.keywords)
    changed = [name for name in WORDS if getattr(photo, name) != getattr(changes, name).strip()]
    for name in changed:
        setattr(photo, name, getattr(changes, name).strip())
    focal = (round(changes.focal_x, 3), round(changes.focal_y, 3))
    old_crops: list = []
    old_tag = photo.crop_tag
    if focal != (round(photo.focal_x, 3), round(photo.focal_y, 3)) or not photo.crop_tag:
        old_crops = crop_files(photo)
        recrop_photo(photo, *focal)  # new files under new names; the old ones stay for now
        changed.append("focal point")
    if not changed:
        return []
    try:
        AuditEntry.record(by, "edit", photo, f"{photo.alt} ({', '.join(changed)})")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if photo.crop_tag != old_tag:
            remove_files(crop_files(photo))
        raise
    remove_files(old_crops)
    return changed


def uses_of(photo_id: int) -> list[PhotoUse]:
    """Every story, whatever its status, that has this photo as its hero or in its gallery."""
    in_gallery = _gallery_contains(photo_id)
    stories = db.session.scalars(
        sa.select(Story)
        .where(sa.or_(Story.hero_photo_id == photo_id, in_gallery))
        .order_by(Story.id.desc())
    ).all()
    return [
        PhotoUse(story, story.hero_photo_id == photo_id, photo_id in (story.gallery_ids or []))
        for story in stories
    ]


def _gallery_contains(photo_id: int):
    if db.engine.dialect.name == "postgresql":
        return sa.cast(Story.gallery_ids, postgresql.JSONB).contains([photo_id])
    numbers = sa.func.json_each(Story.gallery_ids).table_valued("value")
    return sa.exists(sa.select(1).select_from(numbers).where(numbers.c.value == photo_id))


def delete_photo(photo: Photo, by) -> None:
    """Delete a photo no story uses, then its files; PhotoInUse (saying where) if one does."""
    uses = uses_of(photo.id)
    if uses:
        raise PhotoInUse(uses)
    AuditEntry.record(by, "delete", photo, photo.alt)
    db.session.delete(photo)
    db.session.commit()
    discard_photo(photo)
