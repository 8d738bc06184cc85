"""Operator commands: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from drafting.extensions import db


def with_public_url(command):
    """Run a CLI command inside a request context for PUBLIC_URL, so that
    `url_for(..., _external=True)` in the mail it sends gives real links."""
    from functools import wraps

    from flask import current_app

    @wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return command(*args, **kwargs)

    return wrapper


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
    @with_public_url
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

    mail = AppGroup("mail", help="Outgoing mail.")

    @mail.command("send")
    def send_mail() -> None:
        """Send queued mail (for cron); failed mail is retried next time."""
        from drafting.mail.services import send_queued

        sent, failed = send_queued()
        click.echo(f"{sent} sent, {failed} not sent (will retry).")

    app.cli.add_command(mail)

    backup = AppGroup("backup", help="Back up and restore the database and uploaded files.")

    @backup.command("create")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_create(path: str) -> None:
        """Write one archive with a consistent database dump and the uploads."""
        from pathlib import Path

        from drafting.backup import create_backup

        out = create_backup(Path(path))
        click.echo(f"Backup written to {out} ({out.stat().st_size} bytes).")

    @backup.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def backup_restore(path: str) -> None:
        """Restore an archive into an empty, migrated instance."""
        from pathlib import Path

        from drafting.backup import RestoreError, restore_backup

        try:
            counts = restore_backup(Path(path))
        except RestoreError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")

    app.cli.add_command(backup)

    from drafting.jobs.cli import jobs

    app.cli.add_command(jobs)
