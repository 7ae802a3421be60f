"""Newsroom writes that both the admin and the command line make: accounts and ticker items.

Each function applies the rule once; the caller reads its input (a form, a command's arguments),
says who acted (`by`, None from the command line) and reports the outcome in its own words.
"""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from extensions import db
from newsroom import accounts, zones
from newsroom.models import AuditEntry, Story, TickerItem, User, utcnow
from newsroom.models.base import contains
from newsroom.models.ticker import split_link

# The audit log's note on changes made from the command line, where nobody is signed in.
COMMAND_LINE = " (command line)"


# --- accounts ------------------------------------------------------------------------------------


class AccountRefused(ValueError):
    """An account that cannot be created; `field` is the input at fault ("password", "email")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def create_account(email: str, name: str, role: str, password: str, by: User | None) -> User:
    """Add a newsroom account, audited; commits. The password is checked first, then the email."""
    email, name = email.strip().lower(), name.strip()
    if problem := accounts.password_problem(password, email, name):
        raise AccountRefused("password", problem)
    if User.by_email(email):
        raise AccountRefused("email", "There is already an account with this email.")
    user = User(email=email, name=name, role=role, password_hash=accounts.hash_password(password))
    db.session.add(user)
    db.session.flush()
    AuditEntry.record(by, "create", user, f"{email} as {role}{_note(by)}")
    db.session.commit()
    return user


def set_role(user: User, role: str, by: User | None) -> None:
    """Give an account another role, audited; commits."""
    AuditEntry.record(by, "set-role", user, f"{user.email}: {user.role} → {role}{_note(by)}")
    user.role = role
    db.session.commit()


def set_active(user: User, active: bool, by: User | None) -> None:
    """Enable an account, or disable it and end every session it has; audited; commits."""
    user.active = active
    if not active:
        accounts.revoke_all_sessions(user)
    AuditEntry.record(by, "enable" if active else "disable", user, f"{user.email}{_note(by)}")
    db.session.commit()


def turn_off_two_step(user: User, by: User | None, by_token: str | None = None) -> None:
    """Turn off someone's two-step sign-in (a lost phone) and end their sessions (all but the
    one doing it, `by_token`, when it is their own account); audited; commits."""
    user.set_two_step(None)
    own = by is not None and by.id == user.id
    accounts.revoke_all_sessions(user, except_token=by_token if own else None)
    AuditEntry.record(by, "two-step-off", user, f"{user.email}{_note(by)}")
    db.session.commit()


def set_time_zone(user: User, name: str | None, by: User | None) -> None:
    """The zone a person reads and types times in (an IANA name; None: the site's); audited;
    commits. A name the time-zone database does not know is refused (AccountRefused)."""
    name = (name or "").strip() or None
    if name is not None and not zones.is_zone(name):
        raise AccountRefused("timezone", f"“{name[:64]}” is not a time zone, like Asia/Bangkok.")
    if name == user.timezone:
        return
    site = "the site's zone"
    summary = f"{user.email}: {user.timezone or site} → {name or site}{_note(by)}"
    AuditEntry.record(by, "time-zone", user, summary)
    user.timezone = name
    db.session.commit()


def _note(by: User | None) -> str:
    return "" if by is not None else COMMAND_LINE


# --- the ticker ----------------------------------------------------------------------------------


def ticker_link_ok(link: str) -> bool:
    """A ticker item leads to an http(s) address or a path on this site (never `//elsewhere`)."""
    if not link:
        return True
    if split_link(link) is None:
        return False
    return link.startswith(("https://", "http://")) or (
        link.startswith("/") and not link.startswith("//")
    )


def is_address(text: str) -> bool:
    """Typed text meant as an address (https://..., mailto:..., /n/42), not headline words."""
    return re.match(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|/)", text or "") is not None


def stories_to_link(text: str, limit: int = 8) -> list[Story]:
    """The stories a ticker item may link to whose headline has every word typed: public ones,
    and scheduled ones (they are live by the time readers follow it); newest first. An address
    typed finds none."""
    words = [word[:60] for word in (text or "").split()][:6]
    if not words or is_address(text):
        return []
    query = (
        sa.select(Story)
        .where(Story.live_at.is_not(None), *(contains(Story.headline, w) for w in words))
        .order_by(Story.live_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def story_link(story: Story) -> str:
    """The short address a ticker item uses to lead to a story."""
    return f"/n/{story.id}"


def add_ticker_item(text: str, link: str, minutes: int) -> TickerItem:
    """Put an item at the top of the ticker for `minutes`; flushed, not committed."""
    item = TickerItem(position=TickerItem.next_position())
    set_ticker_item(item, text, link, minutes)
    db.session.add(item)
    db.session.flush()
    return item


def set_ticker_item(item: TickerItem, text: str, link: str, minutes: int) -> None:
    """An item's text (spaces run together), link and time left, counted from now."""
    item.text = " ".join(text.split())
    item.link = (link or "").strip()
    item.expires_at = utcnow() + timedelta(minutes=minutes)


def expire_ticker_item(item: TickerItem) -> None:
    """Take an item out of the ticker now (it stays in the list of expired items)."""
    item.expires_at = utcnow()


def move_ticker_item(item: TickerItem, up: bool) -> bool:
    """Swap places with the live item just above (or below); False when there is none."""
    neighbour = item.neighbour(above=up)
    if neighbour is None:
        return False
    item.position, neighbour.position = neighbour.position, item.position
    return True
