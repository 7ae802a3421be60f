"""`flask --app app live open|post|close`: live coverage from scripts and wire tools.

The same service as the admin (newsroom/live.py); the operator may do anything, and the
audit log files these changes under the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from newsroom import live
from newsroom.models import Story
from newsroom.stories import NotAllowed, StoryRefused
from web.caching import bump_content_version

live_cli = AppGroup("live", help="Live coverage pages: open, post to and close them.")


def _story(slug: str) -> Story:
    story = live.story_by_slug(slug)
    if story is None:
        raise click.ClickException(f"There is no story at /article/{slug}.")
    return story


def _change(slug: str, change, done: str) -> None:
    """Make `change` to the story at SLUG as the operator; a refusal is the command's error."""
    story = _story(slug)
    try:
        result = change(story)
    except (StoryRefused, NotAllowed) as exc:
        raise click.ClickException(str(exc)) from None
    bump_content_version()
    click.echo(done.format(slug=slug, result=result))


@live_cli.command("open")
@click.argument("slug")
def live_open(slug: str):
    """Make the story at SLUG a live page, or reopen its closed coverage."""
    _change(
        slug,
        lambda story: live.open_coverage(story, by=None),
        '/article/{slug} is live coverage; post with: live post {slug} "TEXT"',
    )


@live_cli.command("post")
@click.argument("slug")
@click.argument("text")
@click.option("--title", default="", help="A short title shown above the post.")
@click.option("--key-event", is_flag=True, help="List the post among the page's key events.")
def live_post(slug: str, text: str, title: str, key_event: bool):
    """Post TEXT (Markdown) to the live page at SLUG."""
    _change(
        slug,
        lambda story: live.add_post(story, None, text, title=title, key_event=key_event),
        "Posted {result.id}: /article/{slug}#{result.anchor}",
    )


@live_cli.command("close")
@click.argument("slug")
def live_close(slug: str):
    """End the live coverage at SLUG: readers' pages stop polling."""
    _change(
        slug,
        lambda story: live.close_coverage(story, by=None),
        "Live coverage at /article/{slug} is closed.",
    )
