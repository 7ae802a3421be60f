"""What a story list is filed under: everything, or one section, country, region, tag or author."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, url_for

from extensions import db
from newsroom.models import Author, Country, Region, Section, Tag

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
