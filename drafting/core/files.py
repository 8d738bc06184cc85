"""Files from users and back to them: checking an upload (size, type from the content, active content), and sending a stored file with its original name."""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import zipfile
from urllib.parse import quote

from flask import Response, current_app
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from drafting.core.errors import Missing, ServiceError
from drafting.storage import read_blob

log = logging.getLogger(__name__)

#: An archive (DOCX, XLSX) may unpack to at most this much, and at most this
#: many times its packed size: more is a "zip bomb", not a document.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_UNPACK_RATIO = 100
MAX_ARCHIVE_MEMBERS = 10_000
#: Parts of an Office file that carry code: macros (VBA) and ActiveX controls.
_ACTIVE_OOXML = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
#: PDF keys that make a viewer run something: JavaScript, launching a
#: program, and embedded files it might open.
_ACTIVE_PDF_KEYS = {
    "/JS",
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
}
_ACTIVE_PDF_BYTES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z])")
_PDF_MAX_OBJECTS = 50_000

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


def sniff(data: bytes) -> str | None:
    """The content type of `data` if it is one we accept, judged by its bytes."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


class ActiveContent(ServiceError):
    status = 422
    code = "active_content"


def archive_problem(data: bytes) -> str | None:
    """Why a ZIP-based upload (DOCX, XLSX) is refused, or None.

    The declared sizes are checked first, then the members are really
    unpacked, counting bytes and stopping at the limit, since a ZIP's
    headers may lie.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                return "bomb"
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNPACKED_BYTES or declared > MAX_UNPACK_RATIO * max(len(data), 1):
                return "bomb"
            if any(_ACTIVE_OOXML.search(i.filename) for i in infos):
                return "macros"
            content_types = (
                zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else b""
            )
            if b"macroEnabled" in content_types or b"vbaProject" in content_types:
                return "macros"
            budget = min(MAX_UNPACKED_BYTES, MAX_UNPACK_RATIO * max(len(data), 1))
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(1024 * 1024):
                        budget -= len(chunk)
                        if budget < 0:
                            return "bomb"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        NotImplementedError,
        OSError,
        EOFError,
    ):
        return "broken"
    except RuntimeError:  # an encrypted member
        return "broken"
    return None


def pdf_has_active_content(data: bytes) -> bool:
    """True if the PDF asks a viewer to run JavaScript, launch a program or
    open an embedded file. Looks at the raw bytes and, through pypdf, inside
    compressed object streams; a PDF pypdf cannot read is judged by its bytes."""
    if _ACTIVE_PDF_BYTES.search(data):
        return True
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        log.info("PDF not parsed for active content (%s); judged by its bytes", exc)
        return False
    seen: set[tuple[int, int]] = set()
    stack: list = [root]
    visited = 0
    try:
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > _PDF_MAX_OBJECTS:
                return True  # too tangled to judge: not a plain document
            if isinstance(obj, DictionaryObject):
                for name, value in obj.items():
                    if name in _ACTIVE_PDF_KEYS:
                        return True
                    if (
                        name == "/S"
                        and isinstance(value, NameObject)
                        and value
                        in (
                            "/JavaScript",
                            "/Launch",
                        )
                    ):
                        return True
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        log.info("PDF only partly read for active content (%s)", exc)
    return False


def display_name(filename: str | None) -> str:
    """The name as the user gave it, kept for display and download only.

    Path parts and control characters are dropped; the name never reaches
    the file system (blobs are stored under their hash).
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    name = name or "file"
    if len(name) > 200:  # cut the stem, not the extension
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext if stem and len(ext) <= 16 else name[:200]
    return name


def limit_mb() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024))


def check_upload(filename: str | None, data: bytes) -> tuple[str, str]:
    """(display name, content type) of an acceptable upload, else raise."""
    _check_size(filename, data)
    content_type = sniff(data)
    if content_type is None:
        raise ServiceError(
            _(
                "%(name)s is not a PDF, JPEG, PNG, DOCX or XLSX file (judged by its content, not its name). Please upload one of these types.",
                name=display_name(filename),
            ),
            code="file_type",
        )
    _check_content(filename, data, content_type)
    return display_name(filename), content_type


def _check_content(filename: str | None, data: bytes, content_type: str) -> None:
    """Refuse files that would run something when opened (decided in README, Security)."""
    name = display_name(filename)
    if data.startswith(b"PK\x03\x04"):
        problem = archive_problem(data)
        if problem == "bomb":
            raise ActiveContent(
                _(
                    "%(name)s unpacks to far more data than a document holds, so it was refused. Save the document again and upload the new file.",
                    name=name,
                )
            )
        if problem == "macros":
            raise ActiveContent(
                _(
                    "%(name)s contains macros or ActiveX controls, which are not accepted. Save it as a plain .docx or .xlsx (or as PDF) and upload it again.",
                    name=name,
                )
            )
        if problem == "broken":
            raise ServiceError(
                _("%(name)s is damaged and cannot be opened. Please upload it again.", name=name),
                code="file_type",
            )
    if content_type == "application/pdf" and pdf_has_active_content(data):
        raise ActiveContent(
            _(
                "%(name)s contains JavaScript, a program to launch or embedded files, which are not accepted. Print it to a new PDF (or save it as PDF/A) and upload that.",
                name=name,
            )
        )


def _check_size(filename: str | None, data: bytes) -> None:
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise TooLarge(
            _(
                "The file %(name)s is larger than %(mb)d MB. Please send a smaller file, for example a scanned PDF at a lower resolution.",
                name=display_name(filename),
                mb=limit_mb(),
            )
        )
    if not data:
        raise ServiceError(_("The file is empty."), code="empty_file")


def read_upload(storage) -> bytes:
    """Read a werkzeug FileStorage, stopping one byte past the limit."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    return storage.stream.read(limit + 1)


IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


def check_image(filename: str | None, data: bytes) -> tuple[str, str]:
    """(display name, content type) of an acceptable PNG or JPEG image (a standard's figure), else raise."""
    _check_size(filename, data)
    content_type = sniff(data)
    if content_type not in IMAGE_TYPES:
        raise ServiceError(
            _(
                "%(name)s is not a PNG or JPEG image (judged by its content, not its name). Save the figure as PNG "
                "or JPEG and upload it again.",
                name=display_name(filename),
            ),
            code="file_type",
        )
    return display_name(filename), content_type


# Sending a stored file back with its original name.
def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the real (e.g. Chinese) name."""
    fallback = (
        "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "file"
    )
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def read_stored(sha256: str, filename: str) -> bytes:
    """The bytes of a stored file. When the row is there but its file is not (a
    restore without files, a disk mishap) the reader gets a 404 that says so and
    the operator a log line, never a 500."""
    try:
        return read_blob(sha256)
    except FileNotFoundError:
        log.error("stored file %s (%s) is missing from the file store", sha256, filename)
        raise Missing(
            _("This file is missing from the file store. Tell the secretariat."),
            code="file_missing",
        ) from None


def send_stored(sha256: str, filename: str, content_type: str, *, inline: bool = False) -> Response:
    # Only PDFs are ever shown inline, and never anything the browser could run as HTML.
    inline = inline and content_type == "application/pdf"
    response = Response(
        read_stored(sha256, filename),
        mimetype=content_type if inline else (content_type or "application/octet-stream"),
    )
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # `sandbox`: whatever the file might run is in an opaque origin, never
        # the app's (no cookies, no DOM of the page that frames it). Chromium
        # still shows the PDF under this header, but not in an <iframe
        # sandbox>, so the frame itself carries no sandbox attribute.
        response.headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; frame-ancestors 'self'"
        )
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
