"""What a story does and shows beyond its columns: killing, and what its page reads."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from newsroom.models.base import Kind, Status
from newsroom.models.cursors import encode_cursor
from newsroom.models.people import AuditEntry, User
from newsroom.models.photo import Photo
from newsroom.models.ticker import TickerItem
from newsroom.video import embed_url


class CannotKill(ValueError):
    """A kill the newsroom should not do (no notice, or a story that was never public)."""


class StoryMixin:
    """Mixed into Story (newsroom.models.story)."""

    # --- killing: withdrawn for good (legal or safety reasons); its addresses answer 410 ----------

    KILLABLE = (Status.PUBLISHED, Status.SCHEDULED, Status.UNPUBLISHED)
    KILL_NOTICE_MAX = 1000

    def kill(self, notice: str, by: User | None = None) -> None:
        """Withdraw the story for good: readers see `notice` at its addresses (410 Gone), it
        leaves every list, feed, sitemap, search and the ticker, and the audit log says who."""
        notice = " ".join((notice or "").split())
        if not notice:
            raise CannotKill("Say why the story was removed: readers see it at its address.")
        if len(notice) > self.KILL_NOTICE_MAX:
            raise CannotKill(f"Keep the notice under {self.KILL_NOTICE_MAX:,} characters.")
        if self.status not in self.KILLABLE:
            raise CannotKill(
                "Only a published, scheduled or unpublished story can be killed; "
                f"this one is {self.status}."
            )
        before = self.status
        self.status, self.kill_notice = Status.KILLED.value, notice
        self.revision = (self.revision or 0) + 1
        self.modified_by_id = getattr(by, "id", None)
        TickerItem.withdraw(self)
        AuditEntry.record(by, "kill", self, f"kill: {self.headline} ({before} → killed): {notice}")

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

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
    def cursor(self) -> str:
        return encode_cursor(self.published_at, self.id)
