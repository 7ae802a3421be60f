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
