"""Export jobs: request one (or get the cached PDF at once), move it through its states."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from drafting.accounts.models import User
from drafting.audit.services import record
from drafting.core import transaction
from drafting.core.statemachine import Move, StateMachine, lock_row
from drafting.core.timeutil import utcnow
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.services import ExportInputs, export_inputs
from drafting.export import ExportCache
from drafting.extensions import db
from drafting.jobs import queue
from drafting.jobs.models import ACTIVE_STATES, JOB_STATE_LABELS, ExportJobRecord, JobState
from drafting.jobs.queue import stale_after
from drafting.word.services import docx_inputs

#: The steps a job reports, in the user's language when shown.
PROGRESS_LABELS = {
    "queued": _l("Waiting for an export worker"),
    "building": _l("Building the document"),
    "rendering": _l("Laying out the pages"),
    "storing": _l("Storing the PDF"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}
#: What a job can make: "pdf" (drafting.export) or "docx" (drafting.word).
FORMATS = ("pdf", "docx")

#: Messages for failures that are ours rather than the exporter's.
ERROR_MESSAGES = {
    "stale": _l("The export worker stopped before finishing this export. Start the export again."),
    "internal": _l(
        "The export failed because of an error on the server. Start the export again; if it fails again, tell the secretariat."
    ),
    "missing": _l("The exported PDF is no longer stored. Start the export again."),
}


@dataclass(frozen=True)
class ExportRequest:
    """What asking for an export gave: the cached PDF's path, or a job to wait for."""

    job: ExportJobRecord | None = None
    cached_path: Path | None = None
    created: bool = False


def export_dir() -> Path:
    """Where the export cache and the jobs' results live (EXPORT_DIR)."""
    return Path(current_app.config["EXPORT_DIR"])


def job_inputs(document: StandardDocument, revision: Revision, format: str = "pdf") -> ExportInputs:
    """What an export job of ``format`` makes its file from: the document's export
    inputs (``documents.services.export_inputs``, the one definition), the .docx's
    with its own options (``word.services.docx_inputs``)."""
    if format == "docx":
        return docx_inputs(document, revision)
    return export_inputs(document, revision)


def cache_key_for(document: StandardDocument, revision: Revision, format: str = "pdf") -> str:
    """The export cache's key for this revision with the document's current metadata."""
    return job_inputs(document, revision, format).cache_key()


def relative_result_path(key: str, format: str = "pdf") -> str:
    """The cache file of ``key`` relative to export_dir (what a job record stores)."""
    return ExportCache(".", suffix=f".{format}").path(key).as_posix().removeprefix("./")


def cached_pdf_path(key: str, format: str = "pdf") -> Path | None:
    """The cached export for ``key`` if it is stored, else None."""
    path = export_dir() / relative_result_path(key, format)
    return path if path.is_file() else None


def request_export(
    document: StandardDocument, revision: Revision, *, actor: User, format: str = "pdf"
) -> ExportRequest:
    """The PDF of ``revision`` from the cache, else a queued job (an active one for the same input is reused).

    The job is handed to the queue only after the request's transaction has
    committed, so a worker never looks for a row that is not there yet.
    """
    key = cache_key_for(document, revision, format)
    path = cached_pdf_path(key, format)
    if path is not None:
        return ExportRequest(cached_path=path)
    existing = db.session.scalars(
        select(ExportJobRecord)
        .where(
            ExportJobRecord.document_id == document.id,
            ExportJobRecord.revision_id == revision.id,
            ExportJobRecord.cache_key == key,
            ExportJobRecord.format == format,
            ExportJobRecord.state.in_(ACTIVE_STATES),
        )
        .order_by(ExportJobRecord.id.desc())
    ).first()
    if existing is not None and not expire_if_stale(existing):
        if existing.speculative:
            take_over(existing, actor)
        return ExportRequest(job=existing)
    drop_stale_speculation(document, keep_key=key)
    job = ExportJobRecord(
        document_id=document.id,
        revision_id=revision.id,
        requested_by_id=getattr(actor, "id", None),  # None: an anonymous reader
        state=JobState.QUEUED,
        progress=0,
        progress_label="queued",
        cache_key=key,
        format=format,
    )
    db.session.add(job)
    db.session.flush()
    record(actor, "document.export_requested", document, job_id=job.id, revision_id=revision.id)

    job_id = job.id
    transaction.after_commit(lambda: queue.enqueue_export(job_id))
    return ExportRequest(job=job, created=True)


def take_over(job: ExportJobRecord, actor: User) -> None:
    """A user asked for what speculative ``job`` makes (drafting.jobs.speculation):
    it is theirs now, and if it has not started it also goes on the user's queue
    (the first delivery to arrive does it; the other finds it no longer queued)."""
    job.speculative = False
    job.requested_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        actor, "document.export_requested", job.document, job_id=job.id, revision_id=job.revision_id
    )
    if job.state == JobState.QUEUED:
        job_id = job.id
        transaction.after_commit(lambda: queue.enqueue_export(job_id))


def drop_stale_speculation(document: StandardDocument, keep_key: str | None = None) -> int:
    """Delete the document's queued speculative jobs for anything but ``keep_key``
    (a newer revision, changed metadata); return how many. A running one finishes."""
    query = delete(ExportJobRecord).where(
        ExportJobRecord.document_id == document.id,
        ExportJobRecord.speculative.is_(True),
        ExportJobRecord.state == JobState.QUEUED,
    )
    if keep_key is not None:
        query = query.where(ExportJobRecord.cache_key != keep_key)
    dropped = db.session.execute(query.execution_options(synchronize_session=False)).rowcount
    if dropped:
        db.session.expire_all()
    return dropped or 0


def job_of(document: StandardDocument, job_id: int) -> ExportJobRecord | None:
    """Export job ``job_id`` if it belongs to the document (else None: ids are not confirmed)."""
    job = db.session.get(ExportJobRecord, job_id)
    return job if job is not None and job.document_id == document.id else None


def expire_if_stale(job: ExportJobRecord, now=None) -> bool:
    """Mark a job whose worker is gone as failed; True if it is (now) failed that way."""
    if job.state not in ACTIVE_STATES:
        return False
    since = job.started_at if job.state == JobState.RUNNING else job.created_at
    if (now or utcnow()) - since <= stale_after():
        return False
    fail(job, code="stale")
    return True


def result_file(job: ExportJobRecord) -> Path | None:
    """The file a finished job made, or None when not done or pruned from the cache since."""
    if job.state != JobState.DONE or not job.result_path:
        return None
    path = export_dir() / job.result_path
    return path if path.is_file() else None


# --- state changes, made by the worker (each followed by a commit there) ---

JOB_MOVES: dict[JobState, tuple[JobState, ...]] = {
    JobState.QUEUED: (JobState.RUNNING, JobState.FAILED),
    JobState.RUNNING: (JobState.DONE, JobState.FAILED),
    # A slow worker that does finish after a "stale" verdict has made a good file.
    JobState.FAILED: (JobState.DONE,),
    # The stored file went missing from the cache (pruned): asked for, it fails.
    JobState.DONE: (JobState.FAILED,),
}


def _refused(old: JobState, new: JobState) -> str:
    return _(
        "An export in state “%(old)s” cannot become “%(new)s”.",
        old=JOB_STATE_LABELS[old],
        new=JOB_STATE_LABELS[new],
    )


def _started(move: Move) -> None:
    move.obj.started_at = utcnow()
    set_progress(move.obj, 10, "building")


def _finished(move: Move) -> None:
    job, key = move.obj, move.extra["key"]
    job.cache_key = key
    job.result_path = relative_result_path(key, move.extra["fmt"])
    job.error_code = job.error = ""
    job.finished_at = utcnow()
    set_progress(job, 100, "done")


def _failed(move: Move) -> None:
    job, code, message = move.obj, move.extra["code"], move.extra.get("message", "")
    job.error_code = code[:40]
    job.error = message[:1000]
    job.finished_at = utcnow()
    job.progress_label = "failed"
    move.audit.update(job_id=job.id, code=code, message=message[:200])


def _audit_on_document(actor, action: str, job: ExportJobRecord, **details) -> None:
    """A failed export is audited on its document (the job rows are pruned)."""
    record(actor, action, object_type="standard_document", object_id=job.document_id, **details)


#: An export job: queued → running → done | failed. Only a failure is audited
#: (its request is audited when it is made; progress is not news).
JOB_STATES: StateMachine[JobState] = StateMachine(
    name="export_job",
    model=ExportJobRecord,
    states=JobState,
    moves=JOB_MOVES,
    refused=_refused,
    audit_action=lambda new: "document.export_failed" if new == JobState.FAILED else None,
    recorder=_audit_on_document,
    effects={
        JobState.RUNNING: [_started],
        JobState.DONE: [_finished],
        JobState.FAILED: [_failed],
    },
)


def start(job: ExportJobRecord) -> None:
    """The worker takes a queued job (under its row lock: a second delivery of the
    same job is refused with ``transition_not_allowed`` and does nothing)."""
    JOB_STATES.transition(job, JobState.RUNNING, actor=None)


def set_progress(job: ExportJobRecord, progress: int, label: str) -> None:
    """Record the job's progress (0–100) and step label."""
    job.progress = max(0, min(100, progress))
    job.progress_label = label
    db.session.flush()


def finish(job: ExportJobRecord, key: str) -> None:
    """Done, with the PDF stored in the export cache under ``key``.

    This also wins over an earlier "stale" verdict: a slow worker that does
    finish after all has made a good PDF.
    """
    fmt = job.format or "pdf"  # read before the changes: a load would flush a half-done row
    JOB_STATES.transition(job, JobState.DONE, actor=None, key=key, fmt=fmt)


def fail(job: ExportJobRecord, *, code: str, message: str = "") -> None:
    """Mark the job failed with an error code (and the exporter's message); audited.
    A job that has failed already keeps its first verdict."""
    lock_row(job)
    if job.state == JobState.FAILED:
        return
    JOB_STATES.transition(job, JobState.FAILED, actor=None, lock=False, code=code, message=message)


# --- for display ------------------------------------------------------------


def progress_text(job: ExportJobRecord) -> str:
    """The job's step in the user's language."""
    return str(PROGRESS_LABELS.get(job.progress_label, job.progress_label))


def error_text(job: ExportJobRecord) -> str:
    """Why the job failed, in the user's language."""
    if job.error_code in ERROR_MESSAGES:
        return str(ERROR_MESSAGES[job.error_code])
    return job.error
