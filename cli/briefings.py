"""`flask --app app briefings ...`: send what is due (the timer), preview an edition, purge."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from newsroom import briefings, mail
from newsroom.briefings_editions import assemble, edition_due, send_due
from newsroom.models import Region, utcnow

briefings_cli = AppGroup("briefings", help="Morning briefings by email.")


def _when(text: str | None) -> datetime:
    if not text:
        return utcnow()
    try:
        when = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(
            f"{text!r} is not an ISO time such as 2026-12-06T23:05Z"
        ) from error
    if when.tzinfo is None:
        raise click.BadParameter("give the time zone too, e.g. 2026-12-06T23:05+00:00")
    return when


@briefings_cli.command("send")
@click.option("--now", "now_text", help="Act as if it were this time (ISO, with zone); tests.")
def send_command(now_text: str | None):
    """Assemble, queue and send every edition whose 07:00 has come, finish any send a crash
    interrupted, and delete sign-ups unconfirmed for 7 days. Idempotent: run it every few
    minutes."""
    now = _when(now_text)
    purged = briefings.purge_unconfirmed(now)
    report = send_due(now)
    for edition, count in report["queued"].items():
        click.echo(f"queued {edition}: {count} recipients")
    for edition in report["skipped"]:
        click.echo(f"skipped {edition}: more than BRIEFINGS_LATEST_HOURS past its 07:00")
    delivered = report.get("delivered", {})
    click.echo(
        f"{delivered.get('sent', 0)} emails sent, {delivered.get('retry', 0)} to retry, "
        f"{delivered.get('failed', 0)} given up; {purged} unconfirmed sign-ups deleted."
    )
    for edition in report["sent"]:
        click.echo(f"sent {edition}")


@briefings_cli.command("preview")
@click.option("--region", "region_slug", required=True, help="A region's slug, e.g. east-asia.")
@click.option("--to", "address", required=True, help="Where to send the preview.")
def preview_command(region_slug: str, address: str):
    """Send the region's current edition to one address now (not recorded as sent)."""
    region = Region.by_slug(region_slug)
    if region is None:
        slugs = ", ".join(r.slug for r in Region.ordered())
        raise click.ClickException(f"no region {region_slug!r}; the regions are {slugs}")
    now = utcnow()
    day, _send_at = edition_due(region, now)
    briefing = assemble(region, day, now)
    key = f"preview:{briefing.id}:{now.timestamp()}"
    try:
        message = briefings.briefing_message(briefing, None, address, key)
        mail.send(message)
    except mail.RecipientRefused as error:
        raise click.ClickException(f"the mail server refused {address}: {error}") from error
    except Exception as error:  # noqa: BLE001 - any failure: say which, and stop
        raise click.ClickException(f"could not send: {type(error).__name__}: {error}") from error
    click.echo(f"Sent the {region.name} briefing of {day} to {address}.")


@briefings_cli.command("purge")
def purge_command():
    """Delete sign-ups left unconfirmed for 7 days (send does this too)."""
    click.echo(f"{briefings.purge_unconfirmed()} unconfirmed sign-ups deleted.")
