"""Full-text search in every script: SQLite FTS5 trigrams, or PostgreSQL with pg_trgm.

Trigrams match inside words, so Chinese, Japanese, Korean and Thai (written without spaces) work
as well as English. Terms of one or two characters are too short for a trigram index; they are
matched with a plain substring test instead. Whatever the reader types is treated as text: it is
quoted for FTS5 and bound as a parameter, never spliced into SQL or a query language.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import nh3
import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import db
from newsroom.models import (
    BadCursor,
    Cursor,
    LivePost,
    Page,
    Story,
    cards_by_ids,
    story_countries,
)
from newsroom.models.base import contains_folded, fold

MAX_QUERY = 200
MAX_TERMS = 8
SNIPPET_RADIUS = 90
# How many matches a search ranks: the newest, so a word in every story costs as much as a rarer
# one. Readers page through at most these; past them, another word or a filter narrows the search.
CANDIDATES = 500

# The SQLite index (migrations a7c1search01, search03): FTS5 trigrams over the folded text, its
# rowid the story's id; the headline column the folded text's first line.
_FTS = sa.table(
    "article_search", sa.column("rowid", sa.Integer), sa.column("headline"), sa.column("body")
)
_FTS_HIDDEN = sa.literal_column("article_search")


# How many of a live page's newest posts its search text holds.
SEARCHED_POSTS = 100


def plain_text(story: Story, session: Session | None = None) -> str:
    """Headline, standfirst and body as one plain string; a live page's posts too, newest
    first, so that a search finds the page by what its reporters wrote."""
    body = html.unescape(nh3.clean(story.body_html or "", tags=set()))
    parts = [story.headline, story.standfirst, body]
    if story.is_live_page and story.id is not None:
        parts += [post.text for post in _posts_of(story, session or db.session)]
    return "\n".join(p for p in parts if p)


def _posts_of(story: Story, session: Session) -> list[LivePost]:
    """A live page's newest posts (SEARCHED_POSTS) as they are about to be saved: those in the
    database and those added in this flush, less the deleted (read without flushing: this runs
    inside one). Only the newest: each post rewrites the page's search text, and a page of
    hundreds of posts would make every post slower than the last."""
    with session.no_autoflush:
        stored = session.scalars(
            sa.select(LivePost)
            .where(LivePost.story_id == story.id, LivePost.deleted_at.is_(None))
            .order_by(LivePost.posted_at.desc(), LivePost.id.desc())
            .limit(SEARCHED_POSTS)
        ).all()
    added = [o for o in session.new if isinstance(o, LivePost) and o.story is story]
    return [p for p in (*reversed(added), *stored) if p.deleted_at is None]


def normalise_query(raw: str) -> list[str]:
    """Up to 8 search terms: control characters dropped, Unicode normalised, duplicates removed."""
    text = unicodedata.normalize("NFKC", raw or "")[: MAX_QUERY * 2]
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)[:MAX_QUERY]
    terms: list[str] = []
    for term in text.split():
        term = term.strip("\"'()[]{}*^:+-")
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


@dataclass
class Filters:
    section_id: int | None = None
    country_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class SearchCursor:
    """Where a search's next page starts: the last story shown, and how the search was ranked
    (by headline matches and date for a common word, else by score). The next page keeps
    that order even if a publish in between moves the word across the line; a cursor without
    it (digits alone) leaves the choice to the search."""

    number: int
    by_date: bool | None = None

    def encode(self) -> str:
        if self.by_date is None:
            return str(self.number)
        return f"{self.number}{'d' if self.by_date else 's'}"

    __str__ = encode  # url_for(before=cursor)

    @classmethod
    def decode(cls, raw: str) -> SearchCursor:
        """'ID', 'IDd' or 'IDs' strictly; BadCursor for anything else."""
        by_date = {"d": True, "s": False}.get(raw[-1:])
        number = raw[:-1] if by_date is not None else raw
        return cls(Cursor.decode(number, timed=False).number, by_date)


class SearchPage(Page):
    """A page of results, and how many matches were ranked: CANDIDATES when more match."""

    def __init__(self, rows: list, next_cursor: SearchCursor | None = None, ranked: int = 0):
        super().__init__(rows, next_cursor)
        self.ranked = ranked

    @property
    def capped(self) -> bool:
        """More stories match than were ranked (the oldest were left out)."""
        return self.ranked >= CANDIDATES


def search(
    terms: list[str], filters: Filters, before: SearchCursor | None = None, limit: int = 12
) -> SearchPage:
    """A page of visible stories matching every term, best first, after the story `before` names.

    Only the newest CANDIDATES matches (by id, filters applied) are ranked: ranking costs a score
    per story (bm25 on SQLite, ts_rank on PostgreSQL), so a word in every story would otherwise
    rank the whole archive on every keystroke. A search with fewer matches ranks them all.

    The cursor is the id of the last story shown and the ranking the search used (SearchCursor);
    the next page is the candidates ranked the same way after it (the anchor's rank worked out by
    the same query, so no float travels in the link and a shift of bm25's corpus statistics moves
    the anchor with the rest). A cursor naming no candidate (the story was unpublished, or a link
    from elsewhere) is a BadCursor."""
    if not terms:
        return SearchPage([])
    ranked, by_date = _ranked_ids(terms, filters, before.by_date if before else None)
    start = 0
    if before is not None:
        try:
            start = ranked.index(before.number) + 1
        except ValueError:
            raise BadCursor("not among this search's results") from None
    ids = ranked[start : start + limit + 1]
    # The cards, with the snippet's text (search_text); not the body's Markdown or HTML.
    stories = cards_by_ids(ids, extra=(Story.search_text,))
    rows = [stories[i] for i in ids if i in stories]
    if len(rows) <= limit:
        return SearchPage(rows, ranked=len(ranked))
    return SearchPage(rows[:limit], SearchCursor(rows[limit - 1].id, by_date), len(ranked))


def _ranked_ids(terms: list[str], filters: Filters, by_date: bool | None) -> tuple[list[int], bool]:
    """The ids of the newest CANDIDATES visible matches, filtered, best first, and whether they
    are ranked by date (a common word) rather than by score; by_date None: as the word's
    matches decide."""
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    fts = db.engine.dialect.name == "sqlite" and bool(long_terms)
    conditions = [Story.visible()]
    if filters.section_id:
        conditions.append(Story.section_id == filters.section_id)
    if filters.country_id:
        # On the index's rowid when there is one: SQLite then tests the country (a covering
        # index) before it reads the story's row, for each of the matches it walks.
        ident = _FTS.c.rowid if fts else Story.id
        conditions.append(
            sa.exists()
            .where(story_countries.c.article_id == ident)
            .where(story_countries.c.country_id == filters.country_id)
        )
    if filters.since:
        conditions.append(Story.published_at >= filters.since)
    if filters.until:
        conditions.append(Story.published_at < filters.until)
    conditions += [contains_folded(Story.search_folded, term) for term in short_terms]
    if fts:
        # FTS5 walks its matches newest first (ORDER BY rowid DESC is the index's own order) and
        # stops at CANDIDATES. It holds the folded text, so the words are folded too: its own
        # folding leaves a dotted capital I as it is ("istanbul" missed "İstanbul").
        match = _FTS_HIDDEN.op("MATCH")(
            " AND ".join('"' + fold(t).replace('"', '""') + '"' for t in long_terms)
        )
        if by_date is None:
            by_date = _common(match)
        if by_date:
            # bm25 counts every story in the index that matches, whatever the filters, before
            # it scores one: 3.6 ms for a word in one story in eight at 100,000 stories, 23 ms
            # at a million. A common word ranks its newest matches as PostgreSQL does, without
            # corpus statistics: headline matches first, then newest.
            newest = (
                sa.select(Story.id, Story.published_at, _headline_hits(terms).label("hits"))
                .select_from(_FTS.join(Story, Story.id == _FTS.c.rowid))
                .where(match, *conditions)
                .order_by(_FTS.c.rowid.desc())
                .limit(CANDIDATES)
                .subquery()
            )
            order = (newest.c.hits.desc(), newest.c.published_at.desc(), newest.c.id.desc())
            return list(db.session.scalars(sa.select(newest.c.id).order_by(*order))), True
        # Fewer matches in all: bm25 for each, headline hits weighing 10x.
        candidates = (
            sa.select(_FTS.c.rowid.label("id"), sa.func.bm25(_FTS_HIDDEN, 10.0, 1.0).label("rank"))
            .select_from(_FTS.join(Story, Story.id == _FTS.c.rowid))
            .where(match, *conditions)
            .order_by(_FTS.c.rowid.desc())
            .limit(CANDIDATES)
            .subquery()
        )
        ranked = sa.select(candidates.c.id).order_by(candidates.c.rank, candidates.c.id.desc())
        return list(db.session.scalars(ranked)), False
    if db.engine.dialect.name != "sqlite":
        # pg_trgm (the GIN index on search_folded) finds the matches in any script.
        conditions += [contains_folded(Story.search_folded, term) for term in long_terms]
        # The best plan depends on the words (how many stories they match), so PostgreSQL plans
        # this search for its own words each time: psycopg prepares a statement a connection has
        # run five times, and the plan PostgreSQL then keeps for any words took 42 ms for a
        # common word at 100k stories, where one made for it takes 12. Until the transaction
        # ends; not a write (database.end_reads_with_commit), so not through the ORM.
        db.session.connection().exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    # The newest CANDIDATES matches, ordered by the same statement: headline matches (counted in
    # the folded text's first line, the headline), then newest. Ids alone come back; folding and
    # sorting 500 headlines here, or joining the candidates back to their stories in SQL, took
    # longer (5.9 ms for a common word at 10,000 stories on PostgreSQL, against 4.6).
    hits = _headline_hits(terms)
    newest = (
        sa.select(Story.id, Story.published_at, hits.label("hits"))
        .where(*conditions)
        .order_by(Story.id.desc())
        .limit(CANDIDATES)
        .subquery()
    )
    ids = list(
        db.session.scalars(
            sa.select(newest.c.id).order_by(
                newest.c.hits.desc(), newest.c.published_at.desc().nulls_last(), newest.c.id.desc()
            )
        )
    )
    if db.engine.dialect.name == "sqlite":
        # One- and two-character terms only, which no index ranks: headline matches, then date.
        return ids, True
    if by_date is None:
        # A word with CANDIDATES visible matches or more (filters applied; SQLite's index counts
        # every match) is ranked as a common word is on SQLite: ts_rank parses each candidate's
        # whole text (10 ms for 500 at 100,000 stories), and among the newest few hundred of a
        # common word's matches its score says little.
        by_date = len(ids) >= CANDIDATES
    if by_date or not ids:
        return ids, by_date
    # PostgreSQL's full-text ranking, for the fewer candidates of a rarer word: headline matches,
    # then the score, then newest.
    rank = sa.func.ts_rank(
        sa.func.to_tsvector("simple", Story.search_text),
        sa.func.plainto_tsquery("simple", " ".join(terms)),
    )
    scored = (
        sa.select(Story.id)
        .where(Story.id.in_(ids))
        .order_by(hits.desc(), rank.desc(), Story.published_at.desc().nulls_last(), Story.id.desc())
    )
    return list(db.session.scalars(scored)), False


def _headline_hits(terms: list[str]):
    """How many of the terms a story's headline holds, in SQL: the first line of its folded
    search text (plain_text puts the headline first)."""
    headline = _first_line(Story.search_folded, db.engine.dialect.name)
    return sum(sa.case((contains_folded(headline, t), 1), else_=0) for t in terms)


def _first_line(text, dialect: str):
    """The first line of a text column, in SQL."""
    if dialect == "sqlite":
        return sa.func.substr(text, 1, sa.func.instr(text + "\n", "\n") - 1)
    return sa.func.split_part(text, "\n", 1)


def _common(match) -> bool:
    """True when more than CANDIDATES stories in the whole index match (drafts and filters
    included, as bm25 counts them): a walk of the index's newest matches that stops there."""
    beyond = sa.select(_FTS.c.rowid).where(match).order_by(_FTS.c.rowid.desc())
    return db.session.scalar(beyond.offset(CANDIDATES).limit(1)) is not None


def snippet(story: Story, terms: list[str]) -> Markup:
    """A passage of the story around the first match, with every match marked."""
    text = " ".join((story.search_text or story.standfirst or "").split())
    # Found as they are marked below: str.lower() makes "İ" two characters, so "ilham" was not
    # found in "İlham" and the passage began at the start of the story, without it.
    matches = (re.search(re.escape(t), text, re.IGNORECASE) for t in terms)
    positions = [m.start() for m in matches if m]
    start = max(0, min(positions) - SNIPPET_RADIUS) if positions else 0
    end = min(len(text), start + 2 * SNIPPET_RADIUS + 40)
    # Start and end on word boundaries (scripts without spaces simply keep the cut).
    if start > 0 and " " in text[start : start + 20]:
        start = text.index(" ", start) + 1
    if end < len(text) and " " in text[end - 20 : end]:
        end = text.rindex(" ", start, end)
    passage = text[start:end]
    marked = str(escape(passage))
    for term in sorted(terms, key=len, reverse=True):
        pattern = re.compile(re.escape(str(escape(term))), re.IGNORECASE)
        marked = pattern.sub(lambda m: f"\x02{m.group(0)}\x03", marked)
    marked = marked.replace("\x02", "<mark>").replace("\x03", "</mark>")
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return Markup(prefix + marked + suffix)  # escaped above  # noqa: S704  # nosec B704


# --- keeping the index in step --------------------------------------------------------------------


def _sync_search(session: Session, _context, _instances) -> None:
    """Refresh search text for every story saved in this flush, and the SQLite index with it."""
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Story)]
    # A live page's posts are part of its search text: a post written, edited or deleted
    # changes it even when nothing else on the page was saved.
    with session.no_autoflush:
        pages = [o.story for o in (*session.new, *session.dirty) if isinstance(o, LivePost)]
    changed += [page for page in dict.fromkeys(pages) if page is not None and page not in changed]
    removed = [o.id for o in session.deleted if isinstance(o, Story) and o.id]
    for story in changed:
        story.search_text = plain_text(story, session)
        story.search_folded = fold(story.search_text)
    session.info.setdefault("search_changed", set()).update(id(s) for s in changed)
    session.info.setdefault("search_objects", []).extend(changed)
    session.info.setdefault("search_removed", []).extend(removed)


def _write_index(session: Session, _context) -> None:
    if session.get_bind().dialect.name != "sqlite":
        session.info.pop("search_objects", None)
        session.info.pop("search_removed", None)
        return
    stories = session.info.pop("search_objects", [])
    removed = session.info.pop("search_removed", [])
    session.info.pop("search_changed", None)
    conn = session.connection()
    for ident in removed:
        conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = ?", (ident,))
    for story in stories:
        if story.id is None:
            continue
        conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = ?", (story.id,))
        conn.exec_driver_sql(
            "INSERT INTO article_search (rowid, headline, body) VALUES (?, ?, ?)",
            (story.id, story.search_folded.split("\n", 1)[0], story.search_folded),
        )


def register_search_sync() -> None:
    if not event.contains(Session, "before_flush", _sync_search):
        event.listen(Session, "before_flush", _sync_search)
        event.listen(Session, "after_flush", _write_index)


def rebuild_index() -> int:
    """Rebuild search text and the SQLite index for every story (after bulk loads)."""
    count = 0
    for story in db.session.scalars(sa.select(Story).where(Story.search_text == "")):
        story.search_text = plain_text(story)
        story.search_folded = fold(story.search_text)
        count += 1
    db.session.flush()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.delete(_FTS))
        articles = Story.__table__.c  # every row, as a plain table
        folded = sa.select(
            articles.id, _first_line(articles.search_folded, "sqlite"), articles.search_folded
        )
        db.session.execute(_FTS.insert().from_select(["rowid", "headline", "body"], folded))
    db.session.commit()
    return count
