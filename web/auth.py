"""Newsroom sign-in: password hashing, server-side sessions, safe redirects."""

from __future__ import annotations

import functools
import hmac
import logging
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import limits
import pyotp
import sqlalchemy as sa
from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db, limiter
from newsroom import accounts
from newsroom.accounts import hash_password
from newsroom.accounts import token_hash as _token_hash
from newsroom.models import LoginSession, User, utcnow

log = logging.getLogger("security")

# Compared against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))
_BAD_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")


# --- two-step sign-in (TOTP) ---------------------------------------------------------------------

TOTP_ISSUER = "Asian-News.net newsroom"


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str) -> int | None:
    """The 30-second step a six-digit code belongs to (now, or one step either side), else None."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for offset in (0, -30, 30):
        if hmac.compare_digest(totp.at(now + offset), code):
            return totp.timecode(datetime.fromtimestamp(now + offset, UTC))
    return None


def use_totp_code(user: User, code: str) -> bool:
    """Check a code and spend it: the step is recorded atomically, so a replay is refused."""
    step = totp_step(user.totp_secret or "", code)
    if step is None:
        return False
    spent = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return spent.rowcount == 1


PENDING_SECONDS = 300
PENDING_TRIES = 5


def begin_second_step(user: User, next_url: str | None) -> None:
    """Password accepted for an account with two-step sign-in: remember who, not signed in yet."""
    session.clear()
    session["pending_uid"] = user.id
    session["pending_at"] = int(time.time())
    session["pending_tries"] = 0
    if next_url:
        session["pending_next"] = next_url


def pending_user() -> User | None:
    """The account waiting for its code, if that wait is recent and has tries left."""
    uid, started = session.get("pending_uid"), session.get("pending_at")
    if not isinstance(uid, int) or not isinstance(started, int):
        return None
    if time.time() - started > PENDING_SECONDS or session.get("pending_tries", 0) >= PENDING_TRIES:
        return None
    user = db.session.get(User, uid)
    return user if user is not None and user.active and user.totp_secret else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None; same cost either way."""
    user = User.by_email(email) if email else None
    digest = user.password_hash if user else _DUMMY_HASH
    try:
        matches = check_password_hash(digest, password)
    except (ValueError, TypeError):
        matches = False
    if user is None or not matches or not user.active:
        return None
    current = _current_scheme(current_app.config["PASSWORD_HASH_METHOD"])
    if _hash_scheme(user.password_hash) != current:
        # Hashed with older parameters or method: upgrade now that the password is known.
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


# --- how hard guessing is ------------------------------------------------------------------------
#
# Only failed attempts count, so signing in often never locks anyone out. Failures are limited per
# client address and per (account, address) in the views (LOGIN_RATE_LIMIT_IP and _ACCOUNT, which
# answer 429). Failures for one account from all addresses together only slow that account down
# (LOGIN_SLOWDOWN_ACCOUNT): blocking there would let a stranger lock its owner out.


def sign_in_key(email: str | None) -> str:
    """The account part of a sign-in limit's key: the email as typed, normalised like by_email."""
    return (email or "").strip().lower()[:254]


def _account_failures(email: str) -> tuple[limits.RateLimitItem, list[str]]:
    item = limits.parse(current_app.config["LOGIN_SLOWDOWN_ACCOUNT"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return item, [part for part in (prefix, "login-failures", sign_in_key(email)) if part]


def slow_down_if_targeted(email: str) -> None:
    """Wait before checking the password of an account that many addresses are failing on.

    Everybody waits, the owner with the right password too, so the wait tells nothing; nobody is
    refused. Each guess costs a spread-out guesser the wait, and is logged for someone to act on.
    The wait holds a worker, but the per-address limit caps how many one address can cause.
    """
    if not limiter.enabled or not sign_in_key(email):
        return
    item, identifiers = _account_failures(email)
    try:
        targeted = not limiter.limiter.test(item, *identifiers)
    except Exception:  # the limit store is down: sign-in goes on, the per-address limits remain
        log.warning("sign-in slow-down unavailable", exc_info=True)
        return
    if targeted:
        security_event("login", "slowed", account=sign_in_key(email))
        time.sleep(current_app.config["LOGIN_SLOWDOWN_SECONDS"])


def count_failed_sign_in(email: str) -> None:
    """Add a failed password to the account's count across every address."""
    if not limiter.enabled or not sign_in_key(email):
        return
    item, identifiers = _account_failures(email)
    try:
        limiter.limiter.hit(item, *identifiers)
    except Exception:
        log.warning("sign-in failure not counted", exc_info=True)


def _hash_scheme(digest: str) -> str:
    """The method and cost part of a Werkzeug hash, e.g. 'scrypt:32768:8:1'."""
    return digest.split("$", 1)[0]


@functools.cache
def _current_scheme(method: str) -> str:
    return _hash_scheme(generate_password_hash("-", method=method))


def start_session(user: User) -> None:
    """Sign in with a fresh session: old session data dropped, a new server-side row recorded."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            ip=(request.remote_addr or "")[:64],
            user_agent=request.headers.get("User-Agent", "")[:300],
        )
    )
    user.last_login_at = utcnow()
    db.session.commit()
    session["sid"] = token
    session["seen"] = int(time.time())
    login_user(user)


def end_session() -> None:
    """Sign out: the server-side row is revoked, so a copy of the cookie is dead too."""
    token = session.get("sid")
    if token:
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.token_hash == _token_hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    logout_user()
    session.clear()


def revoke_all_sessions(user: User, keep_current: bool = False) -> None:
    """End every session of a user; with keep_current, all but this browser's."""
    accounts.revoke_all_sessions(user, except_token=session.get("sid") if keep_current else None)


def load_user(user_id: str) -> User | None:
    """The signed-in user, if this browser's session is still live on the server."""
    token = session.get("sid")
    seen = session.get("seen")
    if not token or not isinstance(seen, int) or not user_id.isdigit():
        return None
    config = current_app.config
    if time.time() - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return None
    row = db.session.scalar(
        sa.select(LoginSession).where(
            LoginSession.token_hash == _token_hash(token),
            LoginSession.user_id == int(user_id),
            LoginSession.revoked_at.is_(None),
            LoginSession.created_at > utcnow() - timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
        )
    )
    if row is None or not row.user.active:
        return None
    session["seen"] = int(time.time())
    return row.user


def safe_next(target: str | None) -> str | None:
    """Return target if it is a same-site absolute path, else None."""
    if not target or _BAD_NEXT.search(target) or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


# Who sees which story in the admin. Writers see only the stories they created (a colleague's
# draft or scheduled headline is not theirs to read before it is published; published stories
# are on the site) and edit only their own drafts; editors and admins see and edit every story.


def security_event(event: str, outcome: str, **fields) -> None:
    """One structured line per security event; values are quoted so no input can forge a line."""
    who = current_user.get_id() if current_user and current_user.is_authenticated else "anon"
    parts = {
        "event": event,
        "outcome": outcome,
        "user": who,
        "ip": request.remote_addr or "",
        "route": request.path,
        **fields,
    }
    log.info(" ".join(f"{k}={_quote(v)}" for k, v in parts.items()))


def _quote(value) -> str:
    text = str(value)[:200]
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
