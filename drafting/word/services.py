"""Word export and import for a document: the rules the views and the API share.

Export: the .docx of a revision, made by the export jobs (like the PDF) and
cached on disk beside the PDFs under the same kind of key: the same inputs
(``documents.services.export_inputs``), with the format and a digest of this
package's code as the options (:func:`docx_inputs`).

Import: an uploaded .docx is checked like every upload (type by content,
size) plus the zip-bomb limits, converted, and kept as a blob; the editor sees
the diff against the head and the findings, and only :func:`confirm_import`
saves a new revision (and the images as attachments), through the same
three-way merge as any save.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from drafting.accounts.models import User
from drafting.audit.services import record
from drafting.core.errors import Conflict, NotAllowed, ServiceError
from drafting.core.files import check_upload
from drafting.documents import services as documents
from drafting.documents.diff import TextDiff, diff_revisions
from drafting.documents.forms import NUMBER_RE
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.permissions import can_manage_document
from drafting.documents.services import ADOPTION_PATTERN, REPLACES_PATTERN
from drafting.documents.states import STAGE_LABELS
from drafting.export.cache import ExportCache
from drafting.extensions import db
from drafting.groups.models import DraftingGroup
from drafting.storage import read_blob, store_blob

if TYPE_CHECKING:
    from drafting.word.importer import ImportFinding, ImportResult

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


def docx_options() -> dict[str, str]:
    """What shapes a .docx beside the export's inputs: the format and the exporter's
    version (the options of its cache key, so a .docx never shares a PDF's key)."""
    return {"format": "docx", "word": word_version()}


def docx_inputs(document: StandardDocument, revision: Revision) -> documents.ExportInputs:
    """What the .docx of a revision is made from: a PDF's inputs
    (:func:`drafting.documents.services.export_inputs`) with :func:`docx_options`."""
    return documents.export_inputs(document, revision, options=docx_options())


def docx_of(document: StandardDocument, revision: Revision) -> bytes:
    """The .docx of a revision, laid out in this request (from the export cache when made
    before): only for what must hold the file at once, as the approval package. Pages
    and the API go through the export job (``jobs.services.request_export`` with
    ``format="docx"``), under the same key (:func:`docx_inputs`)."""
    inputs = docx_inputs(document, revision)
    key = inputs.cache_key()
    cache = ExportCache(current_app.config["EXPORT_DIR"], suffix=".docx")
    data = cache.get(key)
    if data is None:
        from drafting.word.export import export_docx  # noqa: PLC0415  (deferred: heavy)

        data = export_docx(inputs.meta, inputs.text, attachments=inputs.attachments)
        cache.put(key, data)
    return data


def _signer() -> URLSafeSerializer:
    """Upload tokens: a client can only confirm a .docx it uploaded to this document."""
    return URLSafeSerializer(current_app.secret_key, salt="word-import")


def docx_filename(document: StandardDocument, revision: Revision) -> str:
    """The .docx download's name: number, title and revision."""
    return f"{document.number} {document.title_zh} r{revision.number}.docx".replace("/", "-")


#: The cover fields an import may find, and the document setting each one fills
#: (in the order the confirmation step lists them).
META_SETTINGS = {
    "number": "number",
    "title_zh": "title_zh",
    "title_en": "title_en",
    "ics": "ics",
    "ccs": "ccs",
    "issuer": "issuing_body",
    "published_on": "planned_published_on",
    "implemented_on": "planned_implemented_on",
    "replaces": "replaces",
    "adoption": "adoption",
}
#: The longest each text setting may be (the columns of StandardDocument).
SETTING_LENGTHS = {
    "number": 60,
    "ics": 40,
    "ccs": 40,
    "title_zh": 300,
    "title_en": 300,
    "issuing_body": 200,
    "replaces": 200,
    "adoption": 200,
}
_DATE_RE = re.compile(r"^(\d{4})\s*[-－./年]\s*(\d{1,2})\s*[-－./月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class MetaChange:
    """A cover field found by the import beside the document's setting: old → new.

    ``value`` is what the setting would become (a date for the dates);
    ``problem`` says why it cannot be applied (it is then only shown)."""

    key: str  # the import's name: "number", "published_on"…
    setting: str  # the document's attribute: "number", "planned_published_on"…
    old: str
    new: str
    value: object
    problem: str | None = None


def setting_value(setting: str, found: str) -> tuple[object, str | None]:
    """A cover field as the document setting holds it, or why it cannot be one."""
    text = " ".join(found.split())
    if setting.startswith("planned_"):
        match = _DATE_RE.match(text)
        try:
            return date(*(int(g) for g in match.groups())), None  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            return None, _("“%(value)s” is not a date.", value=text)
    if setting == "number":
        text = re.sub(r"\s*[—–－-]+\s*(?=\d{4}$)", "—", text)
        if not re.match(NUMBER_RE, text):
            return text, _("Write the number as T/CESA 1201—2026.")
    if setting == "replaces" and not re.match(REPLACES_PATTERN, text):
        return text, _("Write the replaced documents as T/CESA 1100—2020.")
    if setting == "adoption" and not re.match(ADOPTION_PATTERN, text):
        return text, _("Write it as ISO 12345:2020, MOD (IDT, MOD or NEQ).")
    limit = SETTING_LENGTHS.get(setting, 300)
    if len(text) > limit:
        return text, _("Longer than %(n)d characters.", n=limit)
    return text, None


def _shown(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def meta_changes(document: StandardDocument | None, meta: dict[str, str]) -> list[MetaChange]:
    """The cover fields found that differ from the document's settings (all found, for a new one)."""
    changes = []
    for key, setting in META_SETTINGS.items():
        if not meta.get(key, "").strip():
            continue
        value, problem = setting_value(setting, meta[key])
        old = getattr(document, setting) if document is not None else None
        if problem is None and old == value:
            continue
        changes.append(
            MetaChange(key, setting, _shown(old), _shown(value) or meta[key], value, problem)
        )
    if document is not None and meta.get("stage"):
        # shown, not applied: a stage is moved (with its checks) on the stage page
        now = str(STAGE_LABELS.get(document.stage, document.stage))
        if meta["stage"] != now:
            changes.append(
                MetaChange(
                    "stage",
                    "stage",
                    now,
                    meta["stage"],
                    meta["stage"],
                    _("The stage is moved on the document’s stage page."),
                )
            )
    return changes


def new_document_fields(meta: dict[str, str]) -> dict[str, object]:
    """The settings of a document made from an import, as the cover gives them (for the form)."""
    return {c.setting: c.value for c in meta_changes(None, meta) if c.problem is None}


def finding_place(finding: ImportFinding) -> str:
    """Where a finding is, in the reader's language: "第 3 页（约），第 12 段"."""
    if finding.table is not None:
        where = _("table %(n)d", n=finding.table)
    elif finding.paragraph:
        where = _("paragraph %(n)d", n=finding.paragraph)
    else:
        where = _("in a footnote")
    if finding.page is None:
        return where
    return _("page %(page)d (approx.), %(where)s", page=finding.page, where=where)


def finding_json(finding: ImportFinding) -> dict:
    """An import finding for the API, with its place in the Word file."""
    return {**finding.to_dict(), "place": finding_place(finding)}


@dataclass
class ImportPreview:
    """What an upload would change: shown to the editor before anything is saved."""

    upload: str  # a signed token naming the stored .docx, this document (or group) and the editor
    base: Revision | None
    result: ImportResult
    diff: TextDiff
    changes: list[MetaChange]

    @property
    def findings(self) -> list[ImportFinding]:
        return self.result.findings


def _convert(data: bytes) -> ImportResult:
    from drafting.word.importer import (  # noqa: PLC0415  (deferred: heavy)
        ImportRefused,
        import_docx,
    )

    try:
        return import_docx(data)
    except ImportRefused as exc:
        raise ServiceError(str(exc), code=exc.code) from exc


def _check_docx(filename: str | None, data: bytes) -> ImportResult:
    shown, content_type = check_upload(filename, data)
    if content_type != DOCX_TYPE:
        raise ServiceError(
            _("%(name)s is not a Word document (.docx), judged by its content.", name=shown),
            code="file_type",
        )
    return _convert(data)


def _uploaded(upload: str, **owner) -> ImportResult:
    """The converted .docx a token names, if it was uploaded by this user for this document or group."""
    try:
        token = _signer().loads(upload or "")
        if any(token.get(k) != v for k, v in owner.items()):
            raise BadSignature("another document, group or user")
        data = read_blob(str(token.get("s", "")))
    except (BadSignature, FileNotFoundError, OSError, ValueError, AttributeError) as exc:
        raise ServiceError(
            _("The uploaded Word document is not known. Upload it again."), code="unknown_upload"
        ) from exc
    return _convert(data)


def preview_import(
    document: StandardDocument, *, filename: str | None, data: bytes, actor: User
) -> ImportPreview:
    """Check and convert an uploaded .docx; store it for the confirmation. Saves no revision."""
    result = _check_docx(filename, data)
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
        upload,
        base,
        result,
        diff_revisions(base.text if base else "", result.text),
        meta_changes(document, result.meta),
    )


def reopen_import(document: StandardDocument, *, upload: str, actor: User) -> ImportPreview:
    """The preview of an upload again (after a refused confirmation: nothing is lost)."""
    result = _uploaded(upload, d=document.id, u=actor.id)
    base = document.head_revision
    return ImportPreview(
        upload,
        base,
        result,
        diff_revisions(base.text if base else "", result.text),
        meta_changes(document, result.meta),
    )


def _chosen_changes(
    document: StandardDocument, result: ImportResult, apply_meta: Iterable[str], actor: User
) -> dict[str, object]:
    """The settings ticked on the confirm step, checked before anything is saved.
    A document's settings (its number above all) are the secretariat's, as on the
    settings page: an editor's import shows the cover fields but cannot apply them."""
    wanted = set(apply_meta)
    if not wanted:
        return {}
    if not can_manage_document(actor, document):
        raise NotAllowed(
            _("Only the secretariat changes a document's settings; the text was not saved."),
            code="settings_not_allowed",
        )
    changes = {c.key: c for c in meta_changes(document, result.meta)}
    fields = {}
    for key in sorted(wanted):
        change = changes.get(key)
        if change is None:
            continue  # not on the cover, or the document has it already
        if change.problem is not None:
            raise ServiceError(change.problem, code="invalid_cover_field")
        fields[change.setting] = change.value
    number = fields.get("number")
    if number and db.session.scalar(
        db.select(StandardDocument.id).where(
            StandardDocument.number == number, StandardDocument.id != document.id
        )
    ):
        raise Conflict(
            _("A document numbered %(number)s exists already.", number=number), code="number_taken"
        )
    return fields


def confirm_import(
    document: StandardDocument,
    *,
    upload: str,
    base_revision_id: int | None,
    actor: User,
    message: str = "",
    apply_meta: Iterable[str] = (),
) -> documents.SaveResult:
    """Save the converted text of a previewed upload as a new revision, and its images;
    then the cover fields the editor ticked (``apply_meta``: keys of :data:`META_SETTINGS`)
    become the document's settings through :func:`documents.update_document` (audited)."""
    result = _uploaded(upload, d=document.id, u=actor.id)
    fields = _chosen_changes(document, result, apply_meta, actor)
    for name, image in result.images.items():
        documents.add_attachment(document, filename=name, data=image, actor=actor, name=name)
    saved = documents.save_revision(
        document,
        result.text,
        base_revision_id,
        message or _("Imported from a Word document"),
        actor=actor,
    )
    if fields:
        documents.update_document(document, actor=actor, **fields)
    record(
        actor,
        "document.imported",
        document,
        revision=saved.revision.number,
        findings=len(result.findings),
        settings=sorted(fields),
    )
    return saved


# --- a new document from a Word file ------------------------------------------------


def preview_new_document(
    group: DraftingGroup, *, filename: str | None, data: bytes, actor: User
) -> ImportPreview:
    """Check and convert a .docx for a new document of the group. Saves nothing but the upload."""
    result = _check_docx(filename, data)
    upload = _signer().dumps({"g": group.id, "u": actor.id, "s": store_blob(data)})
    return ImportPreview(
        upload, None, result, diff_revisions("", result.text), meta_changes(None, result.meta)
    )


def uploaded_for_group(group: DraftingGroup, upload: str, actor: User) -> ImportResult:
    """The converted upload again (to show it once more when the form has a mistake)."""
    return _uploaded(upload, g=group.id, u=actor.id)


def create_from_import(
    group: DraftingGroup,
    *,
    upload: str,
    actor: User,
    number: str,
    title_zh: str,
    message: str = "",
    **settings,
) -> StandardDocument:
    """A new document of the group whose first revision is the imported text, with its
    images; the settings are the editor's (prefilled from the cover). Audited."""
    result = _uploaded(upload, g=group.id, u=actor.id)
    extra = {k: v for k in ("replaces", "adoption") if (v := settings.pop(k, ""))}
    document = documents.create_document(
        number=number,
        title_zh=title_zh,
        group=group,
        actor=actor,
        text=result.text,
        message=message or _("Imported from a Word document"),
        **settings,
    )
    for name, image in result.images.items():
        documents.add_attachment(document, filename=name, data=image, actor=actor, name=name)
    if extra:
        documents.update_document(document, actor=actor, **extra)
    record(
        actor,
        "document.imported",
        document,
        revision=1,
        findings=len(result.findings),
        settings=sorted(["number", "title_zh", *settings, *extra]),
    )
    return document
