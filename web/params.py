"""Numbers and list positions from URLs and query strings: one strict parser for each.

`str.isdigit()` is true for '²' and '١٢', and `int()` takes any length: either way a number that
reaches a view could raise (ValueError) or overflow the database (a 25-digit id). Everything
numeric a visitor sends goes through `parse_int`, in a path (`<int:...>`) or a query argument,
and every list's page position (`?before=`, `?after=`) through `cursor_arg` (search's, which
also names its ranking, through newsroom.search.SearchCursor, on the same parser).
"""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter, ValidationError

from newsroom.models import BadCursor, Cursor

# Ids are INTEGER columns: 32-bit on PostgreSQL. Nothing larger can name a row.
MAX_ID = 2**31 - 1


def parse_int(raw: str | None, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """ASCII digits only, between minimum and maximum; None for anything else."""
    if not raw or len(raw) > 20 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def int_arg(
    name: str, default: int | None = None, *, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """The query argument `name` as a whole number; 400 with a readable reason when it is not."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        abort(400, description=f"“{name}” must be a whole number from {minimum} to {maximum}.")
    return value


def cursor_arg(
    name: str = "before", *, timed: bool = True, required: bool = False
) -> Cursor | None:
    """The list position in the query argument `name` (see newsroom.models.cursors): `timed` for
    a list ordered by time then id, else by a number alone. 400 with a readable reason when it is
    missing (and required) or is not a position this site hands out."""
    raw = request.args.get(name)
    if raw is None:
        if required:
            abort(400, description="This list link is missing its position.")
        return None
    try:
        return Cursor.decode(raw, timed=timed)
    except BadCursor:
        abort(400, description="This list link is not valid. Start again from the first page.")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits up to MAX_ID, so an odd number is a 404."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_int(value, minimum=self.min or 0, maximum=min(self.max or MAX_ID, MAX_ID))
        if number is None:
            raise ValidationError()
        return number


def register_url_converters(app) -> None:
    """Make `<int:...>` the bounded converter for every blueprint's routes."""
    app.url_map.converters["int"] = BoundedIntConverter
