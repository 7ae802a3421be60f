"""What a story list is filed under: everything, or one section, country, region, tag or author."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, request, url_for

from extensions import cache, db
from newsroom.models import (
    Author,
    Country,
    Cursor,
    Region,
    Section,
    Story,
    StoryCard,
    Tag,
    card_page,
)
from web.caching import content_version
from web.params import cursor_arg, parse_int

# The query argument that names each kind of list, and the model behind it.
SCOPES = {
    "section": Section,
    "country": Country,
    "region": Region,
    "tag": Tag,
    "author": Author,
}


@dataclass
class ListScope:
    """One story list: everything, or the stories of one section, country, region, tag or author."""

    kind: str = "latest"
    subject: object | None = None
    filters: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        if self.subject is None:
            return url_for("news.latest")
        return url_for(f"news.{self.kind}", slug=self.subject.slug)

    @property
    def args(self) -> dict:
        """Query arguments that name this list for the live endpoints."""
        return {} if self.subject is None else {self.kind: self.subject.slug}


def find_slug(slug: str) -> str:
    """The slug, or 404 when it cannot be any list's address."""
    if not slug or len(slug) > 120 or not slug.isascii() or not slug.isprintable():
        abort(404)
    return slug


def find_by_slug(model, slug: str):
    """Fetch a section, country, region, tag or author by slug, or 404 (tags: public ones only)."""
    find_slug(slug)
    query = sa.select(model).where(model.slug == slug)
    if model is Tag:
        query = query.where(Tag.public())
    subject = db.session.scalar(query)
    if subject is None:
        abort(404)
    return subject


def scope_for(kind: str, slug: str) -> ListScope:
    subject = find_by_slug(SCOPES[kind], slug)
    return ListScope(kind=kind, subject=subject, filters={kind: subject})


def list_scope(args) -> ListScope:
    """The list named by the query arguments (at most one of section/country/...), else all."""
    named = [k for k in SCOPES if args.get(k)]
    if len(named) > 1:
        abort(400, description="Name at most one list.")
    if not named:
        return ListScope()
    return scope_for(named[0], args[named[0]])


# --- fronts: a lead story and top stories above a section's, country's, region's or tag's list ---

FRONT_KINDS = ("section", "country", "region", "tag")
FRONT_TOP = 4  # top stories beside the lead
FRONT_WINDOW = 10  # the lead and top stories are chosen among this many newest stories
FRONT_MIN_LIST = 2  # a short list keeps this many stories for the list itself


@dataclass
class Front:
    """The first page of a list that has a front: its lead, its top stories, and the newest
    stories after them, without either."""

    lead: object | None = None
    top: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    next_cursor: object | None = None
    newest: object | None = None

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in ([self.lead] if self.lead else []) + self.top)


def front_pool(per_page: int) -> int:
    """How many of the newest stories the first page reads: the window the front is chosen
    in, and enough after the front to fill the page."""
    return max(FRONT_WINDOW, per_page) + FRONT_TOP + 1


def choose_front(rows: list) -> tuple[object | None, list]:
    """The lead (a featured story with a photo, else any with a photo, else the newest) and up
    to four top stories (featured and illustrated ones first, then the newest), chosen among the
    newest few; a short list keeps some stories for itself, a very short one has no front."""
    room = min(FRONT_TOP + 1, len(rows) - FRONT_MIN_LIST)
    if room < 1:
        return None, []
    room -= (room - 1) % 2  # top stories sit two by two: none, two or four
    window = rows[:FRONT_WINDOW]
    featured = [s for s in window if s.is_featured and s.hero_photo_id is not None]
    illustrated = [s for s in window if s.hero_photo_id is not None]
    lead = (featured or illustrated or window)[0]
    others = [s for s in window if s is not lead]
    # sorted() is stable: within each rank the newest stay first.
    others.sort(key=lambda s: (not s.is_featured, s.hero_photo_id is None))
    return lead, others[: room - 1]


def front_for(scope: ListScope, rows: list, more: bool, per_page: int) -> Front:
    """Split the newest `rows` of a list into its front and the first page after it; `more`
    says whether older stories follow the rows."""
    lead, top = choose_front(rows)
    front = Front(lead=lead, top=top, newest=rows[0] if rows else None)
    rest = [s for s in rows if s.id not in front.ids]
    front.stories = rest[:per_page]
    if front.stories and (more or len(rest) > per_page):
        front.next_cursor = front.stories[-1].cursor
    return front


# --- paging a list: how far a reader had scrolled, and the fronts its pages skip --------------

# A list's `?upto=` link (how far a reader had scrolled) shows at most this many cards from the
# top; the "Older stories" link under them carries on from there.
MAX_UPTO_STORIES = 200


def stream_arg() -> str:
    """Which page a list's cards are for: "home" for the front page's stream, else the list's
    own page; 400 for anything else."""
    stream = request.args.get("stream", "")
    if stream not in ("", "home"):
        abort(400, description="This list link is not valid. Start again from the first page.")
    return stream


def stream_depth() -> tuple[Cursor | None, int]:
    """How far down a list the reader had loaded (`upto`, a card's cursor) and how many pages
    that took (`depth`: infinite scroll stops loading by itself after a few)."""
    upto = cursor_arg("upto")
    depth = parse_int(request.args.get("depth", "1"), minimum=1, maximum=100_000)
    if depth is None:
        abort(400, description="This list link is not valid. Start again from the first page.")
    return upto, depth


def down_to(
    upto: Cursor, filters: dict, exclude_ids: frozenset[int] = frozenset()
) -> tuple[list[StoryCard], Cursor | None]:
    """Every story of a list from the newest down to and including `upto` (at most
    MAX_UPTO_STORIES), less `exclude_ids` (the front page's own), and where the next page starts
    (None at the end of the list)."""
    excluded = tuple(sorted(exclude_ids))
    # Ids are whole numbers: newer than (time, id - 1) is down to and including (time, id).
    page = card_page(
        after=Cursor(upto.number - 1, upto.at),
        limit=MAX_UPTO_STORIES,
        exclude_ids=excluded,
        **filters,
    )
    if page.next_cursor is not None:
        return page.rows, page.next_cursor
    older = card_page(before=upto, limit=1, exclude_ids=excluded, fill=False, **filters).rows
    return page.rows, upto if older else None


def _front_key(scope: ListScope) -> str:
    return f"front:{content_version()}:{scope.kind}:{scope.subject.id}"


def first_page_with_front(scope: ListScope, per_page: int):
    """The front and the first page after it, from one query; the front's stories are
    remembered (per content version) so the next pages skip them."""
    page = card_page(limit=front_pool(per_page), **scope.filters)
    front = front_for(scope, page.rows, page.next_cursor is not None, per_page)
    key = _front_key(scope)
    # Written once per content version by this worker, not on every first page it renders
    # (a file written each time on the filesystem cache); front_ids chooses again if it is lost.
    written = cache.worker_memo("fronts_written", content_version())
    if written.get(key) != front.ids:
        cache.set(key, front.ids, timeout=3600)
        written[key] = front.ids
    return front


def front_ids(scope: ListScope, per_page: int) -> tuple[int, ...]:
    """The stories a list's front shows, for its next pages to skip: remembered by the first
    page, else chosen again exactly as it chose them."""
    ids = cache.get(_front_key(scope))
    if ids is None:
        rows = card_page(limit=front_pool(per_page), fill=False, **scope.filters).rows
        lead, top = choose_front(rows)
        ids = Front(lead=lead, top=top).ids
        cache.set(_front_key(scope), ids, timeout=3600)
    return tuple(ids)


def countries_by_latest(pairs) -> tuple[list, list]:
    """A region's countries with their latest story, the most recent first (countries whose
    latest is the same story share one entry), then those without a story yet (by name)."""
    grouped: dict[int, tuple[list, Story]] = {}
    for country, story in pairs:
        if story is not None:
            grouped.setdefault(story.id, ([], story))[0].append(country)
    with_story = sorted(grouped.values(), key=lambda g: (g[1].live_at, g[1].id), reverse=True)
    return with_story, [c for c, s in pairs if s is None]
