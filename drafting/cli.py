"""Operator commands: `flask --app app <command>`. Each domain defines its
own commands beside the functions they call; this module only registers them."""

from __future__ import annotations

from flask import Flask

from drafting import backup, demo
from drafting.accounts import commands as account_commands
from drafting.applications import commands as application_commands
from drafting.ballots import commands as ballot_commands
from drafting.consultation import commands as consultation_commands
from drafting.jobs.cli import jobs
from drafting.mail import commands as mail_commands


def init_app(app: Flask) -> None:
    for command in (
        *account_commands.commands,
        *mail_commands.commands,
        *application_commands.commands,
        *consultation_commands.commands,
        *ballot_commands.commands,
        demo.seed_demo,
        backup.backup,
        jobs,
    ):
        app.cli.add_command(command)
