"""R14/R15: backups taken while readers write to the newsroom, restored and checked."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.backup import backup, restore
from newsroom.models import ContactMessage
from tests.factories import make_story
from tests.helpers import GOOD, PG_URL

HEADLINE = "Monsoon arrives early in Kerala"


class Writers:
    """Two readers writing to the newsroom through the app until stopped."""

    def __init__(self, app, count: int = 2):
        self.app = app
        self.stop = threading.Event()
        self.acknowledged: list[tuple[float, str]] = []
        self.failures: list[int] = []
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(count)]

    def _run(self, n: int) -> None:
        client = self.app.test_client()
        i = 0
        while not self.stop.is_set():
            subject = f"writer {n} message {i}"
            response = client.post("/contact", data={**GOOD, "subject": subject})
            if response.status_code == 303:
                self.acknowledged.append((time.monotonic(), subject))
            else:
                self.failures.append(response.status_code)
            i += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        while len(self.acknowledged) < 20:  # writing for real before the backup starts
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subjects(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT subject FROM contact_messages")}


@pytest.mark.case("R14")
@pytest.mark.skipif(bool(PG_URL), reason="the SQLite leg")
def test_R14_sqlite_online_backup_while_two_writers_insert(
    app, app_config, query, tmp_path, make_app
):
    query(lambda: make_story(headline=HEADLINE, countries=["india"]))
    with Writers(app) as writers:
        started = time.monotonic()
        [copy, _media] = backup(
            app_config["SQLALCHEMY_DATABASE_URI"], app_config["MEDIA_ROOT"], tmp_path / "backups"
        )
        finished = time.monotonic()
        time.sleep(0.2)  # writers go on after the backup
    assert writers.failures == []
    before = {s for t, s in writers.acknowledged if t < started}
    after = {s for t, s in writers.acknowledged if t > finished}
    during = len(writers.acknowledged) - len(before) - len(after)
    print(f"backup took {finished - started:.3f} s; {during} messages acknowledged meanwhile")
    assert before and after

    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        in_backup = subjects(conn)
    assert before <= in_backup, "everything acknowledged before the backup began is in it"
    assert not (after & in_backup)

    # Restore into a fresh file, back that up again: byte for byte the same, same .dump.
    restored = tmp_path / "restored.sqlite"
    restore(f"sqlite:///{restored}", str(tmp_path / "media"), copy, None)
    [again, _] = backup(f"sqlite:///{restored}", app_config["MEDIA_ROOT"], tmp_path / "again")
    assert sha256(again) == sha256(copy)
    with sqlite3.connect(copy) as a, sqlite3.connect(restored) as b:
        assert list(a.iterdump()) == list(b.iterdump())

    # The restored database runs the site.
    site = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored}")
    client = site.test_client()
    for url in ("/", "/search?q=monsoon"):
        page = client.get(url)
        assert page.status_code == 200 and HEADLINE in page.text, url
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactMessage)) == len(
            in_backup
        )


@pytest.mark.case("R15")
@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL leg")
def test_R15_pg_dump_while_two_writers_insert_restores_exactly(
    app, app_config, query, tmp_path, make_app
):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    query(lambda: make_story(headline=HEADLINE, countries=["india"]))
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    with Writers(app) as writers:
        started = time.monotonic()
        [dump, _media] = backup(url, app_config["MEDIA_ROOT"], tmp_path / "backups")
        finished = time.monotonic()
        time.sleep(0.2)
    assert writers.failures == []
    before = {s for t, s in writers.acknowledged if t < started}
    assert before

    # Restore into an empty database of its own.
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    target = sa.engine.make_url(url).set(database=sa.engine.make_url(url).database + "_r")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    target_url = target.render_as_string(hide_password=False)
    try:
        clock = time.monotonic()
        restore(target_url, str(tmp_path / "media"), dump, None)
        print(
            f"restore took {time.monotonic() - clock:.2f} s; dump took {finished - started:.2f} s"
        )
        engine = sa.create_engine(target_url)
        with engine.connect() as conn:
            restored = {r[0] for r in conn.execute(sa.text("SELECT subject FROM contact_messages"))}
        engine.dispose()
        assert before <= restored

        # Same plain SQL from the dump file and from the restored database (as a multiset of
        # lines: COPY emits rows in heap order, which the original's updates have shuffled).
        key = "asiannewsrestorecheck"
        common = ["--restrict-key", key, "--no-owner"]
        host = ["-h", target.host or "127.0.0.1", "-U", target.username or "postgres"]
        a, b = tmp_path / "from-dump.sql", tmp_path / "from-restored.sql"
        subprocess.run(["pg_restore", *common, "-f", str(a), str(dump)], check=True)
        subprocess.run(["pg_dump", *common, *host, "-f", str(b), target.database], check=True)

        def lines(path: Path) -> Counter:
            return Counter(x for x in path.read_text().splitlines() if not x.startswith("-- Dump"))

        assert lines(a) == lines(b)

        site = make_app(SQLALCHEMY_DATABASE_URI=target_url)
        front = site.test_client().get("/")
        assert front.status_code == 200 and HEADLINE in front.text
        with site.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        admin.dispose()
