"""`flask --app app stories kill`: take a story off the site for good."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from extensions import db
from newsroom.models import CannotKill, Story
from web.caching import bump_content_version
from web.params import MAX_ID

stories_cli = AppGroup("stories", help="Stories.")


@stories_cli.command("kill")
@click.argument("ident", type=click.IntRange(1, MAX_ID))
@click.option(
    "--reason", required=True, help="Why it was removed; readers see this at the story's address."
)
def stories_kill(ident: int, reason: str):
    """Kill a story for good: it leaves the site and its addresses answer 410 with the reason."""
    story = db.session.get(Story, ident)
    if story is None:
        raise click.ClickException(f"There is no story {ident}.")
    try:
        story.kill(reason)
    except CannotKill as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    bump_content_version()
    click.echo(f"Story {ident} killed: /article/{story.slug} now answers 410 with the notice.")
