"""A live coverage page as readers see it: the posts shown, the key events, and the page's stamp.

The story page (news.story) and the live poll (live.coverage) both build a `LiveView` here, so a
post reads the same whether it came with the page, with "Show older updates" or with a poll.
The stamp is `story.live_changed_at` as whole microseconds since the Unix epoch: the page hands it
to its poller, and a poll that sends it back unchanged is answered 204."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, current_app, url_for
from markupsafe import Markup

from extensions import db
from newsroom.content import EMBED_TOKEN, expand_embeds
from newsroom.models import Cursor, LivePost, Story, utcnow
from newsroom.models.cursors import EPOCH
from web.params import cursor_arg, int_arg
from web.templating import format_time, iso_time, local

POSTS_PER_PAGE = 20
# A permalink deep in the page loads the posts down to it: at most this many in one answer.
UPTO_MOST = 200
# A poll from a page left open for long returns at most this many changed posts; past that the
# reader is offered a reload rather than a page rebuilt from hundreds of changes.
POLL_MOST = 100

EmbedCards = Callable[[tuple[int, ...]], tuple[dict, dict]]


def stamp_of(story: Story) -> int:
    """The page's version as its poll sends it: live_changed_at in microseconds (0: never)."""
    if story.live_changed_at is None:
        return 0
    return (story.live_changed_at - EPOCH) // timedelta(microseconds=1)


def stamp_time(stamp: int) -> datetime:
    return EPOCH + timedelta(microseconds=stamp)


def ago(then: datetime, now: datetime) -> str:
    """'just now', '5 min ago', '3 hours ago', '2 days ago' (static/js/live-coverage.js agrees)."""
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    days = hours // 24
    return "1 day ago" if days == 1 else f"{days} days ago"


@dataclass
class LiveView:
    """What the live templates show: `posts` newest first, `key_events`, `since` (the stamp)."""

    story: Story
    posts: list[LivePost]
    key_events: list[LivePost]
    since: int
    bodies: dict[int, Markup]
    next_cursor: Cursor | None = None
    is_first_page: bool = True
    truncated: bool = False
    # In a poll's answer: the stamp the reader's page held (posts written after it are new).
    changed_after: datetime | None = None
    now: datetime = field(default_factory=utcnow)

    @property
    def is_open(self) -> bool:
        return self.story.is_live_open

    @property
    def poll_seconds(self) -> int:
        """How often the page polls; 0 once the coverage is closed (the poller has no trigger)."""
        return current_app.config["LIVE_POLL_SECONDS"] if self.is_open else 0

    @property
    def poll_url(self) -> str:
        return url_for("live.coverage", story_id=self.story.id, since=self.since)

    @property
    def page_url(self) -> str:
        return url_for("news.story", slug=self.story.slug)

    @property
    def older_url(self) -> str | None:
        if self.next_cursor is None:
            return None
        return url_for("news.story", slug=self.story.slug, before=str(self.next_cursor))

    def permalink(self, post: LivePost) -> str:
        return f"{self.page_url}#{post.anchor}"

    def key_event_link(self, post: LivePost) -> str:
        """`#post-N` when the post is on this page, else a link that loads the page down to it."""
        if any(p.id == post.id for p in self.posts):
            return f"#{post.anchor}"
        return url_for("news.story", slug=self.story.slug, upto=post.id) + f"#{post.anchor}"

    def excerpt(self, post: LivePost, most: int = 100) -> str:
        """A key event's words in the list: its title, else the start of its text."""
        if post.title:
            return post.title
        html = Markup(post.body_html)  # sanitized at save  # noqa: S704  # nosec B704
        text = " ".join(EMBED_TOKEN.sub("", html.striptags()).split())
        return text if len(text) <= most else text[: most - 1].rsplit(" ", 1)[0] + "…"

    def body(self, post: LivePost) -> Markup:
        return self.bodies[post.id]

    @property
    def summary(self) -> Markup:
        """The pinned summary ("What we know"), sanitized when it was saved."""
        return Markup(self.story.live_summary_html)  # noqa: S704  # nosec B704

    def state(self, post: LivePost) -> str:
        """In a poll's answer, what the reader's page does with the post: new, edited, deleted."""
        if post.deleted_at is not None:
            return "deleted"
        if self.changed_after is None or post.posted_at > self.changed_after:
            return "new"
        return "edited"

    def ago(self, when: datetime) -> str:
        return ago(when, self.now)

    def clock(self, when: datetime) -> str:
        """'14:05 ICT' today in the dateline's zone, '27 Nov 2026, 14:05 ICT' on other days."""
        zone = self.story.zone
        same_day = local(when, zone).date() == local(self.now, zone).date()
        return format_time(when, zone, with_date=not same_day)

    def iso(self, when: datetime) -> str:
        return iso_time(when, self.story.zone)


def post_bodies(posts: list[LivePost], embed_cards: EmbedCards) -> dict[int, Markup]:
    """Each post's sanitized body with its [[nid:N]] embeds expanded, all cards fetched at once."""
    wanted = sorted(
        {ident for post in posts if post.deleted_at is None for ident in post.embed_ids}
    )
    cards, links = embed_cards(tuple(wanted)) if wanted else ({}, {})
    bodies = {}
    for post in posts:
        if post.deleted_at is not None:
            continue  # readers' pages only take it away
        if post.embed_ids:
            bodies[post.id] = expand_embeds(post.body_html, cards, links)
        else:
            bodies[post.id] = Markup(post.body_html)  # sanitized at save  # noqa: S704  # nosec B704
    return bodies


def for_reading(story: Story, embed_cards: EmbedCards) -> LiveView:
    """The live page as the request asks: the newest posts, the page `?before=` a cursor, or
    (`?upto=N`, a permalink deep in the page) every post from the newest down to post N."""
    since = stamp_of(story)  # read before the posts: a post racing the page is sent again
    before = cursor_arg("before")
    upto = int_arg("upto", minimum=1)
    if before is not None and upto is not None:
        abort(400, description="This live page link asks for two places at once.")
    next_cursor = None
    posts: list[LivePost] = []
    if upto is not None:
        posts = LivePost.down_to(story, upto, most=UPTO_MOST)
        if len(posts) < POSTS_PER_PAGE:
            posts = []  # the first page holds it (or it is deleted, or another page's)
        elif posts[-1].id != upto:
            # More than UPTO_MOST posts are newer: an earlier page that starts with it.
            target = db.session.get(LivePost, upto)
            before = Cursor(target.id + 1, target.posted_at)  # the page's first post is it
            posts = []
        elif LivePost.count(story) > len(posts):
            next_cursor = posts[-1].cursor
    if not posts:
        page = LivePost.page(story, before=before, limit=POSTS_PER_PAGE)
        posts, next_cursor = page.rows, page.next_cursor
    return LiveView(
        story=story,
        posts=posts,
        key_events=LivePost.key_events(story),
        since=since,
        bodies=post_bodies(posts, embed_cards),
        next_cursor=next_cursor,
        is_first_page=before is None,
    )


def changes(story: Story, since: int, embed_cards: EmbedCards) -> LiveView:
    """What changed on the page after the stamp `since`: new, edited and deleted posts."""
    stamp = stamp_of(story)
    changed = (
        LivePost.changed_since(story, stamp_time(since), most=POLL_MOST + 1)
        if since < stamp
        else []
    )
    truncated = len(changed) > POLL_MOST
    if truncated:
        changed = changed[-POLL_MOST:]
    changed.reverse()  # newest first, as the page shows them
    return LiveView(
        story=story,
        posts=changed,
        key_events=LivePost.key_events(story),
        since=stamp,
        bodies=post_bodies(changed, embed_cards),
        truncated=truncated,
        changed_after=stamp_time(since),
    )
