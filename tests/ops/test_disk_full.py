"""R11/R12: a full disk under uploads or under the database, on a real tmpfs of a few hundred KB.

Mounting needs root (CAP_SYS_ADMIN); elsewhere these tests skip, unless REQUIRE_TMPFS=1 (as in
.ci/run), which turns a missing capability into a failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import ContactMessage, Photo
from tests.factories import make_story
from tests.helpers import GOOD, PG_URL, photo_bytes, sign_in, upload


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) -> an empty tmpfs of that many bytes, unmounted after the test."""
    mounted = []

    def mount(size: int, name: str = "small-disk") -> Path:
        where = tmp_path / name
        where.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            message = f"cannot mount a tmpfs here ({result.stderr.strip()})"
            if os.environ.get("REQUIRE_TMPFS") == "1":
                pytest.fail(message + " but REQUIRE_TMPFS=1")
            pytest.skip(message)
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk, leaving about `leave` bytes free; returns the filler to delete later."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while shutil.disk_usage(disk).free > leave:
                out.write(b"\0" * min(4096, max(1, shutil.disk_usage(disk).free - leave)))
                out.flush()
        except OSError:
            pass
    return filler


@pytest.mark.case("R11")
def test_R11_a_full_media_disk_refuses_the_upload_and_leaves_nothing_behind(
    make_app, newsroom, tmpfs, query
):
    disk = tmpfs(512 * 1024)
    app = make_app(MEDIA_ROOT=str(disk / "media"))
    query(lambda: make_story(headline="Rice exports resume from Vietnam"))
    client = app.test_client()
    sign_in(client, "writer")
    filler = fill(disk, leave=48 * 1024)  # room for a thumbnail, not for the variants
    before = sorted(p.name for p in disk.rglob("*"))
    images = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Photo)))

    response = upload(client, photo_bytes(size=(2400, 1600)))
    assert response.status_code == 507
    assert "media disk is full" in response.text
    assert sorted(p.name for p in disk.rglob("*")) == before, "no partial or empty file"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == images
    front = app.test_client().get("/")  # readers are not affected
    assert front.status_code == 200 and "Rice exports resume" in front.text

    filler.unlink()
    assert upload(client, photo_bytes(size=(2400, 1600))).status_code == 303
    with app.app_context():
        image = db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == images + 1
    stored = [p for p in (disk / "media").rglob(f"{image.key}*") if p.is_file()]
    assert stored and all(p.stat().st_size > 0 for p in stored)


@pytest.mark.case("R12")
@pytest.mark.skipif(bool(PG_URL), reason="the SQLite leg: PostgreSQL's disk is the server's")
def test_R12_a_full_database_disk_refuses_writes_clearly_and_reads_go_on(
    make_app, app_config, tmpfs, caplog
):
    source = Path(app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    disk = tmpfs(source.stat().st_size + 2 * 1024 * 1024)
    shutil.copy(source, disk / "site.sqlite")
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{disk / 'site.sqlite'}")
    with app.app_context():
        make_story(headline="Monsoon floods cut rice supplies", section="business")
    reader, writer = app.test_client(), app.test_client()
    assert reader.get("/search?q=rice").status_code == 200  # opens the WAL while there is room
    filler = fill(disk)

    big = {**GOOD, "message": "A long message about the flood figures. " * 120}
    refused = writer.post("/contact", data=big)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert "Thank you" not in refused.text and "reached the newsroom" not in refused.text
    assert "disk is full" in caplog.text  # the cause, for the operator
    for url in ("/search?q=monsoon", "/"):
        page = reader.get(url)
        assert page.status_code == 200 and "Monsoon floods cut rice supplies" in page.text, url

    filler.unlink()
    assert writer.post("/contact", data=big).status_code == 303
    with app.app_context():
        messages = db.session.scalars(sa.select(ContactMessage)).all()
        db.engine.dispose()
    assert len(messages) == 1
    with sqlite3.connect(disk / "site.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
