"""`flask --app app outbox deliver|status`: the work queued for outside a request (newsroom.outbox).

`deliver` is what asian-news-outbox.timer runs every minute: it delivers every registered kind
(IndexNow pings, emails) that is due, each row once, and is safe to run by hand at the same time.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from newsroom import indexnow, outbox  # noqa: F401 - indexnow registers its deliverer

outbox_cli = AppGroup("outbox", help="Pings and emails waiting to be delivered.")


@outbox_cli.command("deliver")
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="At most this many rows of each kind."
)
def outbox_deliver(limit: int | None):
    """Deliver everything that is due, and say how it went for each kind."""
    results = outbox.deliver_all(limit=limit)
    if not results:
        click.echo("Nothing delivers anything: no kind is registered.")
    for kind, counts in results.items():
        click.echo(
            f"{kind}: {counts['sent']} sent, {counts['retry']} to retry, "
            f"{counts['failed']} given up."
        )
        if counts["failed"]:
            click.echo(
                f"{kind}: {counts['failed']} given up; see `flask --app app outbox status`.",
                err=True,
            )


@outbox_cli.command("status")
@click.option(
    "--errors",
    type=click.IntRange(0, 100),
    default=5,
    show_default=True,
    help="How many of the latest given-up rows to show for each kind.",
)
def outbox_status(errors: int):
    """How many rows of each kind wait, were sent and were given up, and why the last failed."""
    for kind in outbox.kinds():
        counts = outbox.counts_by_state(kind)
        click.echo(
            f"{kind}: {counts['waiting']} waiting, {counts['sent']} sent, "
            f"{counts['failed']} given up."
        )
        for message in outbox.last_failures(kind, limit=errors) if errors else []:
            when = message.failed_at.strftime("%Y-%m-%d %H:%M UTC")
            click.echo(
                f"  {when} {message.key} after {message.attempts} tries: {message.last_error}"
            )
