"""The pre-publish checklist: what a story needs before it goes live or is scheduled.

The desk chooses which checks apply with the PUBLISH_CHECKLIST setting (names from CHECKS, in
the order shown). newsroom.stories.save_story refuses to publish or schedule a story that misses
one (ChecklistUnmet) unless an editor gives a reason, which the audit log keeps; the story form
shows the same list beside its actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from extensions import db
from newsroom.models import Photo

# Each check's name (the setting's word) and what the desk sees.
CHECKS = {
    "author": "At least one author",
    "country": "At least one country",
    "hero_photo": "A hero photo with alt text, or “No photo” ticked",
    "standfirst": "A standfirst",
}
DEFAULT = ("author", "country", "hero_photo", "standfirst")


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    met: bool


def unknown(names) -> list[str]:
    """The names in a PUBLISH_CHECKLIST setting that are no check (refused at start)."""
    return [name for name in names if name not in CHECKS]


def configured() -> list[str]:
    return [name for name in current_app.config.get("PUBLISH_CHECKLIST", DEFAULT) if name in CHECKS]


def review(changes) -> list[Check]:
    """Each configured check, met or not, for a story with these values (a StoryChanges)."""
    return [Check(name, CHECKS[name], _met(name, changes)) for name in configured()]


def unmet(changes) -> list[Check]:
    return [check for check in review(changes) if not check.met]


def _met(name: str, changes) -> bool:
    if name == "author":
        return bool(changes.author_ids)
    if name == "country":
        return bool(changes.country_ids)
    if name == "standfirst":
        return bool((changes.standfirst or "").strip())
    if name == "hero_photo":
        if changes.hero_photo_id:
            photo = db.session.get(Photo, changes.hero_photo_id)
            return photo is not None and bool((photo.alt or "").strip())
        return bool(changes.no_photo)
    return False
