"""`flask consultation digest`, for cron (daily): the editors' mail of new comments."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from drafting.consultation.services import purge_unconfirmed, send_digest
from drafting.core.cli import with_public_url
from drafting.core.transaction import commit

consultation = AppGroup("consultation", help="Comment periods of drafts for comments.")


@consultation.command("digest")
@with_public_url
def digest_command() -> None:
    """Mail each document's editors the comments made since the last digest (for cron, daily);
    forget the public comments never confirmed within the link's validity."""
    documents, mails = send_digest()
    purged = purge_unconfirmed()
    commit()
    click.echo(f"{mails} digest mail(s) queued for {documents} document(s).")
    if purged:
        click.echo(f"{purged} unconfirmed public comment(s) forgotten.")


commands = [consultation]
