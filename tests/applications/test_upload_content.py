"""Uploads that pass the magic-byte check but carry active content are refused.

Decided (README, Security): archives that unpack to an absurd size or ratio,
Office files with macros or ActiveX, and PDFs with JavaScript, launch actions
or embedded files are refused with a message saying what to do; plain
documents are accepted.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from drafting.core.errors import ServiceError
from drafting.core.files import check_upload
from tests.calls.factories import make_application, make_call

EN = {"Accept-Language": "en"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(extra: dict[str, bytes] | None = None, content_types_extra: str = "") -> bytes:
    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("营业执照副本说明")
    doc.save(buf)
    if not extra and not content_types_extra:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml" and content_types_extra:
                data = data.replace(b"</Types>", content_types_extra.encode() + b"</Types>")
            zf.writestr(info, data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def _pdf(js: str | None = None, *, hex_names: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if js:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(js),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    if hex_names:
        # "/Java#53cript" is the same name as "/JavaScript" to a PDF reader.
        data = data.replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")
    return data


def test_plain_documents_are_accepted(app):
    with app.test_request_context(headers=EN):
        assert check_upload("说明.docx", _docx())[1] == DOCX
        wb = Workbook()
        wb.active["A1"] = "产能"
        buf = io.BytesIO()
        wb.save(buf)
        assert check_upload("产能.xlsx", buf.getvalue())[1].endswith("spreadsheetml.sheet")
        assert check_upload("证书.pdf", _pdf())[1] == "application/pdf"


def test_zip_bomb_is_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 200 * 1024  # a few KB that unpack to 60 MB
    with app.test_request_context(headers=EN), pytest.raises(ServiceError) as exc:
        check_upload("bomb.docx", data)
    assert exc.value.code == "active_content" and "unpacks to far more" in exc.value.message


def test_zip_with_lying_headers_is_refused(app):
    """The declared sizes may lie: the members are really unpacked (and checked)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    data = bytearray(out.getvalue())
    # Rewrite the declared uncompressed size of word/document.xml to 1 KB
    # (local header at offset 22, central directory entry at offset 24).
    small = (1024).to_bytes(4, "little")
    name = b"word/document.xml"
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            if name in data[pos : pos + 80]:
                data[pos + off : pos + off + 4] = small
            pos += 4
    with app.test_request_context(headers=EN), pytest.raises(ServiceError) as exc:
        check_upload("liar.docx", bytes(data))
    assert exc.value.code in ("active_content", "file_type")


@pytest.mark.parametrize(
    "extra, types",
    [
        ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, ""),
        ({"word/activeX/activeX1.xml": b"<ax/>"}, ""),
        (
            {},
            '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>',
        ),
    ],
)
def test_office_files_with_macros_are_refused(app, extra, types):
    with app.test_request_context(headers=EN), pytest.raises(ServiceError) as exc:
        check_upload("宏.docx", _docx(extra, types))
    assert exc.value.code == "active_content" and "macros" in exc.value.message


@pytest.mark.parametrize("hex_names", [False, True])
def test_pdf_with_javascript_is_refused(app, hex_names):
    data = _pdf("app.alert(document.cookie)", hex_names=hex_names)
    assert (b"/JavaScript" in data) is not hex_names
    with app.test_request_context(headers=EN), pytest.raises(ServiceError) as exc:
        check_upload("脚本.pdf", data)
    assert exc.value.code == "active_content" and "JavaScript" in exc.value.message


def test_refused_upload_over_the_web_stores_nothing(client, login_as, db, sec):
    call = make_call(actor=sec)
    user = login_as("member")
    application = make_application(call, user=user, complete=False)
    db.session.commit()
    r = client.post(
        f"/applications/{application.id}/files",
        data={
            "requirement_id": call.requirements[0].id,
            "file": (io.BytesIO(_pdf("app.launchURL('https://evil.example')")), "证书.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert "JavaScript" in r.get_data(as_text=True)
    db.session.refresh(application)
    assert application.attachments == []


def test_inline_pdf_is_served_sandboxed(client, login_as, db, sec):
    call = make_call(actor=sec)
    user = login_as("member")
    application = make_application(call, user=user, complete=True)
    db.session.commit()
    attachment = application.attachments[0]
    url = f"/applications/{application.id}/files/{attachment.id}"
    r = client.get(url + "?inline=1")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert "sandbox" in [p.strip() for p in r.headers["Content-Security-Policy"].split(";")]
    assert r.headers["Content-Disposition"].startswith("inline")
    r = client.get(url)
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in r.headers["Content-Security-Policy"]
