"""Backups: SQLite's online backup API (writers keep going) or pg_dump, plus the media files.

A backup holds password hashes, two-step secrets and contact messages: its folder is 0700 and
its files 0600. Each file has a .sha256 beside it, which restore checks before it changes anything.
"""

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

from newsroom.photos import make_readable_by_web_server


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _pg_args(url: str) -> list[str]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return [*args, "-d", u.database]


class BackupRefused(RuntimeError):
    """A backup that must not be restored (damaged, changed, or without its checksum)."""


def _private_file(path: Path) -> Path:
    """Create (or empty) a file only its owner can read, before anything is written into it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    return path


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify_checksum(path: Path) -> None:
    """Refuse a backup file whose .sha256 (written by backup) is missing or does not match."""
    sums = path.with_name(path.name + ".sha256")
    if not sums.is_file():
        raise BackupRefused(
            f"{path} has no checksum file {sums.name} beside it, so it cannot be checked; "
            f"nothing was restored. (For a file made another way: sha256sum {path.name} > "
            f"{sums.name} in its folder, once you trust it.)"
        )
    expected = (sums.read_text().split() or [""])[0].lower()
    if _sha256(path) != expected:
        raise BackupRefused(
            f"{path} does not match its checksum in {sums.name}: the file is damaged or was "
            "changed; nothing was restored."
        )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def backup(database_url: str, media_root: str, target: Path) -> list[Path]:
    """Write a consistent copy of the database and an archive of the media into target/."""
    if not target.exists():
        target.mkdir(mode=0o700, parents=True)
        target.chmod(0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = []
    if database_url.startswith("sqlite"):
        out = _private_file(target / f"database-{stamp}.sqlite")
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
        out = _private_file(target / f"database-{stamp}.pgdump")
        env = {**os.environ, "PGPASSWORD": make_url(database_url).password or ""}
        command = [_tool("pg_dump"), "-Fc", "-f", str(out), *_pg_args(database_url)]
        subprocess.run(command, check=True, env=env)  # noqa: S603 - our own configuration
    written.append(out)
    media = _private_file(target / f"media-{stamp}.tar.gz")
    with tarfile.open(media, "w:gz") as archive:
        archive.add(media_root, arcname="media")
    written.append(media)
    for path in written:
        sums = _private_file(path.with_name(path.name + ".sha256"))
        sums.write_text(f"{_sha256(path)}  {path.name}\n")
    return written


def restore(database_url: str, media_root: str, database_file: Path, media_file: Path | None):
    """Replace the database (and media) with a backup. Stop the app servers first."""
    for path in (database_file, media_file):
        if path is not None:
            verify_checksum(path)
    if database_url.startswith("sqlite"):
        source = sqlite3.connect(database_file)
        live = sqlite3.connect(_sqlite_path(database_url), timeout=15)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupRefused("the backup file is damaged; nothing was restored")
            source.backup(live)
        finally:
            live.close()
            source.close()
    else:
        env = {**os.environ, "PGPASSWORD": make_url(database_url).password or ""}
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            *_pg_args(database_url),
            str(database_file),
        ]
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
