"""Speculative exports: the PDF of a document's head revision, made before anyone asks.

An editor who saves and then exports waits 15–35 s for the layout. Most of
that wait can be spent earlier: when a document goes idle (no change for
``EXPORT_SPECULATE_IDLE_SECONDS``) or moves to another stage, the head
revision is exported in the background, so the editor's own export is a cache
hit. The rules:

- at most one speculative export per document at a time, and one running on
  the whole site, so a user's export always finds a free export process;
- never ahead of a user's request: a speculative job does not start while a
  user's export waits or runs (it is dropped and tried again on the next
  tick), and on Redis it waits on its own queue, which workers take only when
  the user's queue is empty;
- a user's export of the same inputs takes the job over (it becomes theirs);
- dropped when a newer revision arrives (a queued job is deleted; a running
  one finishes, since its PDF may still be asked for, and blocks a new
  speculation until then).

Idle documents are found by ``flask jobs speculate``, run by cron every minute
(see the README). A cron tick rather than a delayed job per save: it needs no
scheduler beside the queue (the thread backend has none), survives restarts,
and one query per minute finds every idle document, however many saves came
before. Off in tests unless a test turns ``EXPORT_SPECULATE`` on.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from drafting.core import transaction
from drafting.core.timeutil import utcnow
from drafting.documents import signals
from drafting.documents.models import Revision, StandardDocument
from drafting.extensions import db
from drafting.jobs import services
from drafting.jobs.models import ACTIVE_STATES, ExportJobRecord, JobState
from drafting.jobs.queue import enqueue_speculative


def enabled() -> bool:
    """EXPORT_SPECULATE when set, else on except in tests."""
    configured = current_app.config.get("EXPORT_SPECULATE")
    return (not current_app.testing) if configured is None else bool(configured)


def idle_after() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("EXPORT_SPECULATE_IDLE_SECONDS", 180)))


def window() -> timedelta:
    """Documents idle for longer than this are not looked at again (their PDF was made then)."""
    return timedelta(seconds=int(current_app.config.get("EXPORT_SPECULATE_WINDOW_SECONDS", 86400)))


def speculate(document: StandardDocument) -> ExportJobRecord | None:
    """Queue a speculative PDF export of the head revision, unless it is cached,
    already on its way, or another speculation of this document is active."""
    if not enabled() or document.head_revision_id is None:
        return None
    revision = db.session.get(Revision, document.head_revision_id)
    key = services.cache_key_for(document, revision)
    services.drop_stale_speculation(document, keep_key=key)
    if services.cached_pdf_path(key) is not None:
        return None
    active = db.session.scalars(
        select(ExportJobRecord).where(
            ExportJobRecord.document_id == document.id,
            ExportJobRecord.state.in_(ACTIVE_STATES),
        )
    ).all()
    for job in active:
        if services.expire_if_stale(job):
            continue
        if job.speculative or (job.cache_key == key and job.format == "pdf"):
            return None  # one speculation per document; a user's job already makes this PDF
    job = ExportJobRecord(
        document_id=document.id,
        revision_id=revision.id,
        requested_by_id=None,
        speculative=True,
        state=JobState.QUEUED,
        progress=0,
        progress_label="queued",
        cache_key=key,
        format="pdf",
    )
    db.session.add(job)
    db.session.flush()

    job_id = job.id
    transaction.after_commit(lambda: enqueue_speculative(job_id))
    return job


def idle_documents(now=None) -> list[StandardDocument]:
    """Documents with a head revision whose last change is between ``idle_after`` and ``window`` ago."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(StandardDocument)
            .where(
                StandardDocument.head_revision_id.is_not(None),
                StandardDocument.updated_at <= now - idle_after(),
                StandardDocument.updated_at >= now - window(),
            )
            .order_by(StandardDocument.updated_at)
        )
    )


def speculate_idle(now=None) -> list[ExportJobRecord]:
    """One cron tick: a speculative export for each idle document that needs one."""
    if not enabled():
        return []
    jobs = []
    for document in idle_documents(now):
        job = speculate(document)
        if job is not None:
            jobs.append(job)
    return jobs


def may_start(job: ExportJobRecord) -> bool:
    """Whether a speculative job may start now: no user's export waits or runs,
    no other speculation runs, and its revision is still the head."""
    document = db.session.get(StandardDocument, job.document_id)
    if document is None or document.head_revision_id != job.revision_id:
        return False
    busy = db.session.scalar(
        select(func.count())
        .select_from(ExportJobRecord)
        .where(
            ExportJobRecord.id != job.id,
            ExportJobRecord.state.in_(ACTIVE_STATES),
            (ExportJobRecord.speculative.is_(False)) | (ExportJobRecord.state == JobState.RUNNING),
            ExportJobRecord.created_at >= utcnow() - services.stale_after(),
        )
    )
    return not busy


# --- receivers: documents tell us what happened ---------------------------------


def _on_revision_saved(document: StandardDocument, revision: Revision, **_) -> None:
    if enabled():
        services.drop_stale_speculation(document)


def _on_stage_moved(document: StandardDocument, **_) -> None:
    if enabled():
        speculate(document)


def init_app(app) -> None:
    """Connect the receivers (once per process: the signals are global)."""
    signals.revision_saved.connect(_on_revision_saved, weak=False)
    signals.stage_moved.connect(_on_stage_moved, weak=False)
