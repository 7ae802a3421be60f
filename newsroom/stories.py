"""The story workflow: every change to a story, whoever makes it, follows the rules written here.

`save_story` creates or changes a story and takes the action asked for (save, send for review,
publish, schedule, unpublish); `kill_story` withdraws a story for good. Each checks the newsroom's
rules, writes, audits and commits. A refusal is an exception that the caller puts in its own
words: the admin answers with a status code and the form again, the command line with a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from newsroom import checklist
from newsroom.content import make_slug
from newsroom.models import (
    AuditEntry,
    Author,
    Country,
    Kind,
    Revision,
    Role,
    SlugRedirect,
    Status,
    Story,
    Tag,
    TickerItem,
    User,
    story_authors,
    utcnow,
)
from newsroom.models.update_log import mark_substantive

ACTIONS = ("save", "submit", "publish", "schedule", "unpublish")
# Saving a story and sending it for review are any writer's; these are an editor's.
EDITOR_ACTIONS = ("publish", "schedule", "unpublish")
KILLABLE = (Status.PUBLISHED, Status.SCHEDULED, Status.UNPUBLISHED)
KILL_NOTICE_MAX = 1000
TAG_SLUG_MAX = 60
KILLED = "This story was killed: it cannot go back to the site. Write a new story."


class NotAllowed(PermissionError):
    """The person acting does not have the role this needs; nothing was written."""


class StoryRefused(ValueError):
    """A change the newsroom does not make; `field` names the value at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class StoryConflict(Exception):
    """The story's state stops the change, whatever the values; nothing was written."""


class StaleRevision(StoryConflict):
    """Someone saved the story after the caller read it: their save is not overwritten."""

    def __init__(self):
        super().__init__("Someone else saved this story since your copy was read.")


class SlugTaken(StoryConflict):
    """Another story took the address between the check and the write (two saves at once)."""

    field = "slug"

    def __init__(self):
        super().__init__("Another story took this web address a moment ago; choose another.")


class ChecklistUnmet(StoryRefused):
    """Publishing or scheduling a story that misses what the pre-publish checklist asks, with no
    editor's reason to go without; `unmet` names each check missed. Nothing was written."""

    def __init__(self, unmet: list[checklist.Check]):
        self.unmet = unmet
        names = "; ".join(check.label.lower() for check in unmet)
        super().__init__(
            "checklist_override",
            f"Not published: the checklist asks for {names}. Add them, or say why it goes without.",
        )


class CannotKill(ValueError):
    """A kill the newsroom should not do (no notice, or a story that was never public)."""


@dataclass
class StoryChanges:
    """Everything a save sets on a story, as plain values (the admin reads them from its form)."""

    headline: str
    section_id: int
    slug: str = ""  # empty: the story keeps its address; a new one gets one from the headline
    standfirst: str = ""
    dateline: str = ""
    dateline_country_id: int | None = None
    body_md: str = ""
    kind: str = Kind.NEWS.value
    country_ids: list[int] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)  # in the byline's order
    tag_names: list[str] = field(default_factory=list)
    lang: str = "en"
    hero_photo_id: int | None = None
    gallery_ids: list[int] = field(default_factory=list)
    source_name: str = ""
    source_url: str = ""
    video_url: str = ""
    is_featured: bool = False
    is_breaking: bool = False
    # A substantive change: readers see the story as updated now (never for a typo fix).
    mark_updated: bool = False
    # When to publish or schedule; empty publishes now. A plain save sets it for editors only.
    published_at: datetime | None = None
    # The pre-publish checklist (newsroom.checklist): "no photo" on purpose, and an editor's
    # reason to publish without what it asks (kept in the audit log).
    no_photo: bool = False
    checklist_override: str = ""
    # --- embargo: readers see nothing before this time, whatever the publication time
    embargo_until: datetime | None = None


def save_story(
    story: Story | None,
    changes: StoryChanges,
    action: str,
    by: User,
    expected_revision: int | None = None,
) -> Story:
    """Write a new story (None) or change one, and take `action`; audited; commits.

    `expected_revision` is the revision the caller's copy was read at: a story saved since then
    is not overwritten (StaleRevision). None when the caller holds no earlier copy."""
    _check(story, action, changes.published_at, by, expected_revision)
    opening_live = changes.kind == Kind.LIVE and getattr(story, "kind", None) != Kind.LIVE
    if opening_live and not by.can(Role.EDITOR):  # as newsroom.live.open_coverage
        raise StoryRefused("kind", "Only an editor may open live coverage: ask one to.")
    overridden = _check_list(changes, action)
    creating = story is None
    if creating:
        story = Story(created_by_id=by.id, status=Status.DRAFT.value, revision=0)
        db.session.add(story)
    before = {
        "status": story.status,
        "slug": story.slug,
        "public": story.is_visible,
        "breaking": bool(story.is_visible and story.is_breaking),
        "earlier": Revision.earlier_text(story),  # its version before, if none was kept yet
    }
    try:
        with db.session.no_autoflush:  # the new story is incomplete until the changes are applied
            _apply_changes(story, changes)
            _take_action(story, action, changes.published_at, by)
            story.revision = (story.revision or 0) + 1
            story.modified_by_id = by.id
        linked = before["public"] or before["status"] == Status.KILLED  # links to it exist
        if linked and before["slug"] and before["slug"] != story.slug:
            _keep_old_address(story, before["slug"])
        db.session.flush()
        store_byline_order(story)
        _follow_breaking_box(story, was_breaking=before["breaking"], by=by)
        Revision.keep(story, "create" if creating else action, by, earlier=before["earlier"])
        summary = f"{action}: {story.headline}"
        if before["status"] != story.status:
            summary += f" ({before['status'] or 'new'} → {story.status})"
        AuditEntry.record(by, "create" if creating else action, story, summary)
        if overridden:
            missed = "; ".join(check.label.lower() for check in overridden)
            reason = " ".join(changes.checklist_override.split())
            AuditEntry.record(by, "checklist-override", story, f"without {missed}: {reason}")
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another story took this web address between the caller's check and this write (two
        # editors at once on PostgreSQL). Nothing is written; the caller still has the values.
        db.session.rollback()
        raise SlugTaken() from None
    return story


def _check(story, action: str, when: datetime | None, by: User, expected_revision) -> None:
    """Refuse, before anything is written, what the workflow does not allow."""
    if action not in ACTIONS:
        raise StoryRefused("action", f"There is no action “{action}” for a story.")
    if action in EDITOR_ACTIONS and not by.can(Role.EDITOR):
        raise NotAllowed(f"Only an editor may {action} a story.")
    if story is not None and not story.is_editable_by(by):
        raise NotAllowed("Writers change only their own drafts; ask an editor.")
    if story is not None and expected_revision is not None and expected_revision != story.revision:
        raise StaleRevision()
    if story is not None and story.status == Status.KILLED and action != "save":
        raise StoryConflict(KILLED)
    if action == "schedule" and (when is None or when <= utcnow()):
        raise StoryRefused("published_at", "Choose a time in the future to schedule the story.")


def _check_list(changes: StoryChanges, action: str) -> list[checklist.Check]:
    """Publishing or scheduling needs what the checklist asks, or an editor's reason (only an
    editor may publish, see _check); returns the checks gone without, for the audit log."""
    if action not in ("publish", "schedule"):
        return []
    missed = checklist.unmet(changes)
    if missed and not changes.checklist_override.strip():
        raise ChecklistUnmet(missed)
    return missed


def _apply_changes(story: Story, changes: StoryChanges) -> None:
    story.headline = changes.headline.strip()
    story.slug = changes.slug or story.slug or Story.free_slug(story.headline)
    story.standfirst = changes.standfirst.strip()
    story.dateline = changes.dateline.strip()
    story.set_body(changes.body_md)
    if changes.kind == Kind.LIVE and story.kind != Kind.LIVE:
        # Made a live page from the form: open, with a stamp readers' polls can compare.
        story.live_closed_at, story.live_changed_at = None, utcnow()
    story.kind = changes.kind
    story.section_id = changes.section_id
    story.countries = Country.with_ids(changes.country_ids)
    story.dateline_country_id = changes.dateline_country_id or None
    order = {ident: n for n, ident in enumerate(changes.author_ids)}
    story.authors = sorted(Author.with_ids(changes.author_ids), key=lambda a: order[a.id])
    story.tags = tags_named(changes.tag_names)
    story.lang = changes.lang
    story.hero_photo_id = changes.hero_photo_id
    story.source_name = changes.source_name.strip()
    story.source_url = changes.source_url.strip()
    story.video_url = changes.video_url.strip()
    story.gallery_ids = list(changes.gallery_ids)
    story.is_featured = changes.is_featured
    story.is_breaking = changes.is_breaking
    story.embargo_until = changes.embargo_until
    # Only a story readers have seen can be updated; a plain save (a typo fix) moves nothing.
    if changes.mark_updated and story.is_visible:
        mark_substantive(story)


def _take_action(story: Story, action: str, when: datetime | None, by: User) -> None:
    """Move the story through the workflow: a time ahead schedules it, none publishes it now."""
    now = utcnow()
    if when is not None and _same_minute(when, story.published_at):
        # The form shows the time to the minute: the same minute sent back is no change, so
        # saving a typo fix does not move the publication time (or dateModified with it).
        when = story.published_at
    if action == "submit":
        story.status = Status.REVIEW.value
    elif action == "publish":
        if when and when > now:
            story.status, story.published_at = Status.SCHEDULED.value, when
        else:
            story.status = Status.PUBLISHED.value
            story.published_at = min(when or story.published_at or now, now)
    elif action == "schedule":
        story.status, story.published_at = Status.SCHEDULED.value, when
    elif action == "unpublish":
        story.status = Status.UNPUBLISHED.value
    # A plain save moves the publication time only when an editor makes it.
    elif when is not None and by.can(Role.EDITOR):
        story.published_at = when


def _same_minute(when: datetime, stored: datetime | None) -> bool:
    return stored is not None and when == stored.replace(second=0, microsecond=0)


def store_byline_order(story: Story) -> None:
    """The byline reads in the order the authors were given: the link table keeps it."""
    for position, author in enumerate(story.authors):
        db.session.execute(
            sa.update(story_authors)
            .where(story_authors.c.article_id == story.id, story_authors.c.author_id == author.id)
            .values(position=position)
        )


def _keep_old_address(story: Story, old_slug: str) -> None:
    """Links to a public story's old address still arrive (301); its new address is nobody's
    old one any more."""
    db.session.add(SlugRedirect(old_slug=old_slug, article_id=story.id))
    db.session.execute(sa.delete(SlugRedirect).where(SlugRedirect.old_slug == story.slug))


def _follow_breaking_box(story: Story, was_breaking: bool, by: User | None) -> None:
    """A story that goes live marked Breaking leads the ticker; unmarked or taken off the
    site, it leaves it. Saving it again changes nothing, so an expired item stays expired."""
    is_breaking = bool(story.is_visible and story.is_breaking)
    if is_breaking and not was_breaking:
        item = TickerItem.announce(story)
        db.session.flush()
        AuditEntry.record(by, "create", item, item.text)
    elif not story.is_visible:
        TickerItem.withdraw(story)
    elif was_breaking and not story.is_breaking:
        TickerItem.withdraw(story, only_announced=True)


# --- tags -----------------------------------------------------------------------------------------


def tag_slug(name: str) -> str:
    """A tag's web address, made from its name; empty when the name has no letter or digit."""
    return make_slug(name, max_length=TAG_SLUG_MAX, fallback="")


def tags_named(names: list[str]) -> list[Tag]:
    """The tags with these names, one per web address ("AI, ai" is one tag), made on first use;
    names that make no address are left out."""
    tags: dict[str, Tag] = {}
    for name in (n.strip() for n in names):
        slug = tag_slug(name)
        if not slug or slug in tags:
            continue
        tag = Tag.by_slug(slug)
        if tag is None:
            tag = Tag(slug=slug, name=name[:80])
            db.session.add(tag)
        tags[slug] = tag
    return list(tags.values())


# --- killing: withdrawn for good (legal or safety reasons); its addresses answer 410 --------------


def kill_story(story: Story, notice: str, by: User | None) -> None:
    """Withdraw the story for good: readers see `notice` at its addresses (410 Gone), it leaves
    every list, feed, sitemap, search and the ticker, and the audit log says who (None: the
    command line, where the operator may do anything); commits."""
    if by is not None and not by.can(Role.EDITOR):
        raise NotAllowed("Only an editor may kill a story.")
    notice = " ".join((notice or "").split())
    if not notice:
        raise CannotKill("Say why the story was removed: readers see it at its address.")
    if len(notice) > KILL_NOTICE_MAX:
        raise CannotKill(f"Keep the notice under {KILL_NOTICE_MAX:,} characters.")
    if story.status not in KILLABLE:
        raise CannotKill(
            "Only a published, scheduled or unpublished story can be killed; "
            f"this one is {story.status}."
        )
    before = story.status
    story.status, story.kill_notice = Status.KILLED.value, notice
    story.revision = (story.revision or 0) + 1
    story.modified_by_id = getattr(by, "id", None)
    TickerItem.withdraw(story)
    Revision.keep(story, "kill", by)
    AuditEntry.record(by, "kill", story, f"kill: {story.headline} ({before} → killed): {notice}")
    db.session.commit()
