"""A story's versions: the list, a word-level comparison of any two, and restoring one.

Every save keeps a version (newsroom.stories); restoring goes through the same save, so it is
itself a new version and is refused when someone saved the story since the page was read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.stories import _load_story
from newsroom import revisions
from newsroom.models import Revision, Role
from newsroom.stories import NotAllowed, StaleRevision, StoryConflict, StoryRefused
from web.params import int_arg, parse_int

STALE_RESTORE = (
    "Someone saved the story since this page was opened, so nothing was restored. "
    "The list below is up to date: compare again, then restore."
)


@bp.get("/stories/<int:ident>/revisions")
@requires(Role.WRITER)
def story_revisions(ident):
    """The story's versions, newest first: who saved each, when, how, and what changed."""
    return _revision_list(_load_story(ident))


def _revision_list(story, status=200, problem=None):
    return form_response(
        "admin/revisions.html", status, story=story, revisions=Revision.of(story), problem=problem
    )


@bp.get("/stories/<int:ident>/revisions/compare")
@requires(Role.WRITER)
def story_revisions_compare(ident):
    """Two versions of the story, word by word (?a=N&b=M; by default the newest against the
    one before it): what the older one had struck through, what the newer one added marked."""
    story = _load_story(ident)
    kept = Revision.of(story)  # newest first
    numbers = [r.number for r in kept]
    b = int_arg("b", numbers[0] if numbers else None)
    a = int_arg("a", next((n for n in numbers if b is not None and n < b), None))
    by_number = {r.number: r for r in kept}
    for number in (a, b):
        if number is not None and number not in by_number:
            abort(404, description=f"There is no revision {number} of this story.")
    if a is None or b is None or a == b:
        older = newer = by_number.get(b)
        changes = []
    else:
        older, newer = sorted((by_number[a], by_number[b]), key=lambda r: r.number)
        changes = revisions.compare(older.snapshot, newer.snapshot)
    return render_template(
        "admin/revision_compare.html",
        story=story,
        revisions=kept,
        older=older,
        newer=newer,
        changes=changes,
    )


@bp.post("/stories/<int:ident>/revisions/restore")
@requires(Role.WRITER)
def story_revision_restore(ident):
    """Save an old version's text as the newest version; the story's status stays as it is."""
    story = _load_story(ident)
    number = parse_int(request.form.get("number"))
    if number is None:
        abort(400, description="Choose the revision to restore.")
    seen = parse_int(request.form.get("revision"))
    try:
        restored = revisions.restore(
            story, number, by=current_user, expected_revision=-1 if seen is None else seen
        )
    except LookupError as missing:
        abort(404, description=str(missing))
    except NotAllowed:
        abort(403)
    except StaleRevision:
        return _revision_list(story, 409, STALE_RESTORE)
    except (StoryConflict, StoryRefused) as refused:
        return _revision_list(story, 409, str(refused))
    flash(f"Revision {number} restored: it is now revision {restored.number}.", "success")
    return redirect(url_for("admin.story_edit", ident=story.id), 303)
