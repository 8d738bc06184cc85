"""Word on the web and in the API: the .docx through the export job, who may export and
import, the preview, the confirmed save."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

from docx import Document
from flask import current_app
from sqlalchemy import select

from drafting.documents import services as documents
from drafting.documents.models import DocumentAttachment, Revision
from drafting.export import DocumentMeta
from drafting.jobs.models import ExportJobRecord, JobState
from drafting.word import export_docx
from tests.word.conftest import EVERY_CONSTRUCT
from tests.word.test_import import word_template_draft

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _post_file(client, url: str, data: bytes, filename: str = "draft.docx"):
    return client.post(
        url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def _docx_jobs(db, doc) -> list[ExportJobRecord]:
    return list(
        db.session.scalars(
            select(ExportJobRecord)
            .where(ExportJobRecord.document_id == doc.id, ExportJobRecord.format == "docx")
            .order_by(ExportJobRecord.id)
        )
    )


def test_the_docx_link_starts_the_export_job_then_serves_the_cached_file(
    client, login_as, world, doc, db
):
    """GET export.docx is the export job's, as GET export.pdf is: a miss answers with the
    job's progress page; once the job has run, the same GET is the .docx from the cache."""
    login_as(world.main_editor)
    r = client.get(f"/documents/{doc.id}/export.docx")
    assert r.status_code == 303
    match = re.fullmatch(rf".*/documents/{doc.id}/exports/(\d+)", r.headers["Location"])
    assert match, r.headers["Location"]
    [job] = _docx_jobs(db, doc)
    assert job.id == int(match.group(1)) and job.state == JobState.DONE  # the eager backend ran it
    assert job.requested_by_id == world.main_editor.id and job.revision_id == doc.head_revision_id
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Download the Word document" in page
    download = client.get(f"/documents/{doc.id}/exports/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == DOCX

    r = client.get(f"/documents/{doc.id}/export.docx")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == DOCX
    assert r.data == download.data  # the job's file, from the cache
    name = quote(f"{doc.number} {doc.title_zh} r1.docx".replace("/", "-"))
    assert r.headers["Content-Disposition"] == (
        f"attachment; filename=\"document-{doc.id}-r1.docx\"; filename*=UTF-8''{name}"
    )
    document = Document(io.BytesIO(r.data))
    texts = [p.text for p in document.paragraphs]
    assert doc.number in texts and doc.title_zh in texts
    assert document.sections[-1].header.paragraphs[0].text == doc.number
    cached = list(Path(current_app.config["EXPORT_DIR"]).glob("*/*.docx"))
    assert [path.read_bytes() for path in cached if path.name == f"{job.cache_key}.docx"] == [
        r.data
    ]
    assert len(_docx_jobs(db, doc)) == 1  # no second job
    # The API serves the same cached file.
    again = client.get(f"/api/v1/documents/{doc.id}/export.docx")
    assert again.status_code == 200 and again.data == r.data
    assert len(_docx_jobs(db, doc)) == 1


def test_the_docx_link_keeps_the_revision_and_refuses_an_unknown_one(
    client, login_as, world, doc, db
):
    first = doc.head_revision
    documents.save_revision(
        doc, first.text + "\n新增的一段。\n", first.id, "第二版", actor=world.main_editor
    )
    db.session.commit()
    login_as(world.main_editor)
    r = client.get(f"/documents/{doc.id}/export.docx?revision={first.id}")
    assert r.status_code == 303
    [job] = _docx_jobs(db, doc)
    assert job.revision_id == first.id and job.state == JobState.DONE
    r = client.get(f"/documents/{doc.id}/export.docx?revision={first.id}")
    assert r.status_code == 200
    assert f'filename="document-{doc.id}-r1.docx"' in r.headers["Content-Disposition"]
    assert "新增的一段。" not in [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    # The head (revision 2) is another input: another job.
    assert client.get(f"/documents/{doc.id}/export.docx").status_code == 303
    assert [j.revision_id for j in _docx_jobs(db, doc)] == [first.id, doc.head_revision_id]
    head = client.get(f"/documents/{doc.id}/export.docx")
    assert f'filename="document-{doc.id}-r2.docx"' in head.headers["Content-Disposition"]
    assert "新增的一段。" in [p.text for p in Document(io.BytesIO(head.data)).paragraphs]
    # Not a revision of this document: 404, here and in the API; nothing started.
    assert client.get(f"/documents/{doc.id}/export.docx?revision=999999").status_code == 404
    r = client.get(f"/api/v1/documents/{doc.id}/export.docx?revision=999999")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    assert len(_docx_jobs(db, doc)) == 2


def test_the_docx_in_the_api_answers_202_with_the_job_then_the_file(
    client, login_as, world, doc, db
):
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/export.docx?revision={doc.head_revision_id}"
    r = client.get(url)
    assert r.status_code == 202, r.get_data(as_text=True)
    [job] = _docx_jobs(db, doc)
    assert r.headers["Location"].endswith(f"/api/v1/documents/{doc.id}/exports/{job.id}")
    body = r.get_json()
    assert body["id"] == job.id and body["format"] == "docx"
    assert body["revision_id"] == doc.head_revision_id
    status = client.get(r.headers["Location"]).get_json()
    assert status["state"] == "done"
    assert status["download_url"] == f"/api/v1/documents/{doc.id}/exports/{job.id}/download"
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == DOCX

    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == DOCX
    assert r.data == download.data
    assert r.headers["Content-Disposition"].startswith(
        f'attachment; filename="document-{doc.id}-r1.docx"'
    )
    assert doc.number in [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    assert client.get(f"/documents/{doc.id}/export.docx").data == r.data  # one cache
    assert len(_docx_jobs(db, doc)) == 1


def test_only_editors_may_use_word(client, login_as, world, doc, db):
    assert client.get(f"/documents/{doc.id}/export.docx").status_code == 302  # to the login page
    assert client.get(f"/api/v1/documents/{doc.id}/export.docx").status_code == 401
    # the participant sees the draft but may not edit it: 403; the others may not
    # see it at all, so it answers as a missing document would: 404
    for user, status in ((world.outsider, 404), (world.participant, 403), (world.reviewer, 404)):
        login_as(user)
        assert client.get(f"/documents/{doc.id}/export.docx").status_code == status
        assert client.get(f"/api/v1/documents/{doc.id}/export.docx").status_code == status
        r = _post_file(client, f"/api/v1/documents/{doc.id}/import", word_template_draft())
        assert r.status_code == status
    assert doc.head_revision.number == 1
    assert _docx_jobs(db, doc) == []  # a refused request starts no export


def test_import_on_the_page_shows_the_diff_and_saves_only_on_confirmation(
    client, login_as, world, doc, db
):
    login_as(world.main_editor)
    form = client.get(f"/documents/{doc.id}/import")
    assert form.status_code == 200 and 'name="file"' in form.get_data(as_text=True)
    r = _post_file(client, f"/documents/{doc.id}/import", word_template_draft())
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'data-testid="import-preview"' in page
    assert "diff-side-by-side" in page and "运行维护" in page  # the diff against the head
    assert 'data-testid="import-findings"' in page and "第" in page
    assert "T/CESA 2001—2026" in page  # the cover fields found
    db.session.expire_all()
    assert doc.head_revision.number == 1  # nothing saved yet
    upload = page.split('name="upload" value="')[1].split('"')[0]
    base = doc.head_revision.id
    r = client.post(
        f"/documents/{doc.id}/import/confirm",
        data={"upload": upload, "base_revision_id": base, "message": "从Word导入"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    head = db.session.get(Revision, doc.head_revision_id)
    assert head.number == 2 and head.message == "从Word导入"
    assert "## 储能电站 | energy storage station" in head.text
    names = {a.name for a in db.session.query(DocumentAttachment).filter_by(document_id=doc.id)}
    assert "image1.png" in names


def test_api_import_then_confirm(client, login_as, world, doc, db):
    login_as(world.main_editor)
    data = export_docx(DocumentMeta("联盟", "T/CESA", doc.number, doc.title_zh), EVERY_CONSTRUCT)
    r = _post_file(client, f"/api/v1/documents/{doc.id}/import", data)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["markdown"].startswith("# 前言")
    assert body["base_revision_id"] == doc.head_revision.id
    assert body["diff"]["changed"] is True and body["diff"]["lines_added"] > 10
    assert body["meta"]["number"] == doc.number
    # a token is bound to its document and its uploader
    login_as(world.main_editor2)
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm",
        json={"upload": body["upload"], "base_revision_id": body["base_revision_id"]},
    )
    assert r.status_code == 422 and r.get_json()["error"] == "unknown_upload"
    login_as(world.main_editor)
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm",
        json={"upload": body["upload"], "base_revision_id": body["base_revision_id"]},
    )
    assert r.status_code == 201, r.get_json()
    db.session.expire_all()
    head = db.session.get(Revision, doc.head_revision_id)
    assert head.id == r.get_json()["revision_id"]
    assert "表：能效限值" in head.text


def test_api_import_refuses_bad_uploads(client, login_as, world, doc):
    login_as(world.main_editor)
    r = client.post(f"/api/v1/documents/{doc.id}/import")
    assert r.status_code == 422
    r = _post_file(client, f"/api/v1/documents/{doc.id}/import", b"%PDF-1.7\n%%EOF\n", "draft.docx")
    assert r.status_code == 422 and r.get_json()["error"] == "file_type"
    r = _post_file(client, f"/api/v1/documents/{doc.id}/import", b"")
    assert r.status_code == 422
    for payload in (
        {"upload": "forged", "base_revision_id": 1},
        {"upload": 3, "base_revision_id": "x"},
        [],
    ):
        r = client.post(f"/api/v1/documents/{doc.id}/import/confirm", json=payload)
        assert r.status_code in (400, 422), payload
    r = client.post(f"/documents/{doc.id}/import", data={}, content_type="multipart/form-data")
    assert r.status_code == 422
    # the request models of drafting/api/ (validation.py) check the body and the query
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm", json={"upload": 3, "base_revision_id": "x"}
    )
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"upload", "base_revision_id"}
    r = client.post(f"/api/v1/documents/{doc.id}/import/confirm", json={"upload": "t"})
    assert r.status_code == 422 and "base_revision_id" in r.get_json()["fields"]
    r = client.get(f"/api/v1/documents/{doc.id}/export.docx?revision=abc")
    assert r.status_code == 422 and "revision" in r.get_json()["fields"]
    assert doc.head_revision.number == 1
