"""The dashboard: what needs the newsroom's attention."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.admin.common import bp, requires
from newsroom.models import AuditEntry, ContactMessage, LivePost, Role, Story
from newsroom.models.live import open_pages


@bp.get("/")
@requires(Role.WRITER)
def dashboard():
    """What needs attention: open live pages, stories to review, scheduled stories, messages,
    recent changes."""
    seen = Story.seen_by(current_user)
    live_pages = open_pages(current_user)
    return render_template(
        "admin/dashboard.html",
        in_review=Story.in_review(seen),
        scheduled=Story.scheduled_ahead(seen),
        my_drafts=Story.drafts_by(current_user, seen),
        unread=ContactMessage.unread_count(),
        recent=_recent_changes(),
        can_edit=lambda story: story.is_editable_by(current_user),
        live_pages=live_pages,
        live_counts=LivePost.counts(live_pages),
    )


def _recent_changes() -> list[AuditEntry]:
    """The log for editors and admins; a writer's own actions and changes to their stories."""
    if current_user.can(Role.EDITOR):
        return AuditEntry.recent()
    return AuditEntry.recent_for(current_user, Story.seen_by(current_user))
