"""`flask jobs worker`: an RQ worker for export jobs (when REDIS_URL is set)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from drafting.core import transaction
from drafting.jobs.queue import queue_name, redis_connection, rq_queue, speculative_queue_name
from drafting.jobs.speculation import enabled, speculate_idle

jobs = AppGroup("jobs", help="Background jobs (PDF exports).")


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Do export jobs from the Redis queue (REDIS_URL) until stopped."""
    from rq import SimpleWorker  # noqa: PLC0415  (RQ only for `flask jobs worker` with REDIS_URL)

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: without it exports run inside the web process."
        )
    # SimpleWorker: jobs run in this process, so the export pool's processes stay warm between jobs.
    # The user's queue first: RQ takes a speculative export only when it is empty.
    w = SimpleWorker(
        [rq_queue(), rq_queue(name=speculative_queue_name())], connection=redis_connection()
    )
    click.echo(f"Export worker on queue {queue_name()}{' (burst)' if burst else ''}.")
    w.work(burst=burst, with_scheduler=False)


@jobs.command("speculate")
def speculate() -> None:
    """Export idle documents' head revisions ahead of their editors (cron, every minute)."""
    if not enabled():
        click.echo("EXPORT_SPECULATE is off: nothing to do.")
        return
    jobs_made = speculate_idle()
    ids = [job.id for job in jobs_made]
    transaction.commit()
    click.echo(
        f"{len(ids)} speculative export(s) queued{': ' + ', '.join(map(str, ids)) if ids else '.'}"
    )
