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


def find_by_slug(model, slug: str):
    """Fetch a section, country, region, tag or author by slug, or 404 (tags: public ones only)."""
    if not slug or len(slug) > 120 or not slug.isascii() or not slug.isprintable():
        abort(404)
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
