"""Text that every XML document can carry: characters XML 1.0 forbids are removed on the way in.

One control character (a vertical tab pasted from a word processor, say) in one headline or photo
credit used to break every feed and sitemap. XML 1.0 allows tab, line feed and carriage return,
and nothing else below U+0020; it never allows lone surrogates, U+FFFE or U+FFFF. Every write
through the ORM (admin forms, command line, partner import, demo) passes through one hook here,
and every XML view cleans its output again with the same function, for rows that predate it.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _replace(match: re.Match) -> str:
    # Vertical tab, form feed and the separators \x1c-\x1f are whitespace: keep the words apart.
    return " " if match.group().isspace() else ""


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 forbids (whitespace ones become a space)."""
    if not value or not FORBIDDEN_IN_XML.search(value):
        return value
    return FORBIDDEN_IN_XML.sub(_replace, value)


def _clean_text_columns(session, _context, _instances) -> None:
    """Before every flush: strip forbidden characters from each text column being written."""
    for obj in (*session.new, *session.dirty):
        state = sa.inspect(obj)
        for attr in state.mapper.column_attrs:
            if not isinstance(attr.columns[0].type, sa.String):
                continue
            value = state.dict.get(attr.key)
            if not isinstance(value, str) or not FORBIDDEN_IN_XML.search(value):
                continue
            if state.persistent and not state.attrs[attr.key].history.has_changes():
                continue  # a field this save did not touch stays as it was
            setattr(obj, attr.key, xml_text(value))


def register_input_cleaning() -> None:
    """Clean text columns on every flush of every session (idempotent)."""
    if not sa.event.contains(Session, "before_flush", _clean_text_columns):
        sa.event.listen(Session, "before_flush", _clean_text_columns)


def strip_forbidden(value):
    """A WTForms filter: the submitted text without the characters XML 1.0 forbids."""
    return xml_text(value) if isinstance(value, str) else value
