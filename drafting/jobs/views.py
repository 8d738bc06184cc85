"""Export jobs on the web: start an export, watch its progress, download the PDF or .docx.

Every PDF and .docx goes through the job and its cache: the export buttons
(POST) and the links to the files (GET ``export.pdf``, ``export.docx``) all
answer with the cached file at once, or start a job (one per input) and show
its progress page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from drafting.core.requests import request_id
from drafting.core.transaction import writes
from drafting.documents import permissions, queries
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.views import document_or_404 as _document
from drafting.jobs import services
from drafting.jobs.models import ExportJobRecord, JobState
from drafting.word.views import can_use_word, docx_response

bp = Blueprint("jobs", __name__, url_prefix="/documents")

#: The permission of the export routes: whoever may read the document.
can_export = permissions.can_view_document
#: The progress page reloads itself this often (seconds) when scripts are off.
REFRESH_SECONDS = 3


def _revision_arg(document: StandardDocument) -> Revision:
    revision_id = request.values.get("revision", type=request_id)
    if not revision_id:
        return document.head_revision
    revision = queries.revision_of(document, revision_id)
    if revision is None:
        abort(404)
    return revision


def _job(document: StandardDocument, job_id: int) -> ExportJobRecord:
    job = services.job_of(document, job_id)
    if job is None:
        abort(404)
    services.expire_if_stale(job)
    return job


def pdf_filename(document: StandardDocument, revision: Revision) -> str:
    return f"{document.number} {document.title_zh} r{revision.number}.pdf".replace("/", "-")


def send_pdf(path: Path, document: StandardDocument, revision: Revision, *, inline: bool = False):
    """The PDF as a download (or, ``inline``, to read in the browser), named in
    ASCII and, per RFC 5987, in full."""
    response = send_file(path, mimetype="application/pdf", max_age=0)
    response.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; "
        f'filename="document-{document.id}-r{revision.number}.pdf"; '
        f"filename*=UTF-8''{quote(pdf_filename(document, revision))}"
    )
    return response


def export_format(document: StandardDocument) -> str:
    """``format`` of the request: "pdf" (whoever may read) or "docx" (the document's editors)."""
    fmt = request.values.get("format", "pdf")
    if fmt not in services.FORMATS:
        abort(400)
    if fmt == "docx" and not can_use_word(current_user, document):
        abort(403)
    return fmt


def send_result(path: Path, job_or_format, document: StandardDocument, revision: Revision):
    fmt = job_or_format if isinstance(job_or_format, str) else (job_or_format.format or "pdf")
    if fmt == "docx":
        return docx_response(path.read_bytes(), document, revision)
    return send_pdf(path, document, revision)


def job_json(job: ExportJobRecord) -> dict:
    document_id = job.document_id
    return {
        "id": job.id,
        "format": job.format or "pdf",
        "document_id": document_id,
        "revision_id": job.revision_id,
        "state": str(job.state),
        "progress": job.progress,
        "progress_label": services.progress_text(job),
        "error": services.error_text(job) if job.state == JobState.FAILED else None,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "status_url": url_for("jobs.export_status", document_id=document_id, job_id=job.id),
        "download_url": (
            url_for("jobs.export_download", document_id=document_id, job_id=job.id)
            if job.state == JobState.DONE
            else None
        ),
    }


@bp.route("/<int:document_id>/exports", methods=["POST"])
def create_export(document_id: int):
    """The PDF at once when it is cached, else a job and its progress page."""
    document = _document(document_id, can_export)
    revision = _revision_arg(document)
    fmt = export_format(document)
    result = services.request_export(document, revision, actor=current_user, format=fmt)
    if result.cached_path is not None:
        return send_result(result.cached_path, fmt, document, revision)
    return redirect(
        url_for("jobs.export_status", document_id=document.id, job_id=result.job.id), 303
    )


def _file_or_progress(document: StandardDocument, fmt: str, send):
    """A GET of the file (latest revision, or ?revision=): ``send`` of the cached
    file at once, else the export job's progress page (303), as the button does."""
    revision = _revision_arg(document)
    result = services.request_export(document, revision, actor=current_user, format=fmt)
    if result.cached_path is not None:
        return send(result.cached_path, document, revision)
    return redirect(
        url_for("jobs.export_status", document_id=document.id, job_id=result.job.id), 303
    )


@bp.route("/<int:document_id>/export.pdf")
@writes
def export_pdf(document_id: int):
    """The PDF to read in the browser, for whoever may read the document."""
    document = _document(document_id, can_export)
    return _file_or_progress(document, "pdf", lambda path, d, r: send_pdf(path, d, r, inline=True))


@bp.route("/<int:document_id>/export.docx")
@writes
def export_docx(document_id: int):
    """The .docx to download, for the document's editors (and the secretariat)."""
    document = _document(document_id, can_use_word)
    return _file_or_progress(
        document, "docx", lambda path, d, r: docx_response(path.read_bytes(), d, r)
    )


@bp.route("/<int:document_id>/exports/<int:job_id>")
def export_status(document_id: int, job_id: int):
    document = _document(document_id, can_export)
    job = _job(document, job_id)
    return render_template(
        "jobs/export.html",
        document=document,
        job=job,
        info=job_json(job),
        refresh=REFRESH_SECONDS if job.is_active else None,
        progress_text=services.progress_text(job),
        error_text=services.error_text(job),
    )


@bp.route("/<int:document_id>/exports/<int:job_id>.json")
def export_status_json(document_id: int, job_id: int):
    document = _document(document_id, can_export)
    return job_json(_job(document, job_id))


@bp.route("/<int:document_id>/exports/<int:job_id>/download")
def export_download(document_id: int, job_id: int):
    document = _document(document_id, can_export)
    job = _job(document, job_id)
    if job.state != JobState.DONE:
        return redirect(url_for("jobs.export_status", document_id=document.id, job_id=job.id))
    path = services.result_file(job)
    if path is None:
        # Pruned from the cache since: say so on the progress page, offer a new export.
        services.fail(job, code="missing")
        return redirect(url_for("jobs.export_status", document_id=document.id, job_id=job.id))
    return send_result(path, job, document, job.revision)
