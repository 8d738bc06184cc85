"""`flask create-admin` and `flask create-token`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from drafting.accounts.models import Role
from drafting.accounts.services import create_api_token, create_user, user_by_email
from drafting.core.errors import ServiceError
from drafting.extensions import db


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create a secretariat account."""
    try:
        create_user(email=email, name=name, password=password, role=Role.SECRETARIAT)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Secretariat account {email} created.")


@click.command("create-token")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", default="cli")
def create_token(email: str, name: str) -> None:
    """Create a personal API token for a user and print it once."""
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    _token, secret = create_api_token(user, name)
    db.session.commit()
    click.echo(secret)


commands = [create_admin, create_token]
