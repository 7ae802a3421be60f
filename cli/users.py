"""`flask --app app users ...`: newsroom accounts."""

from __future__ import annotations

import contextlib
import functools
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from extensions import db
from newsroom import services
from newsroom.models import User

users_cli = AppGroup("users", help="Newsroom accounts.")
ROLES = click.Choice(["admin", "editor", "writer"])


@contextlib.contextmanager
def _refusal_reported():
    """A change the account rules refuse ends the command with their reason, not a traceback."""
    try:
        yield
    except services.AccountRefused as refused:
        raise click.ClickException(str(refused)) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLES, required=True)
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
    with _refusal_reported():
        services.create_account(email, name, role, password, by=None)
    click.echo(f"Created {role} account {email}.")


@users_cli.command("list")
def users_list():
    """List accounts."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id:>4}  {user.email:<40} {user.role:<7} {state}")


def account_command(name: str):
    """A `users NAME EMAIL ...` command. The function it decorates gets the account instead of the
    email; an unknown email, or a change the account rules refuse, ends in one readable line."""

    def decorate(change):
        @users_cli.command(name)
        @click.argument("email")
        @functools.wraps(change)  # its docstring (the help) and the arguments declared under it
        def command(email: str, **arguments):
            user = User.by_email(email)
            if user is None:
                raise click.ClickException(f"There is no account for {email}.")
            with _refusal_reported():
                change(user, **arguments)

        return command

    return decorate


@account_command("set-role")
@click.argument("role", type=ROLES)
def users_set_role(user: User, role: str):
    """Change an account's role."""
    services.set_role(user, role, by=None)
    click.echo(f"{user.email} is now {role}.")


@account_command("disable")
def users_disable(user: User):
    """Disable an account and end all its sessions."""
    services.set_active(user, False, by=None)
    click.echo(f"{user.email} is disabled and signed out everywhere.")


@account_command("enable")
def users_enable(user: User):
    """Enable a disabled account again; its owner signs in with the same password."""
    services.set_active(user, True, by=None)
    click.echo(f"{user.email} is enabled.")


@account_command("two-step-off")
def users_two_step_off(user: User):
    """Turn off an account's two-step sign-in (a lost phone) and end its sessions."""
    services.turn_off_two_step(user, by=None)
    click.echo(f"Two-step sign-in is off for {user.email}; they can sign in with the password.")
