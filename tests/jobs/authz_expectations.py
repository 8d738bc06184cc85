"""Expected outcomes of the export-job routes for each role.

As for the documents: a working draft of a group none of the matrix's users
belong to. Its PDF and .docx are already in the export cache, so the
secretariat's export requests answer at once; a finished job with a stored
PDF stands ready for the status and download routes.
"""

from pathlib import Path

from flask import current_app

from drafting.jobs import services
from drafting.jobs.models import ExportJobRecord, JobState
from tests.documents.factories import make_world


def build_context(db) -> dict:
    w = make_world()
    document, revision = w.document, w.document.head_revision
    key = services.cache_key_for(document, revision)
    path = Path(current_app.config["EXPORT_DIR"]) / services.relative_result_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n% a stand-in for the matrix\n%%EOF\n")
    docx_key = services.cache_key_for(document, revision, "docx")
    docx = Path(current_app.config["EXPORT_DIR"]) / services.relative_result_path(docx_key, "docx")
    docx.parent.mkdir(parents=True, exist_ok=True)
    docx.write_bytes(b"PK\x03\x04 a stand-in for the matrix")
    job = ExportJobRecord(
        document_id=document.id,
        revision_id=revision.id,
        requested_by_id=w.secretariat.id,
        state=JobState.DONE,
        progress=100,
        progress_label="done",
        cache_key=key,
        result_path=services.relative_result_path(key),
    )
    db.session.add(job)
    db.session.flush()
    return {"job_doc": document, "export_job": job}


def _d(suffix=""):
    return lambda c: f"/documents/{c.job_doc.id}/exports{suffix.format(job=c.export_job.id)}"


def _a(suffix=""):
    return lambda c: f"/api/v1/documents/{c.job_doc.id}/exports{suffix.format(job=c.export_job.id)}"


GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_GROUP_ONLY = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}

EXPECTATIONS = {
    "jobs.create_export": {"url": _d(), "method": "POST", **GROUP_ONLY},
    "jobs.export_status": {"url": _d("/{job}"), **GROUP_ONLY},
    "jobs.export_status_json": {"url": _d("/{job}.json"), **GROUP_ONLY},
    "jobs.export_download": {"url": _d("/{job}/download"), **GROUP_ONLY},
    "api.export_job_create": {"url": _a(), "method": "POST", **API_GROUP_ONLY},
    "api.export_job_get": {"url": _a("/{job}"), **API_GROUP_ONLY},
    "api.export_job_download": {"url": _a("/{job}/download"), **API_GROUP_ONLY},
    # Reading the PDF goes through the job and its cache (here: cached).
    "jobs.export_pdf": {"url": lambda c: f"/documents/{c.job_doc.id}/export.pdf", **GROUP_ONLY},
    "api.export_pdf_get": {
        "url": lambda c: f"/api/v1/documents/{c.job_doc.id}/export.pdf",
        **API_GROUP_ONLY,
    },
    # And the .docx, for the document's editors and the secretariat (here: cached).
    "jobs.export_docx": {"url": lambda c: f"/documents/{c.job_doc.id}/export.docx", **GROUP_ONLY},
    "api.docx_export": {
        "url": lambda c: f"/api/v1/documents/{c.job_doc.id}/export.docx",
        **API_GROUP_ONLY,
    },
}
