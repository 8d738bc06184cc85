"""Word on the web: download a revision as .docx; upload a .docx, see the diff, confirm."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from drafting.core.files import read_upload
from drafting.core.web import on_refusal
from drafting.documents import permissions
from drafting.documents.diff import render_side_by_side_html
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.views import document_or_404 as _document
from drafting.documents.views import revision_or_404 as _revision
from drafting.word import services

bp = Blueprint("word", __name__, url_prefix="/documents")

#: How the cover fields found by an import are labelled on the preview page.
META_LABELS = {
    "number": _l("Number"),
    "ics": _l("ICS"),
    "ccs": _l("CCS"),
    "title_zh": _l("Title (Chinese)"),
    "title_en": _l("Title (English)"),
    "stage": _l("Stage"),
    "published_on": _l("Planned publication date"),
    "implemented_on": _l("Planned implementation date"),
    "issuer": _l("Issuing body"),
    "replaces": "代替 / Replaces",
    "adoption": "一致性程度 / Degree of correspondence",
}

#: Editors of the document (and the secretariat) may export to and import from Word.
can_use_word = permissions.can_edit_document


def docx_response(data: bytes, document: StandardDocument, revision: Revision):
    response = make_response(data)
    response.headers["Content-Type"] = services.DOCX_TYPE
    response.headers["Content-Disposition"] = (
        f'attachment; filename="document-{document.id}-r{revision.number}.docx"; '
        f"filename*=UTF-8''{quote(services.docx_filename(document, revision))}"
    )
    return response


@bp.route("/<int:document_id>/export.docx")
def export_docx(document_id: int):
    document = _document(document_id, can_use_word)
    revision_id = request.args.get("revision", type=int)
    revision = _revision(document, revision_id) if revision_id else document.head_revision
    return docx_response(services.docx_of(document, revision), document, revision)


@bp.route("/<int:document_id>/import", methods=["GET", "POST"])
def import_docx(document_id: int):
    """GET: the upload form. POST: the upload, converted and compared with the head (nothing saved)."""
    document = _document(document_id, can_use_word)
    if request.method == "GET":
        return render_template("word/import.html", document=document, preview=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a Word document (.docx) to import."), "error")
        return render_template("word/import.html", document=document, preview=None), 422
    with on_refusal(
        lambda exc: (
            render_template("word/import.html", document=document, preview=None),
            exc.status,
        )
    ):
        preview = services.preview_import(
            document, filename=upload.filename, data=read_upload(upload), actor=current_user
        )
    diff_html = render_side_by_side_html(preview.diff, skip_label=_("{n} unchanged lines"))
    return render_template(
        "word/import.html",
        document=document,
        preview=preview,
        diff_html=diff_html,
        meta_labels=META_LABELS,
    )


@bp.route("/<int:document_id>/import/confirm", methods=["POST"])
def import_confirm(document_id: int):
    document = _document(document_id, can_use_word)
    with on_refusal(lambda exc: redirect(url_for("word.import_docx", document_id=document.id))):
        saved = services.confirm_import(
            document,
            upload=request.form.get("upload", ""),
            base_revision_id=request.form.get("base_revision_id", type=int),
            message=request.form.get("message", ""),
            actor=current_user,
        )
    flash(_("The Word document was saved as revision %(n)d.", n=saved.revision.number), "success")
    return redirect(url_for("documents.show", document_id=document.id))
