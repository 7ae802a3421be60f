"""SQLite tuned for a web server (WAL, busy timeout, foreign keys, write locks taken up front),
and the start-up checks on the database the settings name."""

import logging

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


def describe(url: str) -> str:
    """The database URL with its password hidden, for logs and the command line."""
    return make_url(url).render_as_string(hide_password=True)


def missing_database(url: str) -> str | None:
    """The name of the PostgreSQL database `url` names if the server says it does not exist.

    Any other failure (the server is down, a wrong password) is only logged: the site then
    answers 503 until the database is back, and /healthz says why.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    engine = sa.create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as exc:
        # A connection refused for this reason has no SQLSTATE in psycopg; the text is the
        # server's own ("FATAL:  database "x" does not exist").
        if f'database "{parsed.database}" does not exist' in str(exc.orig):
            return parsed.database
        logging.getLogger("startup").warning(
            "database %s is not reachable: %s", describe(url), str(exc.orig).strip()
        )
        return None
    finally:
        engine.dispose()


def configure_sqlite(engine) -> None:
    """Install the connection and transaction hooks on a SQLite engine.

    pysqlite opens a transaction only at the first write, so a read-then-write is not atomic and
    an upgrade from reader to writer fails at once with "database is locked". Taking over BEGIN
    ourselves lets writing requests start with BEGIN IMMEDIATE, which waits on busy_timeout
    instead; reading requests use a plain BEGIN and never queue behind writers (WAL).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=15000",
            "foreign_keys=ON",
        ):
            cursor.execute("PRAGMA " + pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def end_reads_with_commit(app, db) -> None:
    """A reader's GET or HEAD (nobody signed in) that only read ends its transaction with
    COMMIT, not the ROLLBACK SQLAlchemy ends every session with: for PostgreSQL's sake, on
    either backend.

    psycopg prepares a statement once a connection has run it five times, and PostgreSQL then
    stops planning it on every run; but a ROLLBACK makes psycopg drop every prepared statement (it
    cannot tell which survived) and start counting again. With one ROLLBACK per request no
    statement was ever prepared, and every query of every page was planned afresh: an article's
    own query spent 1.3 ms in the planner for 0.2 ms of work at 100k stories. For a transaction
    that wrote nothing, COMMIT and ROLLBACK are the same to the data (and to SQLite).

    A request that wrote (a flush, or any statement through the session that is not a SELECT),
    has changes not yet flushed, or failed, is rolled back as before, and so is the newsroom's:
    its pages look stories, photos and names up by the words typed, and a plan PostgreSQL keeps
    for any words can be slow for some (newsroom.search plans the readers' search each time).
    Its statements are not prepared, as before."""
    from flask import request
    from flask import session as cookie
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_flush", _note_write):
        event.listen(Session, "after_flush", _note_write)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_transaction_end", _forget_writes)

    @app.teardown_request
    def _commit_reads(exc):
        if exc is not None or request.method not in ("GET", "HEAD") or "_user_id" in cookie:
            return
        if not db.session.registry.has():
            return
        session = db.session()
        if session.info.get(WROTE) or session.new or session.dirty or session.deleted:
            return
        if not session.in_transaction():
            return
        try:
            session.commit()
        except sa.exc.SQLAlchemyError:
            session.rollback()  # the connection failed: the session is closed next, as ever


WROTE = "wrote"  # in Session.info: this transaction has written


def _note_write(session, _context) -> None:
    session.info[WROTE] = True


def _note_statement(state) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)
