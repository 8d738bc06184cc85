"""Operator commands: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from drafting.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin(email: str, name: str, password: str) -> None:
        """Create a secretariat account."""
        from drafting.accounts.models import Role
        from drafting.accounts.services import create_user
        from drafting.core.errors import ServiceError

        try:
            create_user(email=email, name=name, password=password, role=Role.SECRETARIAT)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(f"Secretariat account {email} created.")

    @app.cli.command("create-token")
    @click.option("--email", required=True)
    @click.option("--name", default="cli")
    def create_token(email: str, name: str) -> None:
        """Create a personal API token for a user and print it once."""
        from drafting.accounts.services import create_api_token, user_by_email

        user = user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with email {email}.")
        _token, secret = create_api_token(user, name)
        db.session.commit()
        click.echo(secret)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users.")
    def seed_demo(if_empty: bool) -> None:
        """Load demo data and print the demo logins."""
        from drafting.accounts.models import User
        from drafting.demo import DEMO_PASSWORD, load_demo

        if if_empty and db.session.scalar(select(func.count(User.id))):
            click.echo("Database already has users; demo data not loaded.")
        else:
            load_demo()
            db.session.commit()
            click.echo("Demo data loaded.")
        from drafting.demo import demo_logins

        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in demo_logins():
            click.echo(f"  {role:<12} {email}")

    mail = click.Group("mail", help="Outgoing mail.")

    @mail.command("send")
    def send_mail() -> None:
        """Send queued mail (for cron); failed mail is retried next time."""
        from drafting.mail.services import send_queued

        sent, failed = send_queued()
        click.echo(f"{sent} sent, {failed} not sent (will retry).")

    app.cli.add_command(mail)
