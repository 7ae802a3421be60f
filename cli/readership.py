"""`flask --app app readership fold`: the buffered counts into the readership tables."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from newsroom import readership

readership_cli = AppGroup("readership", help="Readership counts.")


@readership_cli.command("fold")
@click.option(
    "--no-retention", is_flag=True, help="Fold only; keep detail older than 13 months as it is."
)
def fold_command(no_retention: bool):
    """Fold the buffered counts (Redis or the buffer table) into the hourly tables, then fold
    hourly rows older than 13 months into monthly ones and delete older referrers and misses."""
    report = readership.fold()
    click.echo(
        f"Folded {report.views} views of {report.stories} stories, {report.referrers} referrers "
        f"and {report.misses} searches that found nothing."
    )
    if not no_retention:
        old = readership.retire_old_counts()
        click.echo(
            f"Older than 13 months: {old.hours_folded} hourly rows folded into "
            f"{old.months_written} monthly ones; {old.referrer_days} referrer and "
            f"{old.miss_days} search-miss rows deleted."
        )
