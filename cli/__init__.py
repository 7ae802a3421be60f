"""The command line: one module per command group, each added to the app by register()."""

from __future__ import annotations

from flask import Flask

from cli import backup, briefings, demo, feeds, live, outbox, readership, stories, ticker, users


def register_commands(app: Flask) -> None:
    """Every command group under `flask --app app ...`."""
    app.cli.add_command(demo.demo_cli)
    app.cli.add_command(ticker.ticker_cli)
    app.cli.add_command(live.live_cli)
    app.cli.add_command(stories.stories_cli)
    app.cli.add_command(users.users_cli)
    app.cli.add_command(feeds.feeds_cli)
    app.cli.add_command(outbox.outbox_cli)
    app.cli.add_command(readership.readership_cli)
    app.cli.add_command(briefings.briefings_cli)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
