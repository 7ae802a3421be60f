"""Where counts wait to be folded: a Redis hash per hour when the site's cache is Redis, else the
view_buffer table (one INSERT per beacon, never a read-modify-write of a hot row).

Redis layout, under the cache's key prefix:
- `reads:h:<YYYY-MM-DDTHH>`: the hour's hash; fields `s:<story id>`, `r:<referrer>`, `m:<words>`,
  each a count (HINCRBY). Every increment of a beacon and the hour's name in `reads:hours` are
  written in one MULTI/EXEC.
- A fold takes an hour away by first noting a new name in `reads:folding`, then dropping the
  hour from `reads:hours`, then RENAME-ing it to that name: an increment that arrives after the
  RENAME makes a new hash (and names it again), so none is lost. The renamed hashes are read, the
  database commits, and only then are they deleted: a fold that fails before its commit leaves
  them for the next one. The fold's commit also notes each hash's name (a "folded" row in the
  buffer table), so a hash whose delete failed after that commit (Redis down for a moment, a
  crash) is deleted unread by the next fold, never counted twice.

A Redis that fails while counting sends that beacon's counts to the table instead; the fold
always empties both.

Each worker first gathers counts in memory and writes them as one batch at most every
READERSHIP_BATCH_SECONDS (a thread of the worker's own wakes to write what waits): 2,000 beacons a
second are then a few writes a second, not 2,000 transactions competing with the editors' saves
for SQLite's write lock. A fold writes the worker's batch first, and a worker that stops writes
its batch on the way out (atexit); a worker killed outright loses at most that second's counts.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import uuid
import weakref
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import redis
import sqlalchemy as sa
from flask import Flask, current_app

from extensions import db
from newsroom.models import ViewBuffer

log = logging.getLogger(__name__)

STORY, REFERRER, MISS = "story", "referrer", "miss"
# A buffer-table row naming a Redis hash already folded (see the module's docstring).
FOLDED = "folded"
FIELD_PREFIX = {STORY: "s", REFERRER: "r", MISS: "m"}
KIND_OF_FIELD = {v: k for k, v in FIELD_PREFIX.items()}
HOUR_FORMAT = "%Y-%m-%dT%H"


@dataclass(frozen=True)
class Increment:
    """One count to add: a story's view in an hour, a referrer's or a missed search's in a day."""

    kind: str
    key: str
    hour: datetime


@dataclass
class Drained:
    """Counts taken out of the buffers, by (kind, key, bucket): bucket an hour for stories, a
    day for the others. `finish()` after the commit that stored them removes them for good."""

    stories: Counter = field(default_factory=Counter)
    referrers: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)
    redis_keys: list[str] = field(default_factory=list)
    # Redis hashes an earlier fold committed but could not delete: deleted unread.
    already_folded: set[str] = field(default_factory=set)

    def add(self, kind: str, key: str, hour: datetime, count: int) -> None:
        if kind == STORY:
            self.stories[(int(key), hour)] += count
        elif kind == REFERRER:
            self.referrers[(hour.date(), key)] += count
        elif kind == MISS:
            self.misses[(hour.date(), key)] += count

    def note_folded(self) -> None:
        """In the fold's transaction: the names of the Redis hashes it folds."""
        names = {*self.redis_keys, *self.already_folded}
        if names:
            rows = [
                {"kind": FOLDED, "key": name, "bucket": "", "count": 0, "created_at": _now()}
                for name in sorted(names)
            ]
            db.session.execute(sa.insert(ViewBuffer.__table__), rows)

    def finish(self) -> None:
        if not self.redis_keys:
            return
        client = redis_client()
        if client is None:
            return
        try:
            pipe = client.pipeline(transaction=True)
            pipe.delete(*self.redis_keys)
            pipe.srem(_key("reads:folding"), *self.redis_keys)
            pipe.execute()
        except redis.RedisError as exc:
            log.error("folded counts could not be removed from Redis: %s", exc)


def _now() -> datetime:
    return datetime.now(UTC)


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


# --- Redis ------------------------------------------------------------------------------------


def redis_client() -> redis.Redis | None:
    """This app's Redis client for counts, or None when its cache is not Redis."""
    app = current_app._get_current_object()
    if app.config.get("CACHE_TYPE") != "RedisCache" or not app.config.get("CACHE_REDIS_URL"):
        return None
    client = app.extensions.get("readership_redis")
    if client is None:
        client = app.extensions["readership_redis"] = redis.Redis.from_url(
            app.config["CACHE_REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
    return client


def _key(name: str) -> str:
    return current_app.config.get("CACHE_KEY_PREFIX", "") + name


def _to_redis(client: redis.Redis, increments: Counter) -> None:
    pipe = client.pipeline(transaction=True)
    hours = set()
    for item, count in increments.items():
        hour_key = _key("reads:h:" + item.hour.strftime(HOUR_FORMAT))
        hours.add(hour_key)
        pipe.hincrby(hour_key, f"{FIELD_PREFIX[item.kind]}:{item.key}", count)
    pipe.sadd(_key("reads:hours"), *hours)
    pipe.execute()


def _drain_redis(client: redis.Redis, into: Drained) -> None:
    folding_set = _key("reads:folding")
    for hour_key in client.smembers(_key("reads:hours")):
        hour_key = hour_key.decode()
        # The new name says the hour, so a hash renamed by a fold that then stopped is whole.
        name = _key(f"reads:f:{hour_key.rsplit(':', 1)[-1]}:{uuid.uuid4().hex}")
        client.sadd(folding_set, name)  # first, so a fold that stops here leaves no orphan
        client.srem(_key("reads:hours"), hour_key)
        try:
            client.rename(hour_key, name)
        except redis.ResponseError:  # no such key: an earlier fold took it, nothing came since
            client.srem(folding_set, name)
    # Every renamed hash, this fold's and any an earlier fold left behind.
    for name in client.smembers(folding_set):
        name = name.decode()
        if name in into.already_folded:
            into.redis_keys.append(name)  # counted by the fold that noted it: deleted unread
            into.already_folded.discard(name)
            continue
        try:
            hour = datetime.strptime(name.rsplit(":", 2)[-2], HOUR_FORMAT).replace(tzinfo=UTC)
        except (IndexError, ValueError):
            log.error("a buffered hash with a bad name was skipped: %s", name)
            continue
        for field_name, count in client.hgetall(name).items():
            prefix, _, key = field_name.decode("utf-8", "replace").partition(":")
            if prefix in KIND_OF_FIELD and key:
                into.add(KIND_OF_FIELD[prefix], key, hour, int(count))
        into.redis_keys.append(name)


# --- the table ---------------------------------------------------------------------------------


def _to_table(increments: Counter) -> None:
    rows = [
        {
            "kind": item.kind,
            "key": item.key,
            "bucket": item.hour.strftime(HOUR_FORMAT),
            "count": count,
            "created_at": item.hour,
        }
        for item, count in increments.items()
    ]
    # End the request's transaction first: a reading one (a search on SQLite) cannot be turned
    # into a writing one once another writer has committed; a new one waits its turn instead.
    db.session.commit()
    db.session.execute(sa.insert(ViewBuffer.__table__), rows)
    db.session.commit()


def _drain_table(into: Drained) -> None:
    """Delete every buffered row, reading what each held (DELETE ... RETURNING): a row written
    meanwhile is either read and deleted here or left for the next fold, never lost."""
    table = ViewBuffer.__table__
    deleted = db.session.execute(
        sa.delete(table).returning(table.c.kind, table.c.key, table.c.bucket, table.c.count)
    )
    for kind, key, bucket, count in deleted:
        if kind == FOLDED:
            into.already_folded.add(key)
            continue
        try:
            hour = datetime.strptime(bucket, HOUR_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            log.error("a buffered count with a bad bucket was dropped: %r", bucket)
            continue
        into.add(kind, key, hour, count)


# --- both ------------------------------------------------------------------------------------


class Batch:
    """A worker's counts not yet written, and the thread that writes them once a second."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def add(self, increments: list[Increment]) -> None:
        with self.lock:
            self.counts.update(increments)
            # None yet, one left behind in the parent process (a fork), or one that died.
            if self.thread is None or self.pid != _pid() or not self.thread.is_alive():
                self.pid = _pid()
                self.thread = threading.Thread(target=self._run, name="counts", daemon=True)
                self.thread.start()

    def take(self) -> Counter:
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts

    def _run(self) -> None:
        seconds = self.app.config["READERSHIP_BATCH_SECONDS"]
        while True:
            time.sleep(seconds)
            self.write()

    def write(self) -> None:
        """Write what waits, in the app's context (from the thread, a fold or the exit)."""
        counts = self.take()
        if not counts:
            return
        with self.app.app_context():
            try:
                _write(counts)
            except Exception:  # noqa: BLE001 - kept for the next try rather than lost
                db.session.rollback()
                log.exception("counts could not be buffered; kept for the next batch")
                with self.lock:
                    self.counts.update(counts)
            finally:
                db.session.remove()


def _pid() -> int:
    return os.getpid()


_BATCHES: weakref.WeakSet[Batch] = weakref.WeakSet()


@atexit.register
def write_batches() -> None:
    """Every app's waiting counts, written now (a worker on its way out)."""
    for batch in list(_BATCHES):
        batch.write()


def buffer(increments: list[Increment]) -> None:
    """Keep these counts until the next fold: gathered in this worker for up to
    READERSHIP_BATCH_SECONDS (0: written at once), then in Redis when there is one, else in the
    table."""
    if not increments:
        return
    app = current_app._get_current_object()
    if app.config["READERSHIP_BATCH_SECONDS"] > 0:
        batch = app.extensions.get("readership_batch")
        if batch is None:
            batch = app.extensions.setdefault("readership_batch", Batch(app))
            _BATCHES.add(batch)
        batch.add(increments)
        return
    _write(Counter(increments))


def _write(increments: Counter) -> None:
    client = redis_client()
    if client is not None:
        try:
            _to_redis(client, increments)
            return
        except redis.RedisError as exc:
            log.warning("counting in the database: Redis failed (%s)", exc)
    _to_table(increments)


def drain() -> Drained:
    """Take every buffered count out of Redis (renamed, kept until finish()) and out of the
    table (deleted in the caller's transaction, so a rollback puts them back). This worker's
    batch is written first."""
    batch = current_app.extensions.get("readership_batch")
    if batch is not None:
        counts = batch.take()
        if counts:
            try:
                _write(counts)
            except Exception:
                with batch.lock:  # kept for the next try, as the batch's own writes are
                    batch.counts.update(counts)
                raise
    drained = Drained()
    _drain_table(drained)  # first: it names the hashes already folded
    client = redis_client()
    if client is not None:
        try:
            _drain_redis(client, drained)
        except redis.RedisError as exc:
            log.warning("counts in Redis left for the next fold: %s", exc)
            return drained  # the names read stay noted (note_folded writes them again)
    # Names noted but not seen: their hashes were deleted after all; nothing to keep noting.
    drained.already_folded.clear()
    return drained


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
