"""Pagination cursors: a story list's next page starts after (time, id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

CURSOR_MAX_ID = 10**12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR_MIN_MICROS = (datetime(1990, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
CURSOR_MAX_MICROS = (datetime(2200, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


class BadCursor(ValueError):
    """A cursor that is not one this site hands out."""


def encode_cursor(at: datetime, ident: int) -> str:
    micros = (at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{ident}"


def decode_cursor(raw: str) -> tuple[datetime, int]:
    """Parse 'MICROSECONDS-ID' strictly; raise BadCursor for anything else."""
    if not raw or len(raw) > 40:
        raise BadCursor("empty or too long")
    micros, sep, ident = raw.partition("-")
    if not sep or not micros.isascii() or not micros.isdigit() or not ident.isascii():
        raise BadCursor("malformed")
    if not ident.isdigit():
        raise BadCursor("malformed")
    micros_i, ident_i = int(micros), int(ident)
    if ident_i <= 0 or ident_i >= CURSOR_MAX_ID:
        raise BadCursor("id out of range")
    if micros_i < CURSOR_MIN_MICROS or micros_i > CURSOR_MAX_MICROS:
        raise BadCursor("time out of range")
    return EPOCH + timedelta(microseconds=micros_i), ident_i
