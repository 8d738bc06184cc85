"""`flask mail send`, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from drafting.mail.services import send_queued

mail = AppGroup("mail", help="Outgoing mail.")


@mail.command("send")
def send_mail() -> None:
    """Send queued mail (for cron); failed mail is retried next time."""
    sent, failed = send_queued()
    click.echo(f"{sent} sent, {failed} not sent (will retry).")


commands = [mail]
