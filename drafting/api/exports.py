"""Export jobs in the JSON API: start an export, poll it, download the PDF or .docx.

`GET …/export.pdf`, `GET …/export.docx` and `POST …/exports` all go through
the job and its cache: the file when it is cached, else 202 with the job to
poll (`Location`).
"""

from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from drafting.api.core import api_error, api_route
from drafting.api.documents import RevisionQuery
from drafting.api.documents import document_or_404 as _document
from drafting.api.documents import revision_or_404 as _revision
from drafting.api.validation import api_query
from drafting.core.requests import request_id
from drafting.core.transaction import keep_on_error, writes
from drafting.jobs import services
from drafting.jobs.models import JobState
from drafting.jobs.views import can_export, job_json, send_pdf, send_result
from drafting.word.services import DOCX_TYPE
from drafting.word.views import can_use_word, docx_response

TAGS = ("exports",)

JOB_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "document_id": {"type": "integer"},
        "revision_id": {"type": "integer"},
        "format": {"type": "string", "enum": list(services.FORMATS)},
        "state": {"type": "string", "enum": [s.value for s in JobState]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "progress_label": {"type": "string"},
        "error": {"type": ["string", "null"]},
        "created_at": {"type": ["string", "null"], "format": "date-time"},
        "started_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "status_url": {"type": "string"},
        "download_url": {"type": ["string", "null"]},
    },
}
CREATED_SCHEMA = {
    "description": "202 with the job, or 200 with `cached: true` and `download_url` when the PDF exists already",
    "anyOf": [
        JOB_SCHEMA,
        {
            "type": "object",
            "properties": {
                "cached": {"type": "boolean"},
                "revision_id": {"type": "integer"},
                "download_url": {"type": "string"},
            },
        },
    ],
}


def api_job_json(job) -> dict:
    data = job_json(job)
    data["status_url"] = url_for("api.export_job_get", document_id=job.document_id, job_id=job.id)
    if data["download_url"]:
        data["download_url"] = url_for(
            "api.export_job_download", document_id=job.document_id, job_id=job.id
        )
    return data


def _job(document, job_id: int):
    job = services.job_of(document, job_id)
    if job is None:
        abort(
            api_error(
                404, "not_found", _("There is no export job %(id)d for this document.", id=job_id)
            )
        )
    services.expire_if_stale(job)
    return job


@api_route(
    "/documents/<int:document_id>/exports",
    methods=("POST",),
    summary="Export the latest revision (or ?revision=<id>) to PDF (or ?format=docx: Word, for editors) in the background",
    tags=TAGS,
    response_schema=CREATED_SCHEMA,
    success_status=202,
    extra_success=(200,),
    errors=(400, 401, 403, 404),
)
def export_job_create(document_id: int):
    document = _document(document_id, can_export)
    revision_id = request.args.get("revision", type=request_id)
    revision = _revision(document, revision_id) if revision_id else document.head_revision
    fmt = request.args.get("format", "pdf")
    if fmt not in services.FORMATS:
        return api_error(400, "invalid", _("The format must be pdf or docx."))
    if fmt == "docx" and not can_use_word(current_user, document):
        return api_error(403, "forbidden", _("You may not do this with this document."))
    result = services.request_export(document, revision, actor=current_user, format=fmt)
    if result.cached_path is not None:
        endpoint = "api.docx_export" if fmt == "docx" else "api.export_pdf_get"
        return {
            "cached": True,
            "revision_id": revision.id,
            "download_url": url_for(endpoint, document_id=document.id, revision=revision.id),
        }, 200
    return _accepted(result.job)


#: What a file GET answers while the file is not cached yet (OpenAPI).
NOT_CACHED_YET = {
    202: {
        "description": "Not cached yet: the export job that makes it (Location: the job)",
        "schema": JOB_SCHEMA,
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
}


def _accepted(job):
    """202 with the job to poll, and where to poll it."""
    location = url_for("api.export_job_get", document_id=job.document_id, job_id=job.id)
    return api_job_json(job), 202, {"Location": location}


@api_route(
    "/documents/<int:document_id>/export.pdf",
    summary="The PDF of the latest revision (or ?revision=<id>): at once when it is cached, "
    "else 202 with the export job it starts (poll `Location`, then download)",
    tags=TAGS,
    response_content_type="application/pdf",
    query=RevisionQuery,
    response_schema={"type": "string", "format": "binary"},
    responses=NOT_CACHED_YET,
    errors=(401, 403, 404, 422),
)
@writes
def export_pdf_get(document_id: int):
    document = _document(document_id, can_export)
    return _file_or_accepted(document, "pdf", lambda path, d, r: send_pdf(path, d, r, inline=True))


@api_route(
    "/documents/<int:document_id>/export.docx",
    summary="The latest revision (or ?revision=<id>) as a Word document laid out per "
    "GB/T 1.1-2020, for the document's editors: at once when it is cached, else 202 with "
    "the export job it starts (poll `Location`, then download)",
    tags=TAGS,
    response_content_type=DOCX_TYPE,
    query=RevisionQuery,
    response_schema={"type": "string", "format": "binary"},
    responses=NOT_CACHED_YET,
    errors=(401, 403, 404, 422),
)
@writes
def docx_export(document_id: int):
    document = _document(document_id, can_use_word)
    return _file_or_accepted(
        document, "docx", lambda path, d, r: docx_response(path.read_bytes(), d, r)
    )


def _file_or_accepted(document, fmt: str, send):
    """A GET of the file (latest revision, or ?revision=): ``send`` of the cached file
    at once, else 202 with the export job it starts."""
    args: RevisionQuery = api_query()
    revision = _revision(document, args.revision) if args.revision else document.head_revision
    result = services.request_export(document, revision, actor=current_user, format=fmt)
    if result.cached_path is not None:
        return send(result.cached_path, document, revision)
    return _accepted(result.job)


@api_route(
    "/documents/<int:document_id>/exports/<int:job_id>",
    summary="The state and progress of an export job",
    tags=TAGS,
    response_schema=JOB_SCHEMA,
    errors=(401, 403, 404),
)
def export_job_get(document_id: int, job_id: int):
    document = _document(document_id, can_export)
    return api_job_json(_job(document, job_id))


@api_route(
    "/documents/<int:document_id>/exports/<int:job_id>/download",
    summary="The file an export job made: the PDF, or the .docx of a `format=docx` job",
    tags=TAGS,
    response_content_type=("application/pdf", DOCX_TYPE),
    response_schema={"type": "string", "format": "binary"},
    errors=(401, 403, 404, 409),
)
def export_job_download(document_id: int, job_id: int):
    document = _document(document_id, can_export)
    job = _job(document, job_id)
    if job.state != JobState.DONE:
        return api_error(
            409,
            "not_ready",
            _("The export is not finished (state: %(state)s).", state=str(job.state)),
            job=api_job_json(job),
        )
    path = services.result_file(job)
    if path is None:
        services.fail(job, code="missing")

        keep_on_error()
        return api_error(409, "missing", services.error_text(job), job=api_job_json(job))
    return send_result(path, job, document, job.revision)
