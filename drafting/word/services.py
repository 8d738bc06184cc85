"""Word export and import for a document: the rules the views and the API share.

Export: the .docx of a revision, cached on disk beside the PDFs under the same
kind of key (:func:`drafting.export.cache_key` over the same inputs, with the
format and a digest of this package's code as the options).

Import: an uploaded .docx is checked like every upload (type by content,
size) plus the zip-bomb limits, converted, and kept as a blob; the editor sees
the diff against the head and the findings, and only :func:`confirm_import`
saves a new revision (and the images as attachments), through the same
three-way merge as any save.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from drafting.accounts.models import User
from drafting.audit.services import record
from drafting.core.errors import ServiceError
from drafting.core.files import check_upload
from drafting.documents import queries
from drafting.documents import services as documents
from drafting.documents.diff import TextDiff, diff_revisions
from drafting.documents.models import Revision, StandardDocument
from drafting.export.cache import ExportCache, cache_key
from drafting.storage import read_blob, store_blob
from drafting.word.export import export_docx
from drafting.word.importer import ImportFinding, ImportRefused, ImportResult, import_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def word_version() -> str:
    """A digest of the code the .docx is made by (this package, the parser and
    the foreword's composition): a new exporter never serves an old .docx."""
    digest = hashlib.sha256()
    sources = [
        *sorted(PACKAGE_DIR.glob("*.py")),
        *sorted((PACKAGE_DIR.parent / "standardtext").glob("*.py")),
        PACKAGE_DIR.parent / "export" / "foreword.py",
    ]
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def docx_cache_key(meta, text: str, attachments) -> str:
    """The export cache's key of a .docx (the export jobs use it too)."""
    options = {"format": "docx", "word": word_version()}
    return cache_key(meta, text, attachments=attachments, options=options)


def docx_of(document: StandardDocument, revision: Revision) -> bytes:
    """The .docx of a revision, from the cache when it was made before."""
    meta = queries.document_meta(document)
    attachments = documents.attachment_files(document)
    key = docx_cache_key(meta, revision.text, attachments)
    cache = ExportCache(current_app.config["EXPORT_DIR"], suffix=".docx")
    data = cache.get(key)
    if data is None:
        data = export_docx(meta, revision.text, attachments=attachments)
        cache.put(key, data)
    return data


def _signer() -> URLSafeSerializer:
    """Upload tokens: a client can only confirm a .docx it uploaded to this document."""
    return URLSafeSerializer(current_app.secret_key, salt="word-import")


def docx_filename(document: StandardDocument, revision: Revision) -> str:
    """The .docx download's name: number, title and revision."""
    return f"{document.number} {document.title_zh} r{revision.number}.docx".replace("/", "-")


@dataclass
class ImportPreview:
    """What an upload would change: shown to the editor before anything is saved."""

    upload: str  # a signed token naming the stored .docx, this document and the editor
    base: Revision | None
    result: ImportResult
    diff: TextDiff

    @property
    def findings(self) -> list[ImportFinding]:
        return self.result.findings


def _convert(data: bytes) -> ImportResult:
    try:
        return import_docx(data)
    except ImportRefused as exc:
        raise ServiceError(str(exc), code=exc.code) from exc


def preview_import(
    document: StandardDocument, *, filename: str | None, data: bytes, actor: User
) -> ImportPreview:
    """Check and convert an uploaded .docx; store it for the confirmation. Saves no revision."""
    _shown, content_type = check_upload(filename, data)
    if content_type != DOCX_TYPE:
        raise ServiceError(
            _("%(name)s is not a Word document (.docx), judged by its content.", name=_shown),
            code="file_type",
        )
    result = _convert(data)
    upload = _signer().dumps({"d": document.id, "u": actor.id, "s": store_blob(data)})
    base = document.head_revision
    record(
        actor,
        "document.import_previewed",
        document,
        findings=len(result.findings),
        images=len(result.images),
    )
    return ImportPreview(
        upload, base, result, diff_revisions(base.text if base else "", result.text)
    )


def confirm_import(
    document: StandardDocument,
    *,
    upload: str,
    base_revision_id: int | None,
    actor: User,
    message: str = "",
) -> documents.SaveResult:
    """Save the converted text of a previewed upload as a new revision, and its images."""
    try:
        token = _signer().loads(upload or "")
        if token.get("d") != document.id or token.get("u") != actor.id:
            raise BadSignature("another document or user")
        data = read_blob(str(token.get("s", "")))
    except (BadSignature, FileNotFoundError, OSError, ValueError, AttributeError) as exc:
        raise ServiceError(
            _("The uploaded Word document is not known. Upload it again."), code="unknown_upload"
        ) from exc
    result = _convert(data)
    for name, image in result.images.items():
        documents.add_attachment(document, filename=name, data=image, actor=actor, name=name)
    saved = documents.save_revision(
        document,
        result.text,
        base_revision_id,
        message or _("Imported from a Word document"),
        actor=actor,
    )
    record(
        actor,
        "document.imported",
        document,
        revision=saved.revision.number,
        findings=len(result.findings),
    )
    return saved
