"""Checking uploaded files: size, and type from the content (magic bytes)."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile

from flask import current_app
from flask_babel import gettext as _

from drafting.core.errors import ServiceError

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
    return display_name(filename), content_type


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
