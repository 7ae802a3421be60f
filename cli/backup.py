"""`flask --app app backup` and `flask --app app restore`: copies of the database and media."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db
from newsroom.backup import BackupRefused, backup, restore, verify_checksum


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(file_okay=False), required=False)
def backup_command(target: str | None):
    """Back up the database (online, while the site runs) and the media into TARGET/.

    TARGET defaults to instance/backups/. The backup holds password hashes and messages: the
    folder is created 0700 and every file 0600.
    """
    written = backup(
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        current_app.config["MEDIA_ROOT"],
        Path(target) if target else Path(current_app.instance_path) / "backups",
    )
    for path in written:
        click.echo(f"wrote {path}")


@click.command("restore")
@with_appcontext
@click.argument("database_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--media",
    "media_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The media archive to restore too.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(database_file: str, media_file: str | None, yes: bool):
    """Replace the database (and media) with a backup. Stop the app servers first.

    Each file is checked against the .sha256 file that backup wrote beside it; a missing or
    different checksum refuses the restore before anything changes.
    """
    files = [Path(database_file), *([Path(media_file)] if media_file else [])]
    try:
        for path in files:
            verify_checksum(path)
        if not yes:
            click.confirm(
                "This replaces the live database. Are the app servers stopped?", abort=True
            )
        db.session.remove()
        db.engine.dispose()
        restore(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            current_app.config["MEDIA_ROOT"],
            Path(database_file),
            Path(media_file) if media_file else None,
        )
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Restored.")
