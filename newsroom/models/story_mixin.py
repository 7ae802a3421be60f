"""What a story does and shows beyond its columns: whether readers may see it, its body, and
what its page reads. Changing a story (the workflow, killing) is done in newsroom.stories."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from newsroom.content import render_story_body
from newsroom.models.base import Kind, Role, Status, utcnow
from newsroom.models.cursors import Cursor
from newsroom.models.photo import Photo
from newsroom.video import embed_url


def live_at_for(
    status: str, published_at: datetime | None, embargo_until: datetime | None = None
) -> datetime | None:
    """When readers may see a story: while it is published or scheduled, its publication time,
    or its embargo's end if that is later (a scheduled or embargoed story goes live when its
    time comes, no cron needed); never (None) otherwise.

    The one statement of the rule: `is_visible` reads it, and every save stores it as live_at,
    the indexed column that `visible()` and every reader list, feed, sitemap, search, embed and
    related card filter on; the page cache expires at the next live_at (next_scheduled_time)."""
    if status not in (Status.PUBLISHED, Status.SCHEDULED) or published_at is None:
        return None
    return max(published_at, embargo_until) if embargo_until is not None else published_at


class StoryMixin:
    """Mixed into Story (newsroom.models.story)."""

    @property
    def shown_status(self) -> str:
        """The status the newsroom reads: a scheduled story whose time has come is published
        (its stored status stays "scheduled"; live_at says it is live)."""
        if self.status == Status.SCHEDULED and self.is_visible:
            return Status.PUBLISHED.value
        return self.status

    # --- who in the newsroom may see and change it ---------------------------------------------

    @classmethod
    def seen_by(cls, user):
        """The stories this user may see in the admin, as a condition for a query on Story:
        editors and admins see every story, writers their own."""
        return sa.true() if user.can(Role.EDITOR) else cls.created_by_id == user.id

    def is_seen_by(self, user) -> bool:
        """seen_by, for this story."""
        return user.can(Role.EDITOR) or self.created_by_id == user.id

    def is_editable_by(self, user) -> bool:
        """Writers edit their own drafts; editors and admins edit any story."""
        if user.can(Role.EDITOR):
            return True
        return self.is_seen_by(user) and self.status == Status.DRAFT

    # --- what readers may see ---------------------------------------------------------------

    @classmethod
    def visible(cls, now: datetime | None = None):
        """The condition for stories readers may see now (live_at_for, in SQL)."""
        return cls.live_at <= (now or utcnow())

    @property
    def is_visible(self) -> bool:
        live = live_at_for(self.status, self.published_at, self.embargo_until)
        return live is not None and live <= utcnow()

    @property
    def public_at(self) -> datetime | None:
        """When readers could first see the story: its publication time, or its embargo's end
        when that came later. What readers, feeds and search engines are told as "published"."""
        return live_at_for(self.status, self.published_at, self.embargo_until) or self.published_at

    @property
    def is_embargoed(self) -> bool:
        """Held back by an embargo that has not ended (the newsroom's banner says until when)."""
        return self.embargo_until is not None and self.embargo_until > utcnow()

    # --- the body: Markdown rendered once, at save time ---------------------------------------

    def set_body(self, body_md: str) -> None:
        """The story's Markdown and what readers get from it: sanitized HTML with the dateline
        leading the first paragraph, and the stories it embeds. Set the dateline first."""
        self.body_md = body_md or ""
        self.body_html, self.embed_ids = render_story_body(self.dateline or "", self.body_md)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    # --- live pages: open until closed ----------------------------------------------------------

    @property
    def is_live_page(self) -> bool:
        return self.kind == Kind.LIVE

    @property
    def is_live_open(self) -> bool:
        """A live page still being written: labelled LIVE, and readers' pages keep polling."""
        return self.kind == Kind.LIVE and self.live_closed_at is None

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the story's times are shown in: the dateline country's, else UTC."""
        if self.dateline_country is not None:
            return self.dateline_country.zone
        return self.countries[0].zone if self.countries else ZoneInfo("UTC")

    @property
    def is_syndicated(self) -> bool:
        return bool(self.source_name and self.source_url)

    @property
    def video_embed(self) -> str | None:
        return embed_url(self.video_url)

    def gallery(self) -> list[Photo]:
        """The gallery's photos in the editor's order, in one query."""
        if not self.gallery_ids:
            return []
        query = sa.select(Photo).where(Photo.id.in_(self.gallery_ids))
        found = {i.id: i for i in db.session.scalars(query)}
        return [found[i] for i in self.gallery_ids if i in found]

    @property
    def robots_directive(self) -> str:
        """Full copies of partner stories stay out of search results unless the deal says so."""
        if self.source is not None and self.source.policy == "full-noindex":
            return "noindex, follow"
        return "max-image-preview:large"

    @property
    def canonical_override(self) -> str | None:
        if self.source is not None and self.source.policy == "full-canonical" and self.source_url:
            return self.source_url
        return None

    @property
    def cursor(self) -> Cursor:
        """This story's place in the reader lists (their order is live time, then id: the
        publication time, or an embargo's end when that came later)."""
        return Cursor(self.id, self.live_at or self.published_at)
