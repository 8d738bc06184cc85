"""A Word export as a background job, like the PDF: queued, done, downloaded, then from the cache."""

from __future__ import annotations

import io
import re

from docx import Document

from drafting.core.transaction import _writing_request

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_docx_export_job_then_cache(client, login_as, world, doc):
    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/exports", data={"format": "docx"})
    assert r.status_code == 303
    job_id = int(
        re.fullmatch(rf".*/documents/{doc.id}/exports/(\d+)", r.headers["Location"]).group(1)
    )
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "done" and status["format"] == "docx"
    page = client.get(f"/documents/{doc.id}/exports/{job_id}").get_data(as_text=True)
    assert "Download the Word document" in page and "format=docx" in page
    r = client.get(status["download_url"])
    assert r.status_code == 200 and r.mimetype == DOCX
    assert doc.number in [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    # now cached: the same request answers with the file at once, here and in the API
    again = client.post(f"/documents/{doc.id}/exports", data={"format": "docx"})
    assert again.status_code == 200 and again.data == r.data
    api = client.post(f"/api/v1/documents/{doc.id}/exports?format=docx")
    assert api.status_code == 200 and api.get_json()["download_url"].endswith(
        f"/api/v1/documents/{doc.id}/export.docx?revision={doc.head_revision.id}"
    )
    assert (
        client.get(f"/documents/{doc.id}/export.docx").data == r.data
    )  # one cache for both routes


def test_docx_jobs_are_for_editors_and_formats_are_checked(client, login_as, world, doc):
    login_as(world.participant)  # may read, and export the PDF, but not edit
    assert client.post(f"/documents/{doc.id}/exports", data={"format": "docx"}).status_code == 403
    assert client.post(f"/api/v1/documents/{doc.id}/exports?format=docx").status_code == 403
    assert client.post(f"/documents/{doc.id}/exports", data={"format": "exe"}).status_code == 400
    assert client.post(f"/api/v1/documents/{doc.id}/exports?format=exe").status_code == 400


def test_the_docx_gets_take_the_write_lock_like_a_post(app):
    """They may start an export job, as GET export.pdf may (core.transaction's ``@writes``)."""
    with app.test_request_context("/documents/1/export.docx"):
        assert _writing_request()
    with app.test_request_context("/api/v1/documents/1/export.docx"):
        assert _writing_request()
