"""Delivering the outbox (newsroom.models.outbox): emails and search-engine pings, each once.

A sender claims due rows with a lease, committed before it delivers anything, then marks each row
sent in its own commit as soon as it is delivered. So:
- a restart after a crash carries on where the sender stopped: rows sent are never sent again,
  rows not yet claimed are sent by the next run;
- the only row in doubt is the one being delivered at the instant of the crash (its lease runs
  out, it was claimed but not marked sent). Deliverers make that retry harmless: an email keeps
  the Message-ID made from its key, so a mail client shows a repeat as the same message, and a
  search-engine ping is idempotent anyway;
- two senders running at once (a timer and a hand-run command) never take the same row: a claim is
  an UPDATE ... WHERE claimed_until is empty or past, and only the sender whose UPDATE changed the
  row goes on.
A failed delivery is retried with exponential back-off (1 min, 2, 4 ... capped at 6 h) and given
up after MAX_ATTEMPTS, or at once when the deliverer says the failure is permanent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from extensions import cache, db
from newsroom.models import OutboxMessage, utcnow

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


class PermanentFailure(Exception):
    """A delivery that will never succeed (an address the server refuses, a 4xx from a ping
    endpoint other than 429): the row is given up on at once."""


def enqueue(kind: str, key: str, payload: dict, due_at: datetime | None = None) -> bool:
    """Adds a piece of work to the session's transaction, unless work with this key is already
    there (sent or not). True when it was added. The caller commits, with its own change.

    One INSERT ... ON CONFLICT (key) DO NOTHING: two transactions asking for the same work at
    once (two saves of one story on PostgreSQL) add one row, and neither fails; a SELECT first
    would let both through and fail the second caller's commit, losing its change with it."""
    now = utcnow()
    values = {
        "kind": kind,
        "key": key,
        "payload": payload,
        "created_at": now,
        "due_at": due_at or now,
        "attempts": 0,
        "last_error": "",
    }
    dialect = db.session.get_bind().dialect.name
    if dialect not in _INSERT_IGNORING:  # another database: the plain way, without the race
        exists = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key))
        if exists:
            return False
        db.session.add(OutboxMessage(**values))
        return True
    table = OutboxMessage.__table__
    insert = _INSERT_IGNORING[dialect](table).values(**values)
    # RETURNING says whether the row went in (rowcount is not reliable across drivers here).
    added = insert.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    return db.session.execute(added).scalar() is not None


_INSERT_IGNORING = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def pending(kind: str, now: datetime | None = None):
    """The select of rows of this kind due now and not in flight."""
    now = now or utcnow()
    return sa.select(OutboxMessage).where(
        OutboxMessage.kind == kind,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.due_at <= now,
        sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _claim(message_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return claimed.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def deliver(
    kind: str,
    handler: Callable[[OutboxMessage], None],
    *,
    limit: int | None = None,
    per_second: float | None = None,
    where=None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Delivers due rows of `kind` oldest first through `handler`, which raises on failure
    (PermanentFailure to give up at once). At most `per_second` deliveries a second. `where` narrows
    the rows (e.g. one briefing's). Returns counts: sent, retry, failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    interval = 1.0 / per_second if per_second else 0.0
    next_at = clock()
    for message_id in _due_ids(kind, where, limit):
        now = utcnow()
        if not _claim(message_id, now):
            continue
        if interval:
            wait = next_at - clock()
            if wait > 0:
                sleep(wait)
            next_at = max(next_at, clock()) + interval
        # A row deleted meanwhile (its reader unsubscribed) is simply not delivered, or not marked.
        copy = _detached(message_id)
        if copy is None:
            continue
        try:
            handler(copy)
        except Exception as error:  # noqa: BLE001 - any failure of one delivery is retried later
            # Whatever the handler left half-written is dropped, not committed with the outcome.
            db.session.rollback()
            message = db.session.get(OutboxMessage, message_id)
            if message is None:
                continue
            gave_up = isinstance(error, PermanentFailure) or message.attempts >= MAX_ATTEMPTS
            _finish(message, failed=gave_up, error=error)
            counts["failed" if gave_up else "retry"] += 1
        else:
            if _mark_sent(message_id, sleep):
                counts["sent"] += 1
    return counts


def _mark_sent(message_id: int, sleep: Callable[[float], None]) -> bool:
    """Note a delivered row as sent; a busy database is tried again for a few seconds, since a
    row left claimed would be delivered a second time once its lease ran out."""
    for attempt in range(MARK_TRIES):
        try:
            message = db.session.get(OutboxMessage, message_id)
            if message is None:  # deleted meanwhile: nothing to note
                db.session.rollback()
                return False
            message.sent_at = utcnow()
            message.claimed_until = None
            message.last_error = ""
            db.session.commit()
            return True
        except sa.exc.OperationalError:
            db.session.rollback()
            if attempt == MARK_TRIES - 1:
                raise
            sleep(0.25 * (attempt + 1))
    return False


MARK_TRIES = 6


def _detached(message_id: int) -> OutboxMessage | None:
    """A copy of the row, with no transaction left open: the handler talks to the network
    (an SMTP server, a search engine) for up to its timeout, and an open transaction would hold
    SQLite's write lock all that time (every transaction outside a reader's request takes it up
    front, database.py), making every editor's save wait on a slow mail server."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        db.session.rollback()
        return None
    values = {column.key: getattr(message, column.key) for column in _COLUMNS}
    db.session.rollback()
    return OutboxMessage(**values)  # a copy outside the session: the caller's row stays its own


_COLUMNS = sa.inspect(OutboxMessage).column_attrs


def _due_ids(kind: str, where, limit: int | None) -> Iterator[int]:
    query = pending(kind).with_only_columns(OutboxMessage.id).order_by(OutboxMessage.id)
    if where is not None:
        query = query.where(where)
    if limit:
        query = query.limit(limit)
    ids = list(db.session.scalars(query))
    db.session.rollback()  # end the read before the first claim's write
    yield from ids


def _finish(message: OutboxMessage, *, failed: bool, error: Exception) -> None:
    message.claimed_until = None
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if failed:
        message.failed_at = utcnow()
    else:
        message.due_at = utcnow() + retry_delay(message.attempts)
    db.session.commit()


def counts_by_state(kind: str | None = None) -> dict[str, int]:
    """How many rows are waiting, sent and given up (for the newsroom and the command line)."""
    state = sa.case(
        (OutboxMessage.sent_at.is_not(None), "sent"),
        (OutboxMessage.failed_at.is_not(None), "failed"),
        else_="waiting",
    )
    query = sa.select(state, sa.func.count()).group_by(state)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return {"waiting": 0, "sent": 0, "failed": 0, **dict(db.session.execute(query).all())}


# What delivers each kind, registered by the module that owns it (newsroom.briefings registers
# "email", newsroom.indexnow "indexnow"), so one command can deliver everything that is due.
DELIVERERS: dict[str, tuple[Callable[[OutboxMessage], None], Callable[[], float | None]]] = {}


def register(
    kind: str,
    handler: Callable[[OutboxMessage], None],
    rate: Callable[[], float | None] = lambda: None,
    *,
    own_timer: bool = False,
) -> None:
    """Names the handler for `kind`, and a function giving its deliveries per second (read from
    the app's config when delivering; None for no limit). own_timer: a command of its own
    delivers this kind (emails: `briefings send`), so deliver_all leaves it alone; two senders
    would each keep to the rate, together twice it, and a morning's briefing would hold the
    search-engine pings back behind thousands of emails."""
    if own_timer:
        DELIVERERS.pop(kind, None)
        OWN_TIMER[kind] = (handler, rate)
    else:
        DELIVERERS[kind] = (handler, rate)


OWN_TIMER: dict[str, tuple[Callable[[OutboxMessage], None], Callable[[], float | None]]] = {}


def deliver_all(limit: int | None = None) -> dict[str, dict[str, int]]:
    """Delivers what is due of every registered kind but those with a timer of their own, and
    (at most hourly) forgets rows done with for KEPT_FOR."""
    delivered = {
        kind: deliver(kind, handler, limit=limit, per_second=rate())
        for kind, (handler, rate) in sorted(DELIVERERS.items())
    }
    if cache.claim(PRUNE_LOCK, timeout=3600):
        prune()
    return delivered


# Rows sent or given up on are kept this long (for `outbox status` and the send's own checks),
# then deleted: a briefing is a row per reader a day, and the table would only grow.
KEPT_FOR = timedelta(days=30)
PRUNE_LOCK = "outbox-prune"


def prune(now: datetime | None = None) -> int:
    """Delete rows sent or given up on more than KEPT_FOR ago; how many."""
    cutoff = (now or utcnow()) - KEPT_FOR
    deleted = db.session.execute(
        sa.delete(OutboxMessage).where(
            sa.or_(OutboxMessage.sent_at < cutoff, OutboxMessage.failed_at < cutoff)
        )
    )
    db.session.commit()
    return deleted.rowcount or 0


def kinds() -> list[str]:
    """Every kind registered or in the table, for the command line's status."""
    stored = db.session.scalars(sa.select(OutboxMessage.kind).distinct())
    return sorted({*DELIVERERS, *OWN_TIMER, *stored})


def last_failures(kind: str, limit: int = 5) -> list[OutboxMessage]:
    """The rows of `kind` given up on most recently, with their last error."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
