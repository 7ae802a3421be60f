"""`flask --app app demo load`: the demo newsroom."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from extensions import db
from newsroom.models import Story
from web.caching import bump_content_version

demo_cli = AppGroup("demo", help="The demo newsroom.")


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
    # Imported here, not at the top: the demo's data and drawing code are needed by this command
    # only, and every server worker imports the command line (no cycle is involved).
    from demo import load_demo, load_synthetic

    has_stories = db.session.scalar(sa.select(sa.func.count()).select_from(Story))
    if if_empty and has_stories:
        click.echo(f"The database already has {has_stories} stories; demo not loaded.")
    else:
        made = load_demo(with_images=not no_images)
        click.echo(f"Demo newsroom loaded: {made} new stories.")
    if synthetic:
        made = load_synthetic(synthetic)
        click.echo(f"Added {made} synthetic stories.")
    bump_content_version()
