"""Command-line tools: `flask --app app demo ...` and `flask --app app breaking ...`."""

from __future__ import annotations

from datetime import timedelta

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from extensions import db
from newsroom.models import Article, BreakingItem, utcnow
from web.caching import bump_content_version
from web.params import MAX_ID

demo_cli = AppGroup("demo", help="The demo newsroom.")
breaking_cli = AppGroup("breaking", help="Breaking-news items in the ticker.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has stories.")
@click.option(
    "--synthetic",
    type=click.IntRange(min=0),
    default=0,
    help="Also add N generated stories.",
)
@click.option("--no-images", is_flag=True, help="Skip generating illustrations (faster).")
def demo_load(if_empty: bool, synthetic: int, no_images: bool):
    """Load the demo newsroom; running it again adds nothing twice."""
    from demo import load_demo, load_synthetic

    has_stories = db.session.scalar(sa.select(sa.func.count()).select_from(Article))
    if if_empty and has_stories:
        click.echo(f"The database already has {has_stories} stories; demo not loaded.")
    else:
        made = load_demo(with_images=not no_images)
        click.echo(f"Demo newsroom loaded: {made} new stories.")
    if synthetic:
        made = load_synthetic(synthetic)
        click.echo(f"Added {made} synthetic stories.")
    bump_content_version()


def _safe_link(link: str) -> str:
    if link and not (
        link.startswith(("https://", "http://"))
        or (link.startswith("/") and not link.startswith("//"))
    ):
        raise click.BadParameter("give an http(s) URL or a path on this site, like /n/42")
    return link


@breaking_cli.command("add")
@click.argument("text")
@click.option("--link", default="", help="Where the item leads: a URL or a path like /n/42.")
@click.option("--minutes", type=click.IntRange(1, 7 * 24 * 60), default=360, show_default=True,
              help="How long the item stays in the ticker.")  # fmt: skip
def breaking_add(text: str, link: str, minutes: int):
    """Put an item in the breaking-news ticker."""
    text = " ".join(text.split())
    if not text or len(text) > 280:
        raise click.BadParameter("the text must be 1 to 280 characters", param_hint="TEXT")
    item = BreakingItem(
        text=text, link=_safe_link(link), position=BreakingItem.next_position(),
        expires_at=utcnow() + timedelta(minutes=minutes),
    )  # fmt: skip
    db.session.add(item)
    db.session.commit()
    bump_content_version()
    click.echo(f"Added breaking item {item.id}, live until {item.expires_at:%Y-%m-%d %H:%M} UTC.")


@breaking_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include expired items.")
def breaking_list(show_all: bool):
    """List breaking-news items, newest first."""
    query = sa.select(BreakingItem).order_by(BreakingItem.id.desc())
    if not show_all:
        query = query.where(BreakingItem.expires_at > utcnow())
    items = db.session.scalars(query).all()
    if not items:
        click.echo("No breaking items.")
    for item in items:
        state = "live" if item.expires_at > utcnow() else "expired"
        click.echo(f"{item.id:>5}  {state:<7}  until {item.expires_at:%Y-%m-%d %H:%M}  {item.text}")


@breaking_cli.command("expire")
@click.argument("ident", type=click.IntRange(1, MAX_ID))
def breaking_expire(ident: int):
    """Take an item out of the ticker now."""
    item = db.session.get(BreakingItem, ident)
    if item is None:
        raise click.ClickException(f"There is no breaking item {ident}.")
    item.expires_at = utcnow()
    db.session.commit()
    bump_content_version()
    click.echo(f"Breaking item {ident} expired.")


stories_cli = AppGroup("stories", help="Stories.")


@stories_cli.command("kill")
@click.argument("ident", type=click.IntRange(1, MAX_ID))
@click.option("--reason", required=True,
              help="Why it was removed; readers see this at the story's address.")  # fmt: skip
def stories_kill(ident: int, reason: str):
    """Kill a story for good: it leaves the site and its addresses answer 410 with the reason."""
    from newsroom.models import CannotKill

    story = db.session.get(Article, ident)
    if story is None:
        raise click.ClickException(f"There is no story {ident}.")
    try:
        story.kill(reason)
    except CannotKill as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    bump_content_version()
    click.echo(f"Story {ident} killed: /article/{story.slug} now answers 410 with the notice.")


users_cli = AppGroup("users", help="Newsroom accounts.")


def _read_password(from_stdin: bool) -> str:
    import sys

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "editor", "writer"]), required=True)
@click.option("--name", default="", help="The person's name, as shown in the admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, role: str, name: str, password_stdin: bool):
    """Create an account; the password is prompted for (or read from stdin), never an argument."""
    from newsroom.models import AuditEntry, User
    from web.auth import hash_password, password_problem

    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    if User.by_email(email):
        raise click.ClickException(f"There is already an account for {email}.")
    password = _read_password(password_stdin)
    problem = password_problem(password, email, name)
    if problem:
        raise click.ClickException(problem)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    AuditEntry.record(None, "create", user, f"{email} as {role} (command line)")
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@users_cli.command("list")
def users_list():
    """List accounts."""
    from newsroom.models import User

    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id:>4}  {user.email:<40} {user.role:<7} {state}")


def _user_or_fail(email: str):
    from newsroom.models import User

    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "editor", "writer"]))
def users_set_role(email: str, role: str):
    """Change an account's role."""
    from newsroom.models import AuditEntry

    user = _user_or_fail(email)
    AuditEntry.record(None, "set-role", user, f"{user.email}: {user.role} → {role} (command line)")
    user.role = role
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("disable")
@click.argument("email")
def users_disable(email: str):
    """Disable an account and end all its sessions."""
    from newsroom.models import AuditEntry
    from web.auth import revoke_all_sessions

    user = _user_or_fail(email)
    user.active = False
    revoke_all_sessions(user)
    AuditEntry.record(None, "disable", user, f"{user.email} (command line)")
    db.session.commit()
    click.echo(f"{user.email} is disabled and signed out everywhere.")


@users_cli.command("enable")
@click.argument("email")
def users_enable(email: str):
    """Enable a disabled account again; its owner signs in with the same password."""
    from newsroom.models import AuditEntry

    user = _user_or_fail(email)
    user.active = True
    AuditEntry.record(None, "enable", user, f"{user.email} (command line)")
    db.session.commit()
    click.echo(f"{user.email} is enabled.")


@users_cli.command("two-step-off")
@click.argument("email")
def users_two_step_off(email: str):
    """Turn off an account's two-step sign-in (a lost phone) and end its sessions."""
    from newsroom.models import AuditEntry
    from web.auth import revoke_all_sessions

    user = _user_or_fail(email)
    user.set_two_step(None)
    revoke_all_sessions(user)
    AuditEntry.record(None, "two-step-off", user, f"{user.email} (command line)")
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.email}; they can sign in with the password.")


feeds_cli = AppGroup("feeds", help="Partner feeds.")


@feeds_cli.command("import")
@click.argument("location")
@click.option(
    "--source", "source_name", required=True, help="The partner's name, e.g. asiaone.com."
)
@click.option("--site-url", default="", help="The partner's home page (first import only).")
@click.option("--policy", type=click.Choice(["excerpt", "full-noindex", "full-canonical"]),
              help="What the agreement allows; kept for later imports.")  # fmt: skip
@click.option("--publish", is_flag=True, help="Publish at once instead of leaving drafts.")
def feeds_import(location: str, source_name: str, site_url: str, policy: str | None, publish: bool):
    """Import an RSS or Atom feed from a URL or a file; running it again imports nothing twice."""
    from newsroom.syndication import FeedRefused, import_feed, read_feed, source_named

    try:
        data = read_feed(location)
        source = source_named(source_name, site_url, policy)
        with click.progressbar(length=1, label="Reading") as bar:
            bar.update(1)

        def progress(entries):
            with click.progressbar(entries, label=f"Importing from {source_name}") as bar:
                yield from bar

        report = import_feed(data, source, publish, progress=progress)
    except FeedRefused as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} Nothing was imported.") from exc
    click.echo(f"{report.new} new, {report.updated} updated, {report.skipped} skipped.")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(breaking_cli)
    app.cli.add_command(stories_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(file_okay=False), required=False)
def backup_command(target: str | None):
    """Back up the database (online, while the site runs) and the media into TARGET/.

    TARGET defaults to instance/backups/. The backup holds password hashes and messages: the
    folder is created 0700 and every file 0600.
    """
    from pathlib import Path

    from flask import current_app

    from newsroom.backup import backup

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
@click.option("--media", "media_file", type=click.Path(exists=True, dir_okay=False),
              help="The media archive to restore too.")  # fmt: skip
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(database_file: str, media_file: str | None, yes: bool):
    """Replace the database (and media) with a backup. Stop the app servers first.

    Each file is checked against the .sha256 file that backup wrote beside it; a missing or
    different checksum refuses the restore before anything changes.
    """
    from pathlib import Path

    from flask import current_app

    from newsroom.backup import BackupRefused, restore, verify_checksum

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
