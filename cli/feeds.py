"""`flask --app app feeds import`: partner feeds."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from extensions import db
from newsroom.syndication import FeedRefused, import_feed, read_feed, source_named

feeds_cli = AppGroup("feeds", help="Partner feeds.")


@feeds_cli.command("import")
@click.argument("location")
@click.option(
    "--source", "source_name", required=True, help="The partner's name, e.g. asiaone.com."
)
@click.option("--site-url", default="", help="The partner's home page (first import only).")
@click.option(
    "--policy",
    type=click.Choice(["excerpt", "full-noindex", "full-canonical"]),
    help="What the agreement allows; kept for later imports.",
)
@click.option("--publish", is_flag=True, help="Publish at once instead of leaving drafts.")
def feeds_import(location: str, source_name: str, site_url: str, policy: str | None, publish: bool):
    """Import an RSS or Atom feed from a URL or a file; running it again imports nothing twice."""
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
