"""`flask --app app ticker add|list|expire`: breaking-news items in the ticker."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from extensions import db
from newsroom import services
from newsroom.models import TickerItem, utcnow
from web.caching import bump_content_version
from web.params import MAX_ID

ticker_cli = AppGroup("ticker", help="Breaking-news items in the ticker.")


def _safe_link(link: str) -> str:
    if not services.ticker_link_ok(link):
        raise click.BadParameter("give an http(s) URL or a path on this site, like /n/42")
    return link


@ticker_cli.command("add")
@click.argument("text")
@click.option("--link", default="", help="Where the item leads: a URL or a path like /n/42.")
@click.option(
    "--minutes",
    type=click.IntRange(1, 7 * 24 * 60),
    default=360,
    show_default=True,
    help="How long the item stays in the ticker.",
)
def ticker_add(text: str, link: str, minutes: int):
    """Put an item in the breaking-news ticker."""
    text = " ".join(text.split())
    if not text or len(text) > 280:
        raise click.BadParameter("the text must be 1 to 280 characters", param_hint="TEXT")
    item = services.add_ticker_item(text, _safe_link(link), minutes)
    db.session.commit()
    bump_content_version()
    click.echo(f"Added ticker item {item.id}, live until {item.expires_at:%Y-%m-%d %H:%M} UTC.")


@ticker_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include expired items.")
def ticker_list(show_all: bool):
    """List breaking-news items, newest first."""
    query = sa.select(TickerItem).order_by(TickerItem.id.desc())
    if not show_all:
        query = query.where(TickerItem.expires_at > utcnow())
    items = db.session.scalars(query).all()
    if not items:
        click.echo("No ticker items.")
    for item in items:
        state = "live" if item.expires_at > utcnow() else "expired"
        click.echo(f"{item.id:>5}  {state:<7}  until {item.expires_at:%Y-%m-%d %H:%M}  {item.text}")


@ticker_cli.command("expire")
@click.argument("ident", type=click.IntRange(1, MAX_ID))
def ticker_expire(ident: int):
    """Take an item out of the ticker now."""
    item = db.session.get(TickerItem, ident)
    if item is None:
        raise click.ClickException(f"There is no ticker item {ident}.")
    services.expire_ticker_item(item)
    db.session.commit()
    bump_content_version()
    click.echo(f"Ticker item {ident} expired.")
