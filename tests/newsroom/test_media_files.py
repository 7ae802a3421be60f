"""Photos on disk are readable by the web server (nginx runs as www-data), whatever the umask."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from newsroom.backup import backup, restore
from tests.helpers import photo_bytes, sign_in, upload


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of root and of everything under it, by path relative to root's parent."""
    found = {root.name: stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root.parent))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_web_readable(root: Path) -> None:
    for name, mode in modes(root).items():
        expected = 0o755 if (root.parent / name).is_dir() else 0o644
        assert mode == expected, f"{name} is {mode:o}, not {expected:o}"


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_uploaded_photos_are_readable_by_the_web_server(make_app, newsroom, tmp_path, mask):
    """mkstemp makes 0600 files, which nginx (another user) cannot serve: every photo was 403."""
    media = tmp_path / "new" / "media"
    with umask(mask):
        app = make_app(MEDIA_ROOT=str(media))
        client = app.test_client()
        sign_in(client, "writer")
        assert upload(client, photo_bytes()).status_code == 303
    stored = [p for p in media.iterdir() if p.is_file()]
    assert len(stored) >= 3, "the original and its variants"
    assert not [p for p in stored if p.name.startswith(".part-")], "no temporary file left"
    assert_web_readable(media)


def test_a_restore_leaves_photos_readable_even_from_an_old_backup(tmp_path):
    """Backups made before this fix hold 0600 photos; a restore must not bring that back."""
    old_media = tmp_path / "old" / "media"
    (old_media / "sub").mkdir(parents=True)
    for name in ("abc-original.jpg", "abc-320.webp", "sub/nested.jpg"):
        (old_media / name).write_bytes(b"photo")
        (old_media / name).chmod(0o600)
    old_media.chmod(0o700)
    database = tmp_path / "site.sqlite"
    sqlite3.connect(database).close()
    written = backup(f"sqlite:///{database}", str(old_media), tmp_path / "backups")
    dump, archive = written[0], written[1]
    media = tmp_path / "live" / "media"
    media.mkdir(parents=True)
    restore(f"sqlite:///{database}", str(media), dump, archive)
    assert (media / "sub" / "nested.jpg").read_bytes() == b"photo"
    assert_web_readable(media)
