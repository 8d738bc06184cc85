"""Where export jobs wait: a thread pool in this process, or an RQ queue on Redis.

The backend follows the configuration (drafting/config.py):
``EXPORT_QUEUE`` when set ("thread",
"rq" or "eager"), else "rq" when ``REDIS_URL`` is set, so that several app
instances share one queue and any worker may do a job queued by any instance.
The threads only coordinate: the layout itself runs in the export pool's
worker processes. "eager" runs the job at once, in the caller (tests on a
rolled-back database, where another thread could not see the job row).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app

from drafting.export import ExportLimits

DEFAULT_QUEUE_NAME = "drafting-exports"
#: What a worker runs: by name for RQ; for the threads, the function itself, put in
#: ``app.extensions[RUNNER]`` by :func:`drafting.jobs.tasks.init_app` (the tasks use the
#: services, which use this queue: the queue names the task instead of importing it).
JOB_FUNCTION = "drafting.jobs.tasks.run_export_job"
RUNNER = "export_job_runner"

_executor: ThreadPoolExecutor | None = None
_speculative_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def backend(app: Flask | None = None) -> str:
    app = app or current_app
    configured = app.config.get("EXPORT_QUEUE")
    if configured:
        return configured
    if app.config.get("REDIS_URL"):
        return "rq"
    return "eager" if app.testing else "thread"


def stale_after() -> timedelta:
    """How long a job may stay queued or running before we take its worker for dead.

    The pool's own limits bound a live export (waiting for a slot, starting a
    process, the time limit), so anything longer means the worker died.
    """
    seconds = current_app.config.get("EXPORT_JOB_STALE_SECONDS")
    if seconds is None:
        limits = ExportLimits()
        seconds = limits.queue_timeout + limits.start_timeout + limits.time_limit + 60
    return timedelta(seconds=seconds)


def _runner(app: Flask):
    return app.extensions[RUNNER]


def queue_name(app: Flask | None = None) -> str:
    app = app or current_app
    return app.config.get("EXPORT_QUEUE_NAME") or DEFAULT_QUEUE_NAME


def enqueue_export(job_id: int) -> None:
    """Hand job ``job_id`` (a committed row) to the configured backend."""
    app = current_app._get_current_object()
    kind = backend(app)
    if kind == "rq":
        rq_queue(app).enqueue(
            JOB_FUNCTION,
            job_id,
            job_timeout=int(stale_after().total_seconds()),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"export job {job_id}",
        )
    elif kind == "eager":
        _runner(app)(job_id, app)
    elif kind == "thread":
        _thread_pool(app).submit(_runner(app), job_id, app)
    else:
        raise RuntimeError(f"EXPORT_QUEUE must be thread, rq or eager, not {kind!r}")


def speculative_queue_name(app: Flask | None = None) -> str:
    """The RQ queue of speculative exports, which workers take only when the user's queue is empty."""
    return f"{queue_name(app)}-speculative"


def enqueue_speculative(job_id: int) -> None:
    """Hand speculative job ``job_id`` to the backend behind every user's export:
    its own RQ queue, or a single thread of its own (at most one runs at a time)."""
    app = current_app._get_current_object()
    kind = backend(app)
    if kind == "rq":
        rq_queue(app, speculative_queue_name(app)).enqueue(
            JOB_FUNCTION,
            job_id,
            job_timeout=int(stale_after().total_seconds()),
            result_ttl=600,
            failure_ttl=24 * 3600,
            description=f"speculative export job {job_id}",
        )
    elif kind == "thread":
        _speculative_thread(app).submit(_runner(app), job_id, app)
    else:
        enqueue_export(job_id)


def _speculative_thread(app: Flask) -> ThreadPoolExecutor:
    global _speculative_executor
    with _executor_lock:
        if _speculative_executor is None:
            _speculative_executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="export-speculative"
            )
        return _speculative_executor


def _thread_pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=int(app.config.get("EXPORT_JOB_THREADS", 2)),
                thread_name_prefix="export-job",
            )
        return _executor


def redis_connection(app: Flask | None = None):
    app = app or current_app
    connection = app.extensions.get("export_queue_redis")
    if connection is None:
        import redis  # noqa: PLC0415  (only with REDIS_URL set)

        connection = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=5
        )
        app.extensions["export_queue_redis"] = connection
    return connection


def rq_queue(app: Flask | None = None, name: str | None = None):
    from rq import Queue  # noqa: PLC0415  (only with REDIS_URL set)

    app = app or current_app
    return Queue(name or queue_name(app), connection=redis_connection(app))


def health(app: Flask | None = None) -> str:
    """ "ok" when the RQ queue can be reached, else the error's name."""
    try:
        rq_queue(app).count  # noqa: B018 - a round trip to Redis
        return "ok"
    except Exception as exc:  # reported by /healthz, not raised
        return f"error: {exc.__class__.__name__}"
