"""The home page's front: what editors chose for its slots, topped up from the latest stories,
with each story shown once; and the editors' saves of that arrangement.

`assemble_front()` is the one place that decides what the home page shows above its stream, in
page order: the live box (open live coverage, automatic), the lead, the top stories, interviews
and analysis, a block per region, photos and video, a block per section. Each place takes the
story an editor chose for it when readers may see that story, and otherwise the newest story
that fits and is not shown above it yet. The stream below skips every story these show; the ids
are kept in the cache per content version, so the stream's later pages (`shown_on_front`) skip
the same stories without asking the URL to carry them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from extensions import cache, db
from newsroom.models import (
    AuditEntry,
    Cursor,
    Front,
    FrontSlot,
    Kind,
    LivePost,
    Section,
    Story,
    StoryCard,
    card_page,
    cards_by_ids,
    utcnow,
)
from newsroom.models.front import HOME, LEAD, SECTION, SECTION_SLOTS, TOP, TOP_SLOTS
from newsroom.models.live import open_live_pages
from newsroom.models.taxonomy import NavPlace, NavRegion, navigation

POOL = 60  # the newest stories the automatic places fill from
LIVE_PAGES = 2  # open live pages in the front page's box, each with its newest posts
LIVE_POSTS = 2
BLOCK_SIZE = 3
VOICES = (Kind.INTERVIEW.value, Kind.ANALYSIS.value, Kind.OPINION.value)
VISUALS = (Kind.PHOTO.value, Kind.VIDEO.value)
SHOWN_SECONDS = 24 * 3600  # the content version retires the key long before


@dataclass
class FrontPage:
    """Everything the home page shows above and at the top of its stream."""

    live_pages: list[tuple[Story, list[LivePost]]] = field(default_factory=list)
    lead: StoryCard | None = None
    top: list[StoryCard] = field(default_factory=list)
    voices: list[StoryCard] = field(default_factory=list)
    # Each region and section as the navigation has it (its id, slug and name).
    regions: list[tuple[NavRegion, list[StoryCard]]] = field(default_factory=list)
    visuals: list[StoryCard] = field(default_factory=list)
    sections: list[tuple[NavPlace, list[StoryCard]]] = field(default_factory=list)
    stream: list[StoryCard] = field(default_factory=list)
    stream_cursor: Cursor | None = None
    newest: StoryCard | None = None
    shown_ids: frozenset[int] = frozenset()


# --- what readers see --------------------------------------------------------------------------


def chosen_slots(name: str = HOME) -> list[FrontSlot]:
    """The stories chosen for a front's slots, in one query."""
    return list(
        db.session.scalars(
            sa.select(FrontSlot)
            .join(Front)
            .where(Front.name == name)
            .order_by(FrontSlot.slot, FrontSlot.section_id, FrontSlot.position)
        )
    )


def front_for(version: str, per_page: int) -> FrontPage:
    """The home page's front for this content version, assembled once per worker and kept in its
    memory until the version changes: a render of the home page that the page cache did not
    have (a variant, a page evicted, every render with the page cache off) is then only the
    template, made of stored cards. Its stories are StoryCards (plain rows, each with its
    countries and photo), its sections and regions the navigation's plain rows, and its live
    pages are loaded with what the page shows, so all serve later requests without a session."""
    kept = cache.worker_memo("home_fronts", version)
    front = kept.get(per_page)
    if front is None:
        front = assemble_front(version, per_page)
        _detach(front)
        kept[per_page] = front
    return front


def _detach(front: FrontPage) -> None:
    """Take the front's rows, and every row loaded with them, out of this request's session, so
    a commit later in the request cannot expire what later requests will read."""
    seen: set[int] = set()
    todo = [
        *(story for story, _posts in front.live_pages),
        *(post for _story, posts in front.live_pages for post in posts),
        front.lead,
        *front.top,
        *front.voices,
        *(story for _region, stories in front.regions for story in stories),
        *front.visuals,
        *(story for _section, stories in front.sections for story in stories),
        *front.stream,
        front.newest,
    ]
    while todo:
        row = todo.pop()
        if row is None or id(row) in seen:
            continue
        seen.add(id(row))
        if isinstance(row, StoryCard):  # plain, but its photo is a row
            todo.append(row.hero_photo)
            continue
        state = sa.inspect(row)
        for relationship in state.mapper.relationships:
            if relationship.key not in state.unloaded:
                loaded = state.dict.get(relationship.key)
                todo.extend(loaded if isinstance(loaded, list) else [loaded])
        if state.session is not None:
            state.session.expunge(row)


def assemble_front(version: str, per_page: int) -> FrontPage:
    """The home page for this content version; the ids it shows are kept for the stream."""
    live_pages = open_live_pages(limit=LIVE_PAGES)
    live_posts = LivePost.latest_for(live_pages, per_story=LIVE_POSTS)
    # Plain rows (StoryCards): the front is cards, and the pool's choices read only a story's
    # own columns, its countries and its photo.
    pool = card_page(limit=POOL).rows
    slots = chosen_slots()
    # Chosen stories readers may see: those in the pool are at hand, older ones cost two or
    # three queries.
    by_id = {story.id: story for story in pool}
    missing = {slot.story_id for slot in slots} - by_id.keys()
    if missing:
        by_id.update(cards_by_ids(missing))
    chosen: dict[tuple[str, int | None, int], StoryCard] = {
        (slot.slot, slot.section_id, slot.position): by_id[slot.story_id]
        for slot in slots
        if slot.story_id in by_id
    }
    front = FrontPage(newest=pool[0] if pool else None)
    front.live_pages = [(page, live_posts[page.id]) for page in live_pages]
    shown: set[int] = {page.id for page in live_pages}
    # A chosen story waits for its own place: automatic places above it leave it alone.
    reserved = {story.id for story in chosen.values()} - shown

    def take(story: StoryCard | None) -> StoryCard | None:
        if story is not None:
            shown.add(story.id)
            reserved.discard(story.id)
        return story

    def free(story: StoryCard) -> bool:
        return story.id not in shown and story.id not in reserved

    def fill(keep: Callable[[StoryCard], bool], count: int) -> list[StoryCard]:
        return [take(story) for story in _first(pool, lambda s: free(s) and keep(s), count)]

    def place(
        key: tuple[str, int | None, int], keep: Callable[[StoryCard], bool]
    ) -> StoryCard | None:
        story = chosen.get(key)
        if story is not None and story.id not in shown:
            return take(story)
        found = _first(pool, lambda s: free(s) and keep(s), 1)
        return take(found[0]) if found else None

    # The lead: the chosen one, else as always a featured story with a photo, a featured one,
    # or the newest.
    lead = chosen.get((LEAD, None, 0))
    if lead is None or lead.id in shown:
        candidates = [s for s in pool if free(s)]
        featured = [s for s in candidates if s.is_featured]
        with_photo = [s for s in featured if s.hero_photo is not None]
        lead = (with_photo or featured or candidates or [None])[0]
    front.lead = take(lead)
    # Top stories: featured ones first where no story was chosen, then the newest.
    top = []
    for position in range(TOP_SLOTS):
        story = chosen.get((TOP, None, position))
        if story is None or story.id in shown:
            story = _first(pool, lambda s: free(s) and s.is_featured, 1) or _first(pool, free, 1)
            story = story[0] if story else None
        if story is not None:
            top.append(take(story))
    front.top = top
    front.voices = fill(lambda s: s.kind in VOICES, BLOCK_SIZE)
    # Regions and sections as the navigation has them (plain, read once for the version).
    taxonomy = navigation(version)
    for region in taxonomy["regions"]:
        ids = {country.id for country in region.countries}
        stories = fill(lambda s, ids=ids: any(c.id in ids for c in s.countries), BLOCK_SIZE)
        if stories:
            front.regions.append((region, stories))
    front.visuals = fill(lambda s: s.kind in VISUALS, BLOCK_SIZE)
    for section in taxonomy["sections"]:
        block = [
            place((SECTION, section.id, n), lambda s, sid=section.id: s.section_id == sid)
            for n in range(SECTION_SLOTS)
        ]
        block = [story for story in block if story is not None]
        if block:
            front.sections.append((section, block))
    front.shown_ids = frozenset(shown)
    cache.set(_shown_key(version), sorted(shown), timeout=SHOWN_SECONDS)
    front.stream = [s for s in pool if s.id not in shown][:per_page]
    if len(front.stream) < per_page and len(pool) == POOL:
        # The pool ran out before the stream's first page: ask for the page itself.
        front.stream = stream_page(front.shown_ids, None, per_page).rows
    if len(front.stream) == per_page:
        front.stream_cursor = front.stream[-1].cursor
    return front


def shown_on_front(version: str, per_page: int) -> frozenset[int]:
    """The ids of the stories the home page shows above its stream, in this content version."""
    kept = cache.get(_shown_key(version))
    if kept is not None:
        return frozenset(kept)
    return front_for(version, per_page).shown_ids


def stream_page(shown: Iterable[int], before: Cursor | None, per_page: int):
    """A page of the home page's stream: the newest stories, less those shown above it."""
    return card_page(before=before, limit=per_page, exclude_ids=tuple(sorted(shown)))


def _shown_key(version: str) -> str:
    return f"front-shown:{HOME}:{version}"


def _first(pool: list[StoryCard], keep: Callable[[StoryCard], bool], count: int) -> list[StoryCard]:
    found = []
    for story in pool:
        if len(found) == count:
            break
        if keep(story):
            found.append(story)
    return found


# --- what editors choose -----------------------------------------------------------------------


class StaleFront(Exception):
    """The front was saved by someone else since this editor's form was drawn."""

    def __init__(self, front: Front | None):
        super().__init__("Another editor has arranged the front page since you opened it.")
        self.front = front


@dataclass(frozen=True)
class Place:
    """One place an editor can fill: its form field, its label, and where it sits."""

    field: str
    label: str
    slot: str
    section: Section | None
    position: int

    @property
    def key(self) -> tuple[str, int | None, int]:
        return (self.slot, self.section.id if self.section else None, self.position)


def places(sections: list[Section]) -> list[Place]:
    """Every place on the home front an editor can choose a story for, in page order."""
    found = [Place("lead", "Lead story", LEAD, None, 0)]
    found += [Place(f"top_{n + 1}", f"Top story {n + 1}", TOP, None, n) for n in range(TOP_SLOTS)]
    for section in sections:
        found += [
            Place(f"section_{section.id}_{n + 1}", f"{section.name} {n + 1}", SECTION, section, n)
            for n in range(SECTION_SLOTS)
        ]
    return found


def home_front() -> Front | None:
    """The home front's arrangement, with its slots (None until an editor first saves one)."""
    return Front.named(HOME)


def chosen_ids(front: Front | None) -> dict[tuple[str, int | None, int], int]:
    """The story chosen for each place, by the place's key."""
    if front is None:
        return {}
    return {(s.slot, s.section_id, s.position): s.story_id for s in front.slots}


def check_choices(choices: dict[Place, int | None], stories: dict[int, Story]) -> dict[str, str]:
    """What is wrong with these choices, by form field: a story that does not exist, a draft,
    a story of another section in a section's block, or a story chosen twice."""
    errors: dict[str, str] = {}
    first_place: dict[int, Place] = {}
    for place, ident in choices.items():
        if ident is None:
            continue
        story = stories.get(ident)
        if story is None:
            errors[place.field] = f"There is no story number {ident}."
        elif story.live_at is None:
            errors[place.field] = (
                f"Story {ident} is not published or scheduled, so readers could not see it."
            )
        elif place.section is not None and story.section_id != place.section.id:
            errors[place.field] = (
                f"Story {ident} is in {story.section.name}, not in {place.section.name}."
            )
        elif ident in first_place:
            errors[place.field] = (
                f"Story {ident} is already chosen as {first_place[ident].label}: "
                "the home page shows each story once."
            )
        else:
            first_place[ident] = place
    return errors


def stories_for_choice(ids: Iterable[int]) -> dict[int, Story]:
    """The stories with these ids, whatever their status, for checking an editor's choices."""
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(Story).where(Story.id.in_(ids)).options(*Story.card_options())
    )
    return {story.id: story for story in rows}


def arrange_front(
    user, revision: int, choices: dict[Place, int | None], stories: dict[int, Story]
) -> str:
    """Save the editor's choices for the home front (checked by `check_choices`) and audit
    them; returns the change in words, or "" when nothing changed. StaleFront if another
    editor saved since `revision`. The caller commits."""
    front = db.session.scalars(sa.select(Front).where(Front.name == HOME).with_for_update()).first()
    if (front.revision if front else 1) != revision:
        raise StaleFront(front)
    before = chosen_ids(front)
    after = {place.key: ident for place, ident in choices.items() if ident is not None}
    changes = describe_changes(choices, before, after, stories)
    if not changes:
        return ""
    if front is None:
        front = Front(name=HOME, revision=1)
        db.session.add(front)
    front.slots.clear()
    db.session.flush()  # the old rows go before new ones reuse their stories (unique per front)
    for place, ident in choices.items():
        if ident is not None:
            front.slots.append(
                FrontSlot(
                    slot=place.slot,
                    section_id=place.section.id if place.section else None,
                    position=place.position,
                    story_id=ident,
                )
            )
    front.revision = (front.revision or 1) + 1
    front.arranged_at = utcnow()
    front.arranged_by_id = getattr(user, "id", None)
    db.session.flush()
    AuditEntry.record(user, "front.arrange", front, changes)
    return changes


def describe_changes(
    choices: dict[Place, int | None],
    before: dict[tuple, int],
    after: dict[tuple, int],
    stories: dict[int, Story],
) -> str:
    """The change as a sentence per place: 'Lead story: “A” (was automatic)'."""
    missing = {i for i in before.values() if i not in stories}
    named = {**stories, **stories_for_choice(missing)} if missing else stories

    def name(ident: int | None) -> str:
        if ident is None:
            return "automatic"
        story = named.get(ident)
        if story is None:
            return f"story {ident}"
        headline = story.headline if len(story.headline) <= 70 else story.headline[:69] + "…"
        return f"“{headline}”"

    lines = []
    for place in choices:
        old, new = before.get(place.key), after.get(place.key)
        if old != new:
            lines.append(f"{place.label}: {name(new)} (was {name(old)})")
    return "Home page. " + "; ".join(lines) + "." if lines else ""
