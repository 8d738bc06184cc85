"""`flask jobs worker`: an RQ worker for export jobs (when REDIS_URL is set)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from drafting.jobs.queue import queue_name, redis_connection, rq_queue

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
    w = SimpleWorker([rq_queue()], connection=redis_connection())
    click.echo(f"Export worker on queue {queue_name()}{' (burst)' if burst else ''}.")
    w.work(burst=burst, with_scheduler=False)
