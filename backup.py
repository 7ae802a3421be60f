"""Backups: SQLite's online backup API (writers keep going) or pg_dump, plus the media files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from media import make_readable_by_web_server


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _pg_args(url: str) -> list[str]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return [*args, "-d", u.database]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def backup(database_url: str, media_root: str, target: Path) -> list[Path]:
    """Write a consistent copy of the database and an archive of the media into target/."""
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = []
    if database_url.startswith("sqlite"):
        out = target / f"database-{stamp}.sqlite"
        source = sqlite3.connect(_sqlite_path(database_url), timeout=15)
        copy = sqlite3.connect(out)
        try:
            source.backup(copy, pages=256, sleep=0.005)
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if check != "ok":
            out.unlink()
            raise RuntimeError(f"the backup failed its integrity check: {check}")
    else:
        out = target / f"database-{stamp}.pgdump"
        env = {**os.environ, "PGPASSWORD": make_url(database_url).password or ""}
        command = [_tool("pg_dump"), "-Fc", "-f", str(out), *_pg_args(database_url)]
        subprocess.run(command, check=True, env=env)  # noqa: S603 - our own configuration
    written.append(out)
    media = target / f"media-{stamp}.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        archive.add(media_root, arcname="media")
    written.append(media)
    for path in written:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")
    return written


def restore(database_url: str, media_root: str, database_file: Path, media_file: Path | None):
    """Replace the database (and media) with a backup. Stop the app servers first."""
    if database_url.startswith("sqlite"):
        source = sqlite3.connect(database_file)
        live = sqlite3.connect(_sqlite_path(database_url), timeout=15)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError("the backup file is damaged; nothing was restored")
            source.backup(live)
        finally:
            live.close()
            source.close()
    else:
        env = {**os.environ, "PGPASSWORD": make_url(database_url).password or ""}
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                   *_pg_args(database_url), str(database_file)]  # fmt: skip
        subprocess.run(command, check=True, env=env)  # noqa: S603 - our own configuration
    if media_file is not None:
        staging = Path(media_root).with_name(Path(media_root).name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(media_file) as archive:
            archive.extractall(staging, filter="data")
        make_readable_by_web_server(staging / "media")  # nginx serves them; old backups had 0600
        old = Path(media_root).with_name(Path(media_root).name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if Path(media_root).exists():
            os.replace(media_root, old)
        os.replace(staging / "media", media_root)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
