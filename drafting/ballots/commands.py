"""`flask ballots close-due`, for cron: close the ballots whose closing time has come."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from drafting.ballots.services import close_due
from drafting.core.transaction import commit

ballots = AppGroup("ballots", help="Ballots on the draft for review (送审稿).")


@ballots.command("close-due")
def close_due_command() -> None:
    """Close every open ballot past its closing time, store the result and mail it (for cron)."""
    closed = close_due()
    commit()
    for ballot in closed:
        click.echo(f"ballot {ballot.id} (document {ballot.document_id}): {ballot.result}")
    click.echo(f"{len(closed)} ballot(s) closed.")


commands = [ballots]
