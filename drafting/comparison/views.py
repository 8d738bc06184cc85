"""The comparison page of a document and its downloads: redline PDF, 条文对照表 XLSX and PDF."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from drafting import templating
from drafting.comparison import permissions, queries, services
from drafting.core.errors import ServiceError
from drafting.core.requests import request_id
from drafting.core.web import on_refusal
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.views import document_or_404, revision_or_404
from drafting.export import ExportError

bp = Blueprint("comparison", __name__, url_prefix="/documents")

#: How the page names each kind of row (the XLSX and PDF say 修改 / 新增 / 删除).
KIND_LABELS = {"changed": _l("Changed"), "added": _l("Added"), "removed": _l("Removed")}


def _document(document_id: int) -> StandardDocument:
    """404 for who may not see the document, 403 for who sees it outside the group."""
    return document_or_404(document_id, permissions.can_compare)


def _revisions(document: StandardDocument) -> tuple[Revision, Revision]:
    """``?from=&to=``, else the default pair (征求意见稿 → 送审稿), else the head and its parent."""
    head = document.head_revision
    default = services.default_revisions(document)
    if default is None:
        parent = revision_or_404(document, head.parent_id) if head.parent_id else head
        default = (parent, head)
    old_id = request.args.get("from", type=request_id)
    new_id = request.args.get("to", type=request_id)
    old = revision_or_404(document, old_id) if old_id else default[0]
    new = revision_or_404(document, new_id) if new_id else default[1]
    return old, new


def _back(document: StandardDocument, old: Revision, new: Revision):
    return redirect(
        url_for("comparison.page", document_id=document.id, **{"from": old.id, "to": new.id})
    )


def _download(data: bytes, content_type: str, filename: str, ascii_name: str, inline: bool):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename.replace('/', '-'))}"
    )
    return response


@bp.route("/<int:document_id>/comparison")
def page(document_id: int):
    document = _document(document_id)
    old, new = _revisions(document)
    rows, refusal = [], None
    try:
        rows = services.table_rows(document, old, new)
    except ServiceError as exc:
        refusal = exc
    return render_template(
        "comparison/page.html",
        document=document,
        old=old,
        new=new,
        cover=services.cover_text(old, new),
        revisions=queries.revisions_by_number(document),
        default=services.default_revisions(document),
        rows=rows,
        refusal=refusal,
        kind_labels=KIND_LABELS,
        args={"from": old.id, "to": new.id},
    )


def _pdf_or_back(document, old, new, make, filename: str, ascii_name: str):
    try:
        pdf = make(document, old, new)
    except (ExportError, ServiceError) as exc:
        flash(str(exc), "error")
        return _back(document, old, new)
    return _download(pdf, "application/pdf", filename, ascii_name, inline=True)


@bp.route("/<int:document_id>/comparison/redline.pdf")
def redline_pdf(document_id: int):
    document = _document(document_id)
    old, new = _revisions(document)
    return _pdf_or_back(
        document,
        old,
        new,
        services.redline_pdf,
        f"{document.number} 比较 第{old.number}版-第{new.number}版.pdf",
        f"redline-{document.id}-r{old.number}-r{new.number}.pdf",
    )


@bp.route("/<int:document_id>/comparison/clause-table.pdf")
def clause_table_pdf(document_id: int):
    document = _document(document_id)
    old, new = _revisions(document)
    return _pdf_or_back(
        document,
        old,
        new,
        services.clause_table_pdf,
        f"{document.number} 条文对照表 第{old.number}版-第{new.number}版.pdf",
        f"clause-table-{document.id}-r{old.number}-r{new.number}.pdf",
    )


@bp.route("/<int:document_id>/comparison/clause-table.xlsx")
def clause_table_xlsx(document_id: int):
    document = _document(document_id)
    old, new = _revisions(document)
    with on_refusal(lambda exc: _back(document, old, new)):
        data = services.clause_table_xlsx(document, old, new)
    return _download(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{document.number} 条文对照表 第{old.number}版-第{new.number}版.xlsx",
        f"clause-table-{document.id}-r{old.number}-r{new.number}.xlsx",
        inline=False,
    )


templating.PERMISSIONS.update({"can_compare": permissions.can_compare})
