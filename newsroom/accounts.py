"""Newsroom accounts: the password rules, password hashes and ending an account's sessions.

Nothing here reads a request: the web layer (web/auth.py) signs people in and out with these.
"""

from __future__ import annotations

import functools
import hashlib
import re

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from extensions import db
from newsroom.models import LoginSession, User, utcnow


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords, from zxcvbn's data; loaded only when a password is set."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *personal: str) -> str | None:
    """Why a new password is refused, or None.

    Length, the common-password list and the person's own email or name: no composition rules,
    which only push people towards "Password1!".
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    if len(password) > 256:
        return "Use at most 256 characters."
    folded = password.casefold()
    if folded in _common_passwords() or len(set(folded)) < 3:
        return "That password is one of the most common ones. Choose something less guessable."
    words = {w.casefold() for text in personal if text for w in re.split(r"[@\s.]+", text)}
    if folded in words | {p.casefold() for p in personal if p}:
        return "Do not use your email address or name as your password."
    return None


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_all_sessions(user: User, except_token: str | None = None) -> None:
    """End every session of a user (password change, account disabled, two-step turned off),
    except the one whose token is given."""
    query = sa.update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if except_token:
        query = query.where(LoginSession.token_hash != token_hash(except_token))
    db.session.execute(query.values(revoked_at=utcnow()))
