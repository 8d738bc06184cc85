"""The work of an export job, run by a queue worker (a thread, or an RQ worker process)."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, has_app_context

from drafting.core.errors import Refused
from drafting.export import ExportCache, ExportError, ExportLimits, ExportPool, default_pool, export
from drafting.export.worker import derived_limits
from drafting.extensions import db
from drafting.jobs import services, speculation
from drafting.jobs.models import ExportJobRecord, JobState
from drafting.jobs.queue import RUNNER

log = logging.getLogger(__name__)

_worker_app: Flask | None = None
_worker_app_lock = threading.Lock()


def _app() -> Flask:
    """The app this worker serves: the current one (``flask jobs worker``), else one made here (``rq worker``)."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    with _worker_app_lock:
        if _worker_app is None:
            # The app factory imports every blueprint and the API, which import the jobs.
            from drafting import create_app  # noqa: PLC0415  (app factory, worker path)

            _worker_app = create_app()
        return _worker_app


def init_app(app: Flask) -> None:
    """Give the queue's threads the function they run (the queue cannot import it)."""
    app.extensions[RUNNER] = run_export_job


def run_export_job(job_id: int, app: Flask | None = None) -> str:
    """Export the job's revision to PDF into the export cache, recording progress; returns the final state.

    Each step commits, so every instance sees the progress. Failures end in
    the "failed" state with a message; they are not raised, since nobody
    waits on this call but the job row.
    """
    app = app or _app()
    # Its own app context: its own database session, whatever the caller had.
    with app.app_context():
        try:
            return _run(job_id)
        finally:
            db.session.remove()


def _run(job_id: int) -> str:
    job = db.session.get(ExportJobRecord, job_id)
    if job is None:
        log.warning("export job %s: no such job", job_id)
        return "missing"
    if job.state != JobState.QUEUED:
        # Done twice (a retried delivery) or given up on as stale: nothing to do.
        return str(job.state)
    if job.speculative and not speculation.may_start(job):
        # A user's export waits, another speculation runs, or a newer revision
        # arrived: give way; the next `flask jobs speculate` tries again.
        db.session.delete(job)
        db.session.commit()
        return "deferred"
    try:
        services.start(job)
    except Refused:
        # Another delivery of the same job took it a moment ago (under the row lock).
        db.session.rollback()
        return "taken"
    db.session.commit()
    try:
        fmt = job.format or "pdf"
        inputs = services.job_inputs(job.document, job.revision, fmt)
        key = inputs.cache_key()
        cache = ExportCache(current_app.config["EXPORT_DIR"], suffix=f".{fmt}")
        if cache.get(key) is None:
            services.set_progress(job, 30, "rendering")
            db.session.commit()
            if fmt == "docx":
                from drafting.word.export import export_docx  # noqa: PLC0415  (deferred: heavy)

                pdf = export_docx(inputs.meta, inputs.text, attachments=inputs.attachments)
            else:
                pdf = render_pdf(inputs.meta, inputs.text, inputs.options, inputs.attachments)
            services.set_progress(job, 90, "storing")
            db.session.commit()
            cache.put(key, pdf)
        services.finish(job, key)
        db.session.commit()
    except ExportError as exc:
        db.session.rollback()
        services.fail(job, code=exc.code or "export", message=str(exc))
        db.session.commit()
    except Exception as exc:
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        services.fail(job, code="internal", message=f"{exc.__class__.__name__}: {exc}")
        db.session.commit()
    return str(job.state)


def render_pdf(meta, text: str, options, attachments=None) -> bytes:
    """The PDF, laid out in the export pool's worker processes (never in this thread)."""
    return export(meta, text, attachments=attachments, options=options, pool=_pool()).pdf


def _pool():
    limits = current_app.config.get("EXPORT_LIMITS")
    if limits is None:
        # The memory limit and the number of processes, set together (README: Export memory).
        memory_mb = current_app.config.get("EXPORT_MEMORY_LIMIT_MB")
        workers = current_app.config.get("EXPORT_WORKERS")
        if memory_mb is None and workers is None:
            return default_pool()  # the same, from the environment, as the synchronous route's
        limits = derived_limits(memory_mb, workers)
    elif not isinstance(limits, ExportLimits):
        limits = ExportLimits(**limits)
    pools = current_app.extensions.setdefault("export_pools", {})
    if limits not in pools:
        pools[limits] = ExportPool(limits)
    return pools[limits]
