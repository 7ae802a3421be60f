"""Full-text search in every script: SQLite FTS5 trigrams, or PostgreSQL with pg_trgm.

Trigrams match inside words, so Chinese, Japanese, Korean and Thai (written without spaces) work
as well as English. Terms of one or two characters are too short for a trigram index; they are
matched with a plain substring test instead. Whatever the reader types is treated as text: it is
quoted for FTS5 and bound as a parameter, never spliced into SQL or a query language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape

from extensions import db
from newsroom.models import (
    BadCursor,
    Cursor,
    Page,
    Story,
    cards_by_ids,
    story_countries,
)
from newsroom.models.base import contains_folded, fold
from newsroom.search_index import FTS, first_line

MAX_QUERY = 200
MAX_TERMS = 8
SNIPPET_RADIUS = 90
# How many matches a search ranks: the newest, so a word in every story costs as much as a rarer
# one. Readers page through at most these; past them, another word or a filter narrows the search.
CANDIDATES = 500
# How many of the newest stories PostgreSQL looks among before the whole archive
# (_newest_matches_by_index): a word in one story in eight has CANDIDATES matches there.
WINDOW = 8 * CANDIDATES
# How many of the newest stories PostgreSQL reads to tell a word in many stories from a rarer
# one, and the share of them that makes it one: walked newest first, the window's lookup reads
# about CANDIDATES / share texts; through the index, about WINDOW * share. They cost the same
# where share * share = CANDIDATES / WINDOW, about 0.35.
SAMPLE = 40
FREQUENT = 0.35

# The SQLite index as MATCH and bm25 name it.
_FTS_HIDDEN = sa.literal_column("article_search")


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
        ident = FTS.c.rowid if fts else Story.id
        conditions.append(
            sa.exists()
            .where(story_countries.c.article_id == ident)
            .where(story_countries.c.country_id == filters.country_id)
        )
    if filters.since:
        conditions.append(Story.published_at >= filters.since)
    if filters.until:
        conditions.append(Story.published_at < filters.until)
    words = [contains_folded(Story.search_folded, term) for term in short_terms]
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
                # Headline hits in the index's own headline column (the folded first line),
                # which lies before the text in its row.
                sa.select(Story.id, Story.published_at, _headline_hits(terms, FTS.c.headline))
                .select_from(FTS.join(Story, Story.id == FTS.c.rowid))
                .where(match, *conditions, *words)
                .order_by(FTS.c.rowid.desc())
                .limit(CANDIDATES)
                .subquery()
            )
            return list(db.session.scalars(_ordered(newest))), True
        # Fewer matches in all: bm25 for each, headline hits weighing 10x.
        candidates = (
            sa.select(FTS.c.rowid.label("id"), sa.func.bm25(_FTS_HIDDEN, 10.0, 1.0).label("rank"))
            .select_from(FTS.join(Story, Story.id == FTS.c.rowid))
            .where(match, *conditions, *words)
            .order_by(FTS.c.rowid.desc())
            .limit(CANDIDATES)
            .subquery()
        )
        ranked = sa.select(candidates.c.id).order_by(candidates.c.rank, candidates.c.id.desc())
        return list(db.session.scalars(ranked)), False
    hits = _headline_hits(terms, first_line(Story.search_folded, db.engine.dialect.name))
    if db.engine.dialect.name == "sqlite":
        ids = _newest_matches([*conditions, *words], hits)
    else:
        # pg_trgm (the GIN index on search_folded) finds the matches in any script.
        words += [contains_folded(Story.search_folded, term) for term in long_terms]
        # A section, a country or an end date leaves fewer matches among the newest stories,
        # and no trigram index serves a word of one or two letters.
        windowed = bool(long_terms) and not (
            filters.section_id or filters.country_id or filters.until
        )
        ids = _newest_matches_by_index(conditions, words, hits, windowed)
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


def _newest_matches(conditions: list, hits) -> list[int]:
    """The ids of the newest CANDIDATES stories that meet the conditions, ordered by the same
    statement: headline matches (counted in the folded text's first line, the headline), then
    newest. Ids alone come back; folding and sorting 500 headlines here, or joining the
    candidates back to their stories in SQL, took longer (5.9 ms for a common word at 10,000
    stories on PostgreSQL, against 4.6)."""
    newest = (
        sa.select(Story.id, Story.published_at, hits)
        .where(*conditions)
        .order_by(Story.id.desc())
        .limit(CANDIDATES)
        .subquery()
    )
    return list(db.session.scalars(_ordered(newest)))


def _ordered(newest):
    """The candidates' ids, headline hits first, then newest (none last), then by id."""
    order = (newest.c.hits.desc(), newest.c.published_at.desc().nulls_last(), newest.c.id.desc())
    return sa.select(newest.c.id).order_by(*order)


def _newest_matches_by_index(conditions: list, words: list, hits, windowed: bool) -> list[int]:
    """_newest_matches on PostgreSQL, for stories that meet the conditions and hold the words.
    Windowed: first among the newest WINDOW ids, which hold a common word's CANDIDATES newest
    matches; failing that, or when not windowed, over the whole archive, as the planner sees
    fit (through the trigram index for a rare word).

    In the window, a word in fewer than FREQUENT of the newest SAMPLE stories is found through
    the trigram index, which names the stories that hold its trigrams, and only those are read.
    Walked newest first with LIKE, as the planner would (it prices LIKE the same on any length
    of text), a word in one story in eight read the whole text of 4,000 stories: 49 ms for
    stories of 6 KB at 10k, against 5-6 through the index (index scans are off for that
    statement: enable_indexscan; the index is read by a bitmap). A word in more stories is
    walked: through the index it read every story in the window that holds it (30.7 ms for a
    word in nearly every one of those stories), where the walk stops at its CANDIDATES-th.

    Each search is planned for its own words (plan_cache_mode): psycopg prepares a statement a
    connection has run five times, and the plan PostgreSQL then keeps for any words took 42 ms
    for a common word at 100k stories, where one made for it takes 12. Settings last until the
    transaction ends; not writes (database.end_reads_with_commit)."""
    settings = [sa.func.set_config("plan_cache_mode", "force_custom_plan", True)]
    if not windowed:
        db.session.execute(sa.select(*settings))
        return _newest_matches([*conditions, *words], hits)
    # How many of the newest SAMPLE stories hold the words, read in the statement that finds
    # the newest id (planned before its set_config runs: the sample walks the primary key, as
    # its plan, the same for any words, keeps). Visible stories, whatever the reader's start
    # date: a date the newest 40 do not reach would have walked the whole archive.
    sample = (
        sa.select(sa.case((sa.and_(*words), 1), else_=0).label("holds"))
        .where(Story.visible())
        .order_by(Story.id.desc())
        .limit(SAMPLE)
        .subquery()
    )
    newest, holding = db.session.execute(
        sa.select(
            sa.func.max(Story.id),
            sa.select(sa.func.coalesce(sa.func.sum(sample.c.holds), 0)).scalar_subquery(),
            *settings,
            sa.func.set_config("enable_indexscan", "off", True),
        )
    ).one()[:2]
    floor = (newest or 0) - WINDOW
    walk = holding >= FREQUENT * SAMPLE
    connection = db.session.connection()
    if walk:
        connection.exec_driver_sql("SET LOCAL enable_indexscan = DEFAULT")
    found = [*conditions, *words, Story.id > floor]
    ids = _newest_matches(found, hits) if floor > 0 else []
    # Not in a `finally`: after a failed statement the transaction takes no command, and its
    # rollback undoes SET LOCAL anyway; the failure itself must reach the error handlers.
    if not walk:
        connection.exec_driver_sql("SET LOCAL enable_indexscan = DEFAULT")
    if len(ids) >= CANDIDATES:
        return ids
    return _newest_matches([*conditions, *words], hits)


def _headline_hits(terms: list[str], headline):
    """How many of the terms the folded headline holds, in SQL, labelled "hits": the FTS
    index's headline column, or the first line of the folded search text (plain_text puts
    the headline first; a headline is one line)."""
    return sum(sa.case((contains_folded(headline, t), 1), else_=0) for t in terms).label("hits")


def _common(match) -> bool:
    """True when more than CANDIDATES stories in the whole index match (drafts and filters
    included, as bm25 counts them): a walk of the index's newest matches that stops there."""
    beyond = sa.select(FTS.c.rowid).where(match).order_by(FTS.c.rowid.desc())
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
