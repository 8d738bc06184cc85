"""`flask calls remind`, for cron: the deadline reminder to draft applications."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from drafting.applications.notify import remind_drafts
from drafting.core.transaction import commit

calls = AppGroup("calls", help="Calls for drafting units.")


@calls.command("remind")
@click.option("--days", default=3, show_default=True, help="Remind when the deadline is this near.")
def remind_command(days: int) -> None:
    """Mail organizations whose application is still a draft when the deadline is near (for cron)."""
    count = remind_drafts(days)
    commit()
    click.echo(f"{count} reminder(s) queued.")


commands = [calls]
