"""Export jobs through the web pages and the API, on the in-request ("eager") backend.

The test database is one rolled-back transaction that another thread cannot
see, so here the job runs right after the request commits; the thread and
RQ backends run in test_thread_backend.py and tests/production/test_export_jobs.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from drafting.core.timeutil import utcnow
from drafting.documents.states import DocumentStage
from drafting.export import ExportError
from drafting.jobs import queue, services, tasks
from drafting.jobs.models import ExportJobRecord, JobState
from drafting.jobs.tasks import run_export_job
from tests.documents.factories import make_document


def _jobs(db, doc) -> list[ExportJobRecord]:
    return list(
        db.session.scalars(
            select(ExportJobRecord)
            .where(ExportJobRecord.document_id == doc.id)
            .order_by(ExportJobRecord.id)
        )
    )


def _start(client, doc):
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 303, r.status_code
    match = re.fullmatch(rf".*/documents/{doc.id}/exports/(\d+)", r.headers["Location"])
    assert match, r.headers["Location"]
    return int(match.group(1))


def test_export_runs_as_a_job_then_comes_from_the_cache(
    client, login_as, world, doc, db, pdf_title
):
    login_as(world.participant)
    page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert f'action="/documents/{doc.id}/exports"' in page and "Export PDF" in page

    job_id = _start(client, doc)
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert (
        status["state"] == "done"
        and status["progress"] == 100
        and status["progress_label"] == "Ready"
    )
    assert status["download_url"] == f"/documents/{doc.id}/exports/{job_id}/download"

    html = client.get(f"/documents/{doc.id}/exports/{job_id}").get_data(as_text=True)
    assert "Download the PDF" in html and 'http-equiv="refresh"' not in html
    assert "jobs.js" in html and "<script>" not in html

    r = client.get(status["download_url"])
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        f"filename*=UTF-8''{quote(doc.number.replace('/', '-'))}%20{quote(doc.title_zh)}"
        in disposition
    )
    assert doc.title_zh in pdf_title(r.data)

    job = db.session.get(ExportJobRecord, job_id)
    assert job.requested_by_id == world.participant.id and job.started_at and job.finished_at
    assert job.result_path == f"{job.cache_key[:2]}/{job.cache_key}.pdf"

    # The same revision again: the PDF at once, no second job.
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert len(_jobs(db, doc)) == 1
    # The synchronous route serves the same cached PDF.
    assert client.get(f"/documents/{doc.id}/export.pdf").data == r.data


def test_a_failed_export_says_why_and_can_be_retried(client, login_as, world, doc, db, monkeypatch):
    def too_slow(*args, **kwargs):
        raise ExportError(
            "导出超时 / The export took longer than 0.01 s; split very large tables.",
            code="timeout",
        )

    monkeypatch.setattr(tasks, "render_pdf", too_slow)
    login_as(world.main_editor)
    job_id = _start(client, doc)
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "failed" and status["download_url"] is None
    assert "took longer than 0.01 s" in status["error"]
    html = client.get(f"/documents/{doc.id}/exports/{job_id}").get_data(as_text=True)
    assert "took longer than 0.01 s" in html and "Export again" in html
    # The download of a failed job leads back to its page.
    r = client.get(f"/documents/{doc.id}/exports/{job_id}/download")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/exports/{job_id}")

    monkeypatch.undo()
    retry = _start(client, doc)
    assert retry != job_id
    assert client.get(f"/documents/{doc.id}/exports/{retry}.json").get_json()["state"] == "done"


def test_an_unexpected_error_fails_the_job_with_a_message(
    client, login_as, world, doc, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "render_pdf", boom)
    login_as(world.main_editor)
    job_id = _start(client, doc)
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "failed"
    assert status["error"].startswith("The export failed because of an error on the server.")


def test_a_job_whose_worker_died_is_shown_failed_and_is_redone(
    client, login_as, world, doc, db, app, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(queue, "enqueue_export", enqueued.append)
    login_as(world.main_editor)
    job_id = _start(client, doc)
    assert enqueued == [job_id]
    # A second request while it waits: the same job, not another one.
    assert _start(client, doc) == job_id
    html = client.get(f"/documents/{doc.id}/exports/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and "Waiting for an export worker" in html

    job = db.session.get(ExportJobRecord, job_id)
    job.state, job.started_at, job.progress, job.progress_label = (
        JobState.RUNNING,
        utcnow(),
        30,
        "rendering",
    )
    db.session.commit()
    assert client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()["state"] == "running"

    job.started_at = utcnow() - services.stale_after() - timedelta(seconds=1)
    db.session.commit()
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "failed"
    assert (
        status["error"]
        == "The export worker stopped before finishing this export. Start the export again."
    )
    db.session.expire_all()
    assert db.session.get(ExportJobRecord, job_id).state == JobState.FAILED

    again = _start(client, doc)
    assert again != job_id and enqueued == [job_id, again]


def test_the_worker_leaves_a_job_given_up_on_alone(app, db, world, doc):
    job = ExportJobRecord(
        document_id=doc.id,
        revision_id=doc.head_revision_id,
        state=JobState.FAILED,
        error_code="stale",
        progress_label="failed",
    )
    db.session.add(job)
    db.session.commit()
    assert run_export_job(job.id, app) == "failed"
    assert run_export_job(10**9, app) == "missing"


def test_a_pruned_pdf_is_reported_and_can_be_exported_again(client, login_as, world, doc, db, app):
    login_as(world.main_editor)
    job_id = _start(client, doc)
    job = db.session.get(ExportJobRecord, job_id)
    (Path(app.config["EXPORT_DIR"]) / job.result_path).unlink()
    r = client.get(f"/documents/{doc.id}/exports/{job_id}/download")
    assert r.status_code == 302
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "failed" and "no longer stored" in status["error"]


# --- who may ------------------------------------------------------------------

ROLES = ["anonymous", "outsider", "reviewer", "participant", "main_editor", "secretariat"]
ALLOWED = {"participant", "main_editor", "secretariat"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_export_watch_and_download(role, client, login_as, world, doc, db, app):
    other = make_document(world.group, world.secretariat)
    jobs = {}
    for d in (doc, other):
        job = ExportJobRecord(
            document_id=d.id,
            revision_id=d.head_revision_id,
            state=JobState.DONE,
            progress=100,
            progress_label="done",
            cache_key="ab" + "0" * 62,
            result_path=services.relative_result_path("ab" + "0" * 62),
        )
        db.session.add(job)
        db.session.flush()
        jobs[d.id] = job.id

    path = Path(app.config["EXPORT_DIR"]) / services.relative_result_path("ab" + "0" * 62)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 stand-in")
    db.session.commit()
    if role != "anonymous":
        login_as(getattr(world, role))
    job_id = jobs[doc.id]
    urls = {
        "status": f"/documents/{doc.id}/exports/{job_id}",
        "json": f"/documents/{doc.id}/exports/{job_id}.json",
        "download": f"/documents/{doc.id}/exports/{job_id}/download",
        "api_status": f"/api/v1/documents/{doc.id}/exports/{job_id}",
        "api_download": f"/api/v1/documents/{doc.id}/exports/{job_id}/download",
    }
    for name, url in urls.items():
        r = client.get(url)
        if role in ALLOWED:
            assert r.status_code == 200, (name, r.status_code)
        elif role == "anonymous":
            assert (
                (r.status_code == 401)
                if name.startswith("api")
                else ("/login" in r.headers.get("Location", ""))
            ), name
        else:  # a document they may not see answers as a missing one
            assert r.status_code == 404, (name, r.status_code)

    count = db.session.scalar(
        select(func.count(ExportJobRecord.id)).where(ExportJobRecord.document_id == doc.id)
    )
    r = client.post(f"/documents/{doc.id}/exports")
    after = db.session.scalar(
        select(func.count(ExportJobRecord.id)).where(ExportJobRecord.document_id == doc.id)
    )
    if role in ALLOWED:
        assert r.status_code == 303 and after == count + 1
    else:
        assert after == count
        assert r.status_code == 404 if role != "anonymous" else "/login" in r.headers["Location"]

    # Another document's job under this document's address: not found.
    if role in ALLOWED:
        assert client.get(f"/documents/{doc.id}/exports/{jobs[other.id]}").status_code == 404
        assert (
            client.get(f"/documents/{doc.id}/exports/{jobs[other.id]}/download").status_code == 404
        )
        assert client.get(f"/api/v1/documents/{doc.id}/exports/{jobs[other.id]}").status_code == 404
        assert client.get(f"/documents/{doc.id}/exports/999999.json").status_code == 404


# --- the API ------------------------------------------------------------------


def test_api_export_job(client, login_as, world, doc, db, pdf_title, monkeypatch):
    held = []
    monkeypatch.setattr(queue, "enqueue_export", held.append)
    login_as(world.participant)
    r = client.post(f"/api/v1/documents/{doc.id}/exports")
    assert r.status_code == 202
    job = r.get_json()
    assert job["state"] == "queued" and job["progress"] == 0
    assert r.headers["Location"].endswith(f"/api/v1/documents/{doc.id}/exports/{job['id']}")
    r = client.get(f"/api/v1/documents/{doc.id}/exports/{job['id']}/download")
    assert r.status_code == 409 and r.get_json()["error"] == "not_ready"

    run_export_job(held[0], client.application)
    job = client.get(f"/api/v1/documents/{doc.id}/exports/{job['id']}").get_json()
    assert job["state"] == "done"
    assert job["download_url"] == f"/api/v1/documents/{doc.id}/exports/{job['id']}/download"
    r = client.get(job["download_url"])
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and doc.title_zh in pdf_title(r.data)

    r = client.post(f"/api/v1/documents/{doc.id}/exports?revision={doc.head_revision_id}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["cached"] is True and body["revision_id"] == doc.head_revision_id
    assert client.get(body["download_url"]).data.startswith(b"%PDF")
    assert client.post(f"/api/v1/documents/{doc.id}/exports?revision=999999").status_code == 404


def test_openapi_lists_the_export_job_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/documents/{document_id}/exports"]
    assert "get" in paths["/api/v1/documents/{document_id}/exports/{job_id}"]
    download = paths["/api/v1/documents/{document_id}/exports/{job_id}/download"]["get"]
    assert set(download["responses"]["200"]["content"]) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }  # a job makes either
    for name in ("export.pdf", "export.docx"):
        get = paths[f"/api/v1/documents/{{document_id}}/{name}"]["get"]
        assert "Location" in get["responses"]["202"]["headers"], name
        assert {"200", "202", "404", "422"} <= set(get["responses"]), name


# --- reading the PDF (GET export.pdf) goes through the job and its cache ------


def test_reading_the_pdf_starts_the_job_then_serves_the_cached_file(
    client, login_as, world, doc, db, pdf_title
):
    login_as(world.participant)
    r = client.get(f"/documents/{doc.id}/export.pdf")
    # A miss: the job's progress page, as the export button gives.
    assert r.status_code == 303
    match = re.fullmatch(rf".*/documents/{doc.id}/exports/(\d+)", r.headers["Location"])
    assert match, r.headers["Location"]
    [job] = _jobs(db, doc)
    assert job.id == int(match.group(1)) and job.state == JobState.DONE
    assert job.requested_by_id == world.participant.id and job.revision_id == doc.head_revision_id
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Download the PDF" in html

    # A hit: the same PDF at once, to read in the browser; no second job.
    r = client.get(f"/documents/{doc.id}/export.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert r.headers["Content-Disposition"].startswith("inline;")
    assert doc.title_zh in pdf_title(r.data)
    assert len(_jobs(db, doc)) == 1
    assert client.get(f"/documents/{doc.id}/exports/{job.id}/download").data == r.data
    # Another revision is another job; an unknown one is a 404.
    assert client.get(f"/documents/{doc.id}/export.pdf?revision=999999").status_code == 404


def test_reading_the_pdf_in_the_api_answers_202_with_the_job_then_the_pdf(
    client, login_as, world, doc, db, pdf_title
):
    login_as(world.participant)
    url = f"/api/v1/documents/{doc.id}/export.pdf?revision={doc.head_revision_id}"
    r = client.get(url)
    assert r.status_code == 202, r.get_data(as_text=True)
    [job] = _jobs(db, doc)
    assert r.headers["Location"].endswith(f"/api/v1/documents/{doc.id}/exports/{job.id}")
    body = r.get_json()
    assert body["id"] == job.id and body["revision_id"] == doc.head_revision_id
    status = client.get(r.headers["Location"]).get_json()
    assert status["state"] == "done"
    assert status["download_url"] == f"/api/v1/documents/{doc.id}/exports/{job.id}/download"

    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert doc.title_zh in pdf_title(r.data)
    assert client.get(status["download_url"]).data == r.data
    assert len(_jobs(db, doc)) == 1
    # Not a revision of this document: 404, as before.
    assert client.get(f"/api/v1/documents/{doc.id}/export.pdf?revision=999999").status_code == 404


def test_an_anonymous_reader_of_a_published_standard_gets_its_pdf(client, world, doc, db):
    doc.stage = DocumentStage.PUBLISHED
    db.session.flush()
    r = client.get(f"/documents/{doc.id}/export.pdf")
    assert r.status_code == 303
    [job] = _jobs(db, doc)
    assert job.requested_by_id is None and job.state == JobState.DONE
    r = client.get(f"/documents/{doc.id}/export.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
