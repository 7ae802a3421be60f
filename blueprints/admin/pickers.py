"""The story form's chip pickers for countries, authors and tags: the chosen values as chips with
a type-ahead that suggests more (htmx). Without JavaScript the form keeps its plain multi-selects
and tag field (templates/_macros/pickers.html); these fragments replace them once htmx runs."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for

from blueprints.admin.common import bp, requires, search_text
from newsroom import stories
from newsroom.models import Author, Country, Role, Tag
from web.pages import wants_fragment

SUGGESTIONS = 8
MOST_CHOSEN = 60


@dataclass(frozen=True)
class Picker:
    """What one picker chooses from and how the form field carries its values."""

    kind: str  # the form field's name, and the picker's address
    label: str
    noun: str  # one of them, for messages and labels
    hint: str
    model: type


PICKERS = {
    "countries": Picker(
        "countries",
        "Countries",
        "country",
        "Type a country’s name and choose it with ↓ and Enter.",
        Country,
    ),
    "authors": Picker(
        "authors",
        "Authors",
        "author",
        "The byline, in this order. Type a name and choose it with ↓ and Enter.",
        Author,
    ),
    "tags": Picker(
        "tags",
        "Tags",
        "tag",
        "Type a tag and press Enter; choose an existing one with ↓.",
        Tag,
    ),
}


@dataclass(frozen=True)
class Chip:
    value: str  # what the form sends: an id, or a tag's name
    name: str


def _picker(kind: str) -> Picker:
    if kind not in PICKERS:
        abort(404)
    return PICKERS[kind]


def sent_values(picker: Picker, args) -> list[str]:
    """What the form field sends: ids for countries and authors, one comma list for tags."""
    if picker.kind == "tags":
        return (args.get("tags") or "").split(",")
    return args.getlist(picker.kind)


def chips_for(picker: Picker, values: list[str]) -> list[Chip]:
    """The chips for these values, in their order (the byline's, for authors); values that name
    nothing (an unknown id, a tag without letters or digits) and repeats are left out."""
    if picker.kind == "tags":
        chips, slugs = [], set()
        for name in (v.strip()[:80] for v in values):
            slug = stories.tag_slug(name)
            if slug and slug not in slugs:
                slugs.add(slug)
                chips.append(Chip(name, name))
        return chips[:MOST_CHOSEN]
    ids = []
    for raw in values:
        if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) not in ids:
            ids.append(int(raw))
    found = {row.id: row for row in picker.model.with_ids(ids[:MOST_CHOSEN])}
    return [Chip(str(i), found[i].name) for i in ids if i in found]


def _key(picker: Picker, value: str) -> str:
    """What makes two values the same: the web address for tags ("AI" and "ai"), else the id."""
    return stories.tag_slug(value) if picker.kind == "tags" else value


@bp.get("/pickers/<kind>")
@requires(Role.WRITER)
def picker(kind):
    """A chip picker with the values it holds, after adding or removing one."""
    spec = _picker(kind)
    if not wants_fragment():
        return redirect(url_for("admin.story_new"))
    values = sent_values(spec, request.args)
    removed = request.args.get("remove")
    if removed is not None:
        values = [v for v in values if _key(spec, v.strip()) != _key(spec, removed)]
    added = search_text(request.args.get("add"))
    values += added.split(",") if kind == "tags" else [added]
    return render_template(
        "admin/_picker.html",
        picker=spec,
        chips=chips_for(spec, values),
        error=search_text(request.args.get("error"))[:500],
    )


@bp.get("/pickers/<kind>/options")
@requires(Role.WRITER)
def picker_options(kind):
    """The names matching what was typed in a picker, as options to choose from."""
    spec = _picker(kind)
    if not wants_fragment():
        return redirect(url_for("admin.story_new"))
    typed = search_text(request.args.get(f"{kind}_q"))[:80]
    taken = {_key(spec, c.value) for c in chips_for(spec, sent_values(spec, request.args))}
    found = []
    if typed:
        for row in spec.model.matching(typed, limit=SUGGESTIONS + len(taken)):
            value = row.name if kind == "tags" else str(row.id)
            if _key(spec, value) not in taken:
                found.append(Chip(value, row.name))
    found = found[:SUGGESTIONS]
    # A tag may be new: what was typed is offered first unless it is chosen or found already.
    new_tag = None
    slug = stories.tag_slug(typed) if kind == "tags" else ""
    if slug and slug not in taken and all(_key(spec, c.value) != slug for c in found):
        new_tag = typed
    return render_template(
        "admin/_picker_options.html", picker=spec, found=found, typed=typed, new_tag=new_tag
    )
