"""What the story form shows about editing it: who else has it open, the unsaved text you
left, how many versions it has, and, when your save was refused as stale, their changes beside
yours. The views behind these live in autosave.py and revisions.py."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from newsroom.models import Autosave, Revision, Story
from newsroom.models.revision import snapshot_of
from newsroom.revisions import compare, snapshot_of_changes
from newsroom.stories import StoryChanges
from web import presence

# The address that shows the form filled with your autosaved text (autosave.py).
AUTOSAVE_ENDPOINT = "admin.story_autosave"


def editing_context(story: Story | None, yours: StoryChanges | None = None) -> dict:
    """For admin/_editing.html; showing the form of a saved story marks you as editing it.

    `yours`: the values of a save refused as stale, to show beside the story as saved now."""
    if story is None or story.id is None:
        return {"story": None}
    restored = request.endpoint == AUTOSAVE_ENDPOINT
    slot = Autosave.offered(story, current_user)
    return {
        "story": story,
        "others": presence.mark_editing(story.id, current_user),
        "autosave": slot,
        "restored": restored and slot is not None,
        "revision_count": Revision.count_for(story),
        "beside_yours": None
        if yours is None
        else compare(snapshot_of(story), snapshot_of_changes(yours, story)),
    }
