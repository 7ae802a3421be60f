"""`flask --app app users ...`: newsroom accounts."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from extensions import db
from newsroom import services
from newsroom.models import User

users_cli = AppGroup("users", help="Newsroom accounts.")


def _read_password(from_stdin: bool) -> str:
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
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    if User.by_email(email):  # before asking for a password that could not be used
        raise click.ClickException(f"There is already an account for {email}.")
    password = _read_password(password_stdin)
    try:
        services.create_account(email, name, role, password, by=None)
    except services.AccountRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Created {role} account {email}.")


@users_cli.command("list")
def users_list():
    """List accounts."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id:>4}  {user.email:<40} {user.role:<7} {state}")


def _user_or_fail(email: str):
    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "editor", "writer"]))
def users_set_role(email: str, role: str):
    """Change an account's role."""
    user = _user_or_fail(email)
    services.set_role(user, role, by=None)
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("disable")
@click.argument("email")
def users_disable(email: str):
    """Disable an account and end all its sessions."""
    user = _user_or_fail(email)
    services.set_active(user, False, by=None)
    click.echo(f"{user.email} is disabled and signed out everywhere.")


@users_cli.command("enable")
@click.argument("email")
def users_enable(email: str):
    """Enable a disabled account again; its owner signs in with the same password."""
    user = _user_or_fail(email)
    services.set_active(user, True, by=None)
    click.echo(f"{user.email} is enabled.")


@users_cli.command("two-step-off")
@click.argument("email")
def users_two_step_off(email: str):
    """Turn off an account's two-step sign-in (a lost phone) and end its sessions."""
    user = _user_or_fail(email)
    services.turn_off_two_step(user, by=None)
    click.echo(f"Two-step sign-in is off for {user.email}; they can sign in with the password.")
