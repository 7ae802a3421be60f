"""SQLite tuned for a web server: WAL, busy timeout, foreign keys, write locks taken up front."""

from flask import has_request_context, request
from sqlalchemy import event


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
