"""Pagination cursors: one codec and one keyset query for every list's "older" link.

Every list pages with `?before=<cursor>`; the live polls ask for what came `after=<cursor>`. A
cursor is the sort key of the last row shown, as whole numbers joined by "-":

- lists ordered by time, then id, print `MICROSECONDS-ID`: the reader lists and live polls (on
  live_at, when readers could first see a story), the desk's story list (last change) and the
  inbox (received). This is the format of every reader link ever handed out; it must never change.
- lists ordered by number alone print `ID`: the photo library and the story form's picker.
- search prints `ID`, the last story shown: its ranks are floats that every query recomputes
  (bm25 on SQLite; headline matches, ts_rank, time and id on PostgreSQL) and that move whenever
  any story is saved, so the link names the story, not its rank, and newsroom.search continues
  after wherever that story ranks now (a keyset on rank and id with the anchor's rank recomputed).

A cursor is parsed strictly (`Cursor.decode`): anything this site did not hand out is a BadCursor,
which the web layer turns into a 400. `keyset` fetches one row more than a page, to know whether
there is a next one, and returns the rows with the cursor for the next page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from extensions import db

CURSOR_MAX_ID = 10**12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR_MIN_MICROS = (datetime(1990, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
CURSOR_MAX_MICROS = (datetime(2200, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
MAX_CURSOR_LENGTH = 40


class BadCursor(ValueError):
    """A cursor that is not one this site hands out."""


@dataclass(frozen=True)
class Cursor:
    """Where a list's next page starts: the last row's id, and its time for lists ordered by
    time first."""

    number: int
    at: datetime | None = None

    @property
    def key(self) -> tuple:
        """The values to compare with the list's order columns, in the same order."""
        return (self.number,) if self.at is None else (self.at, self.number)

    def encode(self) -> str:
        if self.at is None:
            return str(self.number)
        return f"{(self.at - EPOCH) // timedelta(microseconds=1)}-{self.number}"

    __str__ = encode  # url_for(before=cursor) and templates print the text form

    @classmethod
    def decode(cls, raw: str, *, timed: bool = True) -> Cursor:
        """Parse 'MICROSECONDS-ID' (timed) or 'ID' strictly; raise BadCursor for anything else."""
        if not raw or len(raw) > MAX_CURSOR_LENGTH:
            raise BadCursor("empty or too long")
        micros, sep, number = raw.partition("-") if timed else ("", "", raw)
        if timed and (not sep or not _digits(micros)):
            raise BadCursor("malformed")
        if not _digits(number):
            raise BadCursor("malformed")
        number_i = int(number)
        if number_i <= 0 or number_i >= CURSOR_MAX_ID:
            raise BadCursor("number out of range")
        if not timed:
            return cls(number_i)
        micros_i = int(micros)
        if micros_i < CURSOR_MIN_MICROS or micros_i > CURSOR_MAX_MICROS:
            raise BadCursor("time out of range")
        return cls(number_i, EPOCH + timedelta(microseconds=micros_i))

    @classmethod
    def of(cls, row, order) -> Cursor:
        """The cursor just past `row` in a list ordered by `order` ((time, id) or (id,))."""
        values = [getattr(row, column.key) for column in order]
        return cls(values[-1], values[0] if len(values) == 2 else None)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass
class Page:
    """One page of a list, and the cursor of the next page (None on the last page)."""

    rows: list
    next_cursor: Cursor | None = None


def _compared(order, cursor: Cursor):
    """The order columns and the cursor's values, bound with the columns' types (UTC times)."""
    values = [sa.literal(v, c.type) for c, v in zip(order, cursor.key, strict=True)]
    if len(order) == 1:
        return order[0], values[0]
    return sa.tuple_(*order), sa.tuple_(*values)


def older_than(order, cursor: Cursor):
    """Rows after the cursor in a newest-first list ordered by `order`."""
    columns, values = _compared(order, cursor)
    return columns < values


def newer_than(order, cursor: Cursor):
    """Rows before the cursor in a newest-first list: what came since it was handed out."""
    columns, values = _compared(order, cursor)
    return columns > values


def keyset_statement(
    query: sa.Select, order, *, before: Cursor | None = None, limit: int
) -> sa.Select:
    """`query` newest first on `order`, starting after `before`: the statement `keyset` runs,
    one row more than a page (that row only says whether there is a next page)."""
    if before is not None:
        query = query.where(older_than(order, before))
    return query.order_by(*(column.desc() for column in order)).limit(limit + 1)


def page_of(rows: list, order, limit: int) -> Page:
    """The page in `rows` fetched by a `keyset_statement` of `limit`, and the next one's cursor."""
    if len(rows) <= limit:
        return Page(rows)
    rows = rows[:limit]
    return Page(rows, Cursor.of(rows[-1], order))


def keyset(query: sa.Select, order, *, before: Cursor | None = None, limit: int) -> Page:
    """One page of `query`, newest first on `order`, starting after `before`."""
    statement = keyset_statement(query, order, before=before, limit=limit)
    return page_of(list(db.session.scalars(statement).unique()), order, limit)
