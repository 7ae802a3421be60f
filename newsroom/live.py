"""Live coverage: opening a live page, posting to it, keeping its summary, closing it.

Every change to a live page, from the admin, the command line or a wire tool, goes through
these functions: each checks who may make it, writes, stamps the page (`live_changed_at`, what
readers' polls compare), audits and commits. Editors run a live page; a writer posts to the
pages an editor has added them to, and edits or deletes only their own posts. A refusal is an
exception the caller puts in its own words, as in newsroom/stories.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from extensions import db
from newsroom.content import embed_ids, render_markdown
from newsroom.models import AuditEntry, Kind, LivePost, Role, Status, Story, User, utcnow
from newsroom.models.live import POST_BODY_MAX, POST_TITLE_MAX, SUMMARY_MAX
from newsroom.models.update_log import mark_substantive
from newsroom.stories import NotAllowed, StoryRefused


class CoverageClosed(StoryRefused):
    """Posting to a live page whose coverage has been closed."""

    def __init__(self) -> None:
        super().__init__("body", "This live coverage is closed: reopen it to post again.")


def may_post(story: Story, user: User | None) -> bool:
    """Editors post to any live page; a writer to those an editor added them to."""
    if user is None:  # the command line: the operator
        return True
    if user.can(Role.EDITOR):
        return True
    return any(person.id == user.id for person in story.live_contributors)


def may_change(post: LivePost, user: User | None) -> bool:
    """Editors change any post; a writer only their own, on a page they may still post to."""
    if user is None or user.can(Role.EDITOR):
        return True
    return post.author_id == user.id and may_post(post.story, user)


def _editor(by: User | None, doing: str) -> None:
    if by is not None and not by.can(Role.EDITOR):
        raise NotAllowed(f"Only an editor may {doing}.")


def _stamp(story: Story) -> datetime:
    """Give the page its next stamp (and return it): later than every stamp handed out before,
    whatever the app servers' clocks say. The story's row is locked until the commit
    (PostgreSQL; SQLite writes one at a time), so two servers posting at once stamp one after
    the other: a reader's poll never holds a stamp that a slower post then falls behind."""
    held = db.session.execute(
        sa.select(Story.live_changed_at).where(Story.id == story.id).with_for_update()
    ).scalar()
    now = utcnow()
    if held is not None and now <= held:
        now = held + timedelta(microseconds=1)
    story.live_changed_at = now
    return now


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not body:
        raise StoryRefused("body", "Write the post: its text is empty.")
    if len(body) > POST_BODY_MAX:
        raise StoryRefused("body", f"Keep a post under {POST_BODY_MAX:,} characters.")
    if len(title) > POST_TITLE_MAX:
        raise StoryRefused("title", f"Keep the title under {POST_TITLE_MAX} characters.")
    return title, body


def _set_body(post: LivePost, body: str) -> None:
    post.body_md = body
    post.body_html = render_markdown(body)
    post.embed_ids = embed_ids(body)


# --- the page ----------------------------------------------------------------------------------


def open_coverage(story: Story, by: User | None) -> None:
    """Make the story a live page (or reopen a closed one); commits."""
    _editor(by, "open live coverage")
    if story.status == Status.KILLED:
        raise StoryRefused("kind", "A killed story cannot become a live page.")
    reopening = story.kind == Kind.LIVE and story.live_closed_at is not None
    story.kind = Kind.LIVE.value
    story.live_closed_at = None
    _stamp(story)
    AuditEntry.record(by, "live-reopen" if reopening else "live-open", story, story.headline)
    db.session.commit()


def close_coverage(story: Story, by: User | None) -> None:
    """End the coverage: readers see "Live coverage ended" and their pages stop polling."""
    _editor(by, "close live coverage")
    if not story.is_live_open:
        raise StoryRefused("kind", "This story has no open live coverage to close.")
    story.live_closed_at = utcnow()
    _stamp(story)
    AuditEntry.record(by, "live-close", story, story.headline)
    db.session.commit()


def set_summary(story: Story, text: str, by: User | None) -> None:
    """Pin the page's summary ("What we know"); an empty one takes it away."""
    _editor(by, "change the summary")
    text = (text or "").strip()
    if len(text) > SUMMARY_MAX:
        raise StoryRefused("summary", f"Keep the summary under {SUMMARY_MAX:,} characters.")
    if text == story.live_summary_md:
        return
    story.live_summary_md = text
    story.live_summary_html = render_markdown(text)
    _stamp(story)
    AuditEntry.record(by, "live-summary", story, text[:200])
    db.session.commit()


def set_contributors(story: Story, people: list[User], by: User | None) -> None:
    """The writers who may post to this page (editors always may)."""
    _editor(by, "choose who posts")
    story.live_contributors = [p for p in people if p.is_active]
    names = ", ".join(p.name for p in story.live_contributors) or "nobody"
    AuditEntry.record(by, "live-contributors", story, f"writers who may post: {names}")
    db.session.commit()


# --- posts -------------------------------------------------------------------------------------


def check_post(story: Story, by: User | None) -> None:
    """Refuse, as add_post would, a post this person may not make to this page now: the admin
    asks before it stores a post's photo, so that a refused post leaves nothing behind."""
    if not may_post(story, by):
        raise NotAllowed("Ask an editor to add you to this live page before posting to it.")
    if story.kind != Kind.LIVE:
        raise StoryRefused("body", "This story is not a live page; open live coverage first.")
    if story.live_closed_at is not None:
        raise CoverageClosed()


def add_post(
    story: Story, by: User | None, body: str, title: str = "", key_event: bool = False
) -> LivePost:
    """Post to a live page: live for readers at once (if the page is); commits."""
    check_post(story, by)
    title, body = _clean(title, body)
    post = LivePost(
        story=story,
        title=title,
        is_key_event=bool(key_event) and (by is None or by.can(Role.EDITOR)),
        author_id=getattr(by, "id", None),
    )
    _set_body(post, body)
    now = _stamp(story)  # last: the page's row stays locked until the commit
    post.posted_at = post.changed_at = now
    db.session.add(post)
    if story.is_visible:
        # Lists, feeds, sitemaps and dateModified show a live page at the time of its latest
        # post: a post is a substantive change (it moves updated_at, which they all read).
        mark_substantive(story, now)
    db.session.flush()
    AuditEntry.record(by, "live-post", story, f"post {post.id}: {title or body[:120]}")
    db.session.commit()
    return post


def edit_post(
    post: LivePost, by: User | None, body: str, title: str = "", key_event: bool | None = None
) -> None:
    """Change a post's words (and, for an editor, whether it is a key event); commits."""
    if not may_change(post, by):
        raise NotAllowed("Writers change only their own posts; ask an editor.")
    if post.deleted_at is not None:
        raise StoryRefused("body", "This post was deleted.")
    title, body = _clean(title, body)
    changed = (title, body) != (post.title, post.body_md)
    if changed:
        post.title = title
        _set_body(post, body)
        post.edited_at = utcnow()
    if key_event is not None and bool(key_event) != post.is_key_event:
        _editor(by, "mark key events")
        post.is_key_event = bool(key_event)
        changed = True
    if not changed:
        return
    post.changed_at = _stamp(post.story)
    AuditEntry.record(by, "live-edit", post.story, f"post {post.id}: {title or body[:120]}")
    db.session.commit()


def set_key_event(post: LivePost, on: bool, by: User | None) -> None:
    _editor(by, "mark key events")
    if post.deleted_at is not None or post.is_key_event == bool(on):
        return
    post.is_key_event = bool(on)
    post.changed_at = _stamp(post.story)
    AuditEntry.record(
        by, "live-key-event" if on else "live-key-event-off", post.story, f"post {post.id}"
    )
    db.session.commit()


def delete_post(post: LivePost, by: User | None) -> None:
    """Take a post off the page (readers' pages drop it at their next poll); commits."""
    if not may_change(post, by):
        raise NotAllowed("Writers delete only their own posts; ask an editor.")
    if post.deleted_at is not None:
        return
    post.deleted_at = post.changed_at = _stamp(post.story)
    post.is_key_event = False
    AuditEntry.record(
        by, "live-delete", post.story, f"post {post.id}: {post.title or post.body_md[:120]}"
    )
    db.session.commit()


def story_by_slug(slug: str) -> Story | None:
    return db.session.scalar(db.select(Story).where(Story.slug == slug))
