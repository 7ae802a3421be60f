"""A story's update log, written: an editor adds an update or a correction to a published story,
or puts right (or takes out) an entry made by mistake. Each is audited on the story and moves
"Updated" and `dateModified` to the log's latest entry; commits."""

from __future__ import annotations

from extensions import db
from newsroom.models import AuditEntry, Role, Story, StoryUpdate, UpdateKind, User
from newsroom.models.update_log import UPDATE_TEXT_MAX, refresh_updated_at
from newsroom.stories import NotAllowed, StoryRefused


def add_entry(story: Story, kind: str, text: str, by: User) -> StoryUpdate:
    """Add an update or correction to a story readers can see, timed now."""
    _check(by, kind, text)
    if not story.is_visible:
        raise StoryRefused(
            "text", "Readers cannot see this story yet: change the story itself instead."
        )
    entry = StoryUpdate(story=story, kind=kind, text=text.strip(), by_id=by.id)
    db.session.add(entry)
    db.session.flush()
    refresh_updated_at(story)
    AuditEntry.record(by, kind, story, f"{kind}: {entry.text}")
    db.session.commit()
    return entry


def change_entry(entry: StoryUpdate, kind: str, text: str, by: User) -> None:
    """Put right an entry's words or kind; its time stays the time readers were told."""
    _check(by, kind, text)
    before = f"{entry.kind}: {entry.text}"
    entry.kind, entry.text = kind, text.strip()
    AuditEntry.record(by, "update", entry.story, f"log entry changed from “{before}”")
    db.session.commit()


def remove_entry(entry: StoryUpdate, by: User) -> None:
    """Take out an entry made by mistake; "Updated" goes back to the latest one left."""
    if not by.can(Role.EDITOR):
        raise NotAllowed("Only an editor may change a story's update log.")
    story = entry.story
    AuditEntry.record(by, "delete", story, f"log entry removed: {entry.kind}: {entry.text}")
    db.session.delete(entry)
    db.session.flush()
    refresh_updated_at(story)
    db.session.commit()


def _check(by: User, kind: str, text: str) -> None:
    if not by.can(Role.EDITOR):
        raise NotAllowed("Only an editor may change a story's update log.")
    if kind not in tuple(UpdateKind):
        raise StoryRefused("kind", "Choose an update or a correction.")
    if not (text or "").strip():
        raise StoryRefused("text", "Say what changed: readers see this note on the story.")
    if len(text.strip()) > UPDATE_TEXT_MAX:
        raise StoryRefused("text", f"Keep the note under {UPDATE_TEXT_MAX:,} characters.")
