"""Images of a document: upload, the editor's preview, serving, the PDF (direct and as a job), refusals."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.core.errors import Refused
from drafting.documents import services
from drafting.documents.models import DocumentAttachment
from drafting.documents.states import DocumentStage
from drafting.jobs.services import cache_key_for
from tests.documents.factories import FIGURE_NAME, TEXT, add_image, make_document, png_bytes

FIGURE_TEXT = TEXT.replace(
    "回收企业应具备相应的处理能力。",
    "回收企业应具备相应的处理能力。\n\n![回收工艺流程](图1-工艺流程.png)\n\n![未上传的图](不存在.png)",
)
SERVED = "/documents/{id}/attachments/" + quote(FIGURE_NAME)


def _upload(client, doc, data: bytes, filename: str = FIGURE_NAME, **form):
    return client.post(
        f"/documents/{doc.id}/attachments",
        data={"file": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )


def _rows(db, doc) -> list[DocumentAttachment]:
    return list(
        db.session.scalars(
            select(DocumentAttachment).where(DocumentAttachment.document_id == doc.id)
        )
    )


def _blobs(app) -> set[str]:
    return {
        p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*/*") if not p.name.startswith(".")
    }


def _with_figure(doc, actor):
    services.save_revision(doc, FIGURE_TEXT, doc.head_revision_id, "图", actor=actor)


def _pdf_images(pdf: bytes) -> set[tuple[int, int]]:
    """The sizes of the image XObjects in the pages' resources (WeasyPrint may share one resource dictionary)."""
    sizes = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            image = ref.get_object()
            if image.get("/Subtype") == "/Image":
                sizes.add((int(image["/Width"]), int(image["/Height"])))
    return sizes


def _pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the journey -------------------------------------------------------------


def test_uploaded_image_shows_in_the_editor_and_its_preview(client, login_as, world, doc, db):
    login_as(world.main_editor)
    r = _upload(client, doc, png_bytes())
    assert r.status_code == 302 and r.headers["Location"].endswith("/edit#images")
    [row] = _rows(db, doc)
    assert (row.name, row.content_type, row.size, row.uploaded_by_id) == (
        FIGURE_NAME,
        "image/png",
        len(png_bytes()),
        world.main_editor.id,
    )

    page = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
    assert 'id="images"' in page and "![工艺流程](图1-工艺流程.png)" in page  # the snippet to copy
    assert "<script>" not in page and "style=" not in page  # CSP

    # In Chinese (the placeholder is worded in the reader's language).
    r = client.post(f"/documents/{doc.id}/preview?lang=zh", json={"text": FIGURE_TEXT})
    html = r.get_json()["html"]
    served = SERVED.format(id=doc.id)
    assert re.search(rf'<img class="figure-image" src="{re.escape(served)}"', html), html
    # A name with no attachment still shows the placeholder, and the checks say so.
    assert "缺少附件：不存在.png" in html
    assert any("不存在.png" in f["message"] for f in r.get_json()["findings"])


def test_the_image_is_served_with_its_type_and_safe_headers(client, login_as, world, doc):
    add_image(doc, world.secretariat)
    login_as(world.participant)  # a group member who may read, not edit
    r = client.get(SERVED.format(id=doc.id))
    assert r.status_code == 200 and r.data == png_bytes()
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"] == (
        "inline; filename=\"1-.png\"; filename*=UTF-8''" + quote(FIGURE_NAME, safe="")
    )
    assert (
        client.get(
            SERVED.format(id=doc.id), headers={"If-None-Match": r.headers["ETag"]}
        ).status_code
        == 304
    )


def test_document_and_revision_pages_and_print_preview_show_the_figure(
    client, login_as, world, doc
):
    add_image(doc, world.secretariat)
    _with_figure(doc, world.main_editor)
    login_as(world.participant)
    served = SERVED.format(id=doc.id)
    for url in (
        f"/documents/{doc.id}?lang=zh",
        f"/documents/{doc.id}/revisions/{doc.head_revision_id}?lang=zh",
        f"/documents/{doc.id}/export.html",
    ):
        html = client.get(url).get_data(as_text=True)
        assert f'src="{served}"' in html, url
        assert "缺少附件：不存在.png" in html, url


def test_pdf_embeds_the_image_and_keeps_the_placeholder_for_an_unknown_name(
    client, login_as, world, doc
):
    add_image(doc, world.secretariat)
    _with_figure(doc, world.main_editor)
    login_as(world.main_editor)
    assert client.get(f"/documents/{doc.id}/export.pdf").status_code == 303  # the export job
    r = client.get(f"/documents/{doc.id}/export.pdf")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert _pdf_images(r.data) == {(8, 6)}
    text = _pdf_text(r.data)
    assert "缺少附件" in text and "不存在.png" in text


def test_export_job_embeds_the_image_and_its_key_follows_the_content(
    client, login_as, world, doc, db
):
    _with_figure(doc, world.main_editor)
    without = cache_key_for(doc, doc.head_revision)
    add_image(doc, world.secretariat)
    first = cache_key_for(doc, doc.head_revision)
    add_image(doc, world.secretariat, data=png_bytes(rgb=(20, 120, 200)))  # same name, new content
    second = cache_key_for(doc, doc.head_revision)
    assert len({without, first, second}) == 3
    db.session.commit()

    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 303
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()["state"] == "done"
    pdf = client.get(f"/documents/{doc.id}/exports/{job_id}/download")
    assert pdf.status_code == 200 and _pdf_images(pdf.data) == {(8, 6)}


def test_same_name_replaces_one_row_and_is_audited(client, login_as, world, doc, db):
    login_as(world.main_editor)
    assert _upload(client, doc, png_bytes()).status_code == 302
    assert _upload(client, doc, png_bytes(rgb=(0, 0, 0))).status_code == 302
    [row] = _rows(db, doc)
    assert client.get(SERVED.format(id=doc.id)).data == png_bytes(rgb=(0, 0, 0))
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("document.attachment%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["document.attachment_added", "document.attachment_replaced"]


def test_remove_leaves_a_placeholder_and_is_audited(client, login_as, world, doc, db):
    add_image(doc, world.secretariat)
    login_as(world.main_editor)
    r = client.post(SERVED.format(id=doc.id) + "/remove")
    assert r.status_code == 302 and _rows(db, doc) == []
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "document.attachment_removed")
    )
    html = client.post(
        f"/documents/{doc.id}/preview?lang=zh", json={"text": FIGURE_TEXT}
    ).get_json()["html"]
    assert "缺少附件：图1-工艺流程.png" in html
    assert client.get(SERVED.format(id=doc.id)).status_code == 404


def test_explicit_name_and_jpeg(client, login_as, world, doc, db):
    login_as(world.main_editor)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    assert (
        _upload(client, doc, jpeg, filename="IMG_0001.JPG", name="图2 装置.jpg").status_code == 302
    )
    [row] = _rows(db, doc)
    assert (row.name, row.content_type) == ("图2 装置.jpg", "image/jpeg")
    assert row.markdown == "![装置](<图2 装置.jpg>)"
    html = client.post(
        f"/documents/{doc.id}/preview", json={"text": row.markdown + "\n"}
    ).get_json()["html"]
    assert "<img" in html and "缺少附件" not in html


# --- refusals ----------------------------------------------------------------


def test_an_executable_renamed_png_is_refused_and_nothing_stored(
    client, login_as, world, doc, db, app
):
    login_as(world.main_editor)
    before = _blobs(app)
    r = _upload(client, doc, b"\x7fELF\x02\x01\x01" + b"\x00" * 200, filename="图1.png")
    assert r.status_code == 422
    assert "is not a PNG or JPEG image" in r.get_data(as_text=True)
    assert _rows(db, doc) == [] and _blobs(app) == before


def test_an_oversized_image_is_refused_with_413(client, login_as, world, doc, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    login_as(world.main_editor)
    r = _upload(client, doc, png_bytes(200, 200) + b"\x00" * 2048)
    assert r.status_code == 413 and "larger than" in r.get_data(as_text=True)
    assert _rows(db, doc) == []


def test_a_path_in_the_name_is_reduced_and_a_bad_name_refused(client, login_as, world, doc, db):
    login_as(world.main_editor)
    assert _upload(client, doc, png_bytes(), filename="../../etc/图3.png").status_code == 302
    assert [r.name for r in _rows(db, doc)] == ["图3.png"]
    assert _upload(client, doc, png_bytes(), name="..\\..\\x.png").status_code == 302
    assert sorted(r.name for r in _rows(db, doc)) == ["x.png", "图3.png"]
    r = _upload(client, doc, png_bytes(), name="a?b#c.png")
    assert r.status_code == 422 and "cannot be used as an image name" in r.get_data(as_text=True)
    r = _upload(client, doc, png_bytes(), name="100%.png")
    assert r.status_code == 422


def test_participant_without_edit_rights_may_not_upload(client, login_as, world, doc, db):
    login_as(world.participant)
    assert _upload(client, doc, png_bytes()).status_code == 403
    r = client.post(
        f"/api/v1/documents/{doc.id}/attachments",
        data={"file": (io.BytesIO(png_bytes()), "a.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 403
    assert _rows(db, doc) == []


def test_another_documents_image_is_not_found(client, login_as, world, doc, db):
    other = make_document(world.group, world.secretariat)
    add_image(other, world.secretariat, name="别的图.png")
    login_as(world.main_editor)
    assert client.get(f"/documents/{doc.id}/attachments/{quote('别的图.png')}").status_code == 404
    assert (
        client.post(f"/documents/{doc.id}/attachments/{quote('别的图.png')}/remove").status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/documents/{doc.id}/attachments/{quote('别的图.png')}").status_code
        == 404
    )
    assert client.get(f"/documents/{other.id}/attachments/{quote('别的图.png')}").status_code == 200


def test_anonymous_and_outsiders_cannot_download_a_working_draft_image(
    client, login_as, world, doc
):
    add_image(doc, world.secretariat)
    r = client.get(SERVED.format(id=doc.id))
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    login_as(world.outsider)
    assert client.get(SERVED.format(id=doc.id)).status_code == 404


def test_a_published_documents_images_are_public_but_frozen(client, login_as, world, doc, db):
    add_image(doc, world.secretariat)
    doc.stage = DocumentStage.PUBLISHED
    db.session.flush()
    assert (
        client.get(SERVED.format(id=doc.id)).status_code == 200
    )  # anyone may read a published standard
    login_as(world.main_editor)
    assert _upload(client, doc, png_bytes(), filename="新图.png").status_code == 403
    assert client.post(SERVED.format(id=doc.id) + "/remove").status_code == 403
    with pytest.raises(Refused):
        services.add_attachment(doc, filename="新图.png", data=png_bytes(), actor=world.secretariat)
    with pytest.raises(Refused):
        services.remove_attachment(doc, _rows(db, doc)[0], actor=world.secretariat)
    assert [r.name for r in _rows(db, doc)] == [FIGURE_NAME]


# --- the API -------------------------------------------------------------------


def test_api_list_upload_replace_delete(client, login_as, world, doc, db):
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/attachments"
    r = client.post(
        url,
        data={"file": (io.BytesIO(png_bytes()), FIGURE_NAME)},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["name"] == FIGURE_NAME and body["url"] == SERVED.format(id=doc.id)
    assert (
        body["markdown"] == "![工艺流程](图1-工艺流程.png)" and body["content_type"] == "image/png"
    )
    r = client.post(
        url,
        data={"file": (io.BytesIO(b"MZ\x90\x00" * 10), "x.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.get_json()["error"] == "file_type"
    assert client.post(url, data={}, content_type="multipart/form-data").status_code == 422
    assert [a["name"] for a in client.get(url).get_json()] == [FIGURE_NAME]
    assert client.delete(f"{url}/{quote(FIGURE_NAME)}").status_code == 204
    assert client.get(url).get_json() == []
    assert client.delete(f"{url}/{quote(FIGURE_NAME)}").status_code == 404
