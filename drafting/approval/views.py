"""The approval page: the editors' 编制说明, the package ZIP, and publication with dates."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from drafting import templating
from drafting.approval import notes, package, permissions, services
from drafting.approval.forms import NotesForm, PublishForm
from drafting.approval.models import NOTE_SECTION_HEADINGS, NOTE_SECTIONS
from drafting.approval.queries import notes_of, notes_record, publication_of
from drafting.core.files import content_disposition
from drafting.core.markdown import render_markdown
from drafting.core.web import deny, flash_form_errors, on_refusal
from drafting.documents.states import STAGE_LABELS, DocumentStage
from drafting.documents.views import document_or_404, stage_page
from drafting.export import ExportError

bp = Blueprint("approval", __name__, url_prefix="/documents")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _record(document):
    return notes_record(
        document,
        current_app.config["ASSOCIATION_NAME"],
        current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"),
    )


def _page(document, form: NotesForm | None = None, publish_form=None, status: int = 200):
    stored = notes_of(document)
    if form is None:
        form = NotesForm(formdata=None, obj=stored)
        form.version.data = stored.version if stored else 0
    return render_template(
        "approval/approval.html",
        document=document,
        form=form,
        publish_form=publish_form or _publish_form(document),
        notes=stored,
        sections=[(name, NOTE_SECTION_HEADINGS[name]) for name in NOTE_SECTIONS],
        previews={
            name: render_markdown(stored.section(name)) if stored else "" for name in NOTE_SECTIONS
        },
        parts=package.PARTS,
        publication=publication_of(document),
        can_edit=permissions.can_edit_notes(current_user, document),
        can_assemble=permissions.can_assemble_package(current_user, document),
        can_publish=permissions.can_publish(current_user, document),
        approval_label=STAGE_LABELS[DocumentStage.DRAFT_FOR_APPROVAL],
    ), status


def _publish_form(document) -> PublishForm:
    return PublishForm(
        formdata=None,
        published_on=document.planned_published_on,
        implemented_on=document.planned_implemented_on,
    )


@bp.route("/<int:document_id>/approval")
def page(document_id: int):
    document = document_or_404(document_id, permissions.can_view_approval)
    return _page(document)


@bp.route("/<int:document_id>/approval/notes", methods=["POST"])
def save_notes(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_notes)
    form = NotesForm()
    if not form.validate():
        flash_form_errors(form)
        return _page(document, form=form, status=422)
    with on_refusal(lambda exc: _page(document, form=form, status=exc.status)):
        services.save_notes(
            document,
            {name: getattr(form, name).data or "" for name in NOTE_SECTIONS},
            actor=current_user,
            version=form.version.data,
        )
    flash(_("The explanatory notes are saved."), "success")
    return redirect(url_for("approval.page", document_id=document.id))


def _download(data: bytes, content_type: str, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _notes_name(document, ext: str) -> str:
    return f"{document.number.replace('/', '-')} 编制说明.{ext}"


@bp.route("/<int:document_id>/approval/notes.pdf")
def notes_pdf(document_id: int):
    document = document_or_404(document_id, permissions.can_view_approval)
    try:
        pdf = notes.to_pdf(_record(document))
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("approval.page", document_id=document.id))
    return _download(pdf, "application/pdf", _notes_name(document, "pdf"))


@bp.route("/<int:document_id>/approval/notes.docx")
def notes_docx(document_id: int):
    document = document_or_404(document_id, permissions.can_view_approval)
    return _download(notes.to_docx(_record(document)), DOCX, _notes_name(document, "docx"))


@bp.route("/<int:document_id>/approval/package", methods=["POST"])
def assemble(document_id: int):
    document = document_or_404(document_id, permissions.can_view_approval)
    if not permissions.can_assemble_package(current_user, document):
        flash(_("The approval package is made from the draft for approval (报批稿) only."), "error")
        return _page(document, status=409)
    try:
        with on_refusal(lambda exc: _page(document, status=exc.status)):
            result = services.assemble_package(document, actor=current_user)
    except ExportError as exc:
        flash(str(exc), "error")
        return _page(document, status=422)
    return _download(result.data, "application/zip", result.filename)


@bp.route("/<int:document_id>/publish", methods=["POST"])
def publish(document_id: int):
    document = document_or_404(document_id)
    if not permissions.can_publish(current_user, document):
        return deny()
    form = PublishForm()
    if not form.validate():
        # The stage page is the documents package's: the field errors are said in a flash.
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return stage_page(document, status=422)
    # An error status: nothing of the attempt (the dates) is committed.
    with on_refusal(lambda exc: stage_page(document, refusal=exc, status=exc.status)):
        services.publish(
            document,
            published_on=form.published_on.data,
            implemented_on=form.implemented_on.data,
            actor=current_user,
        )
    flash(
        _(
            "The standard is published on %(published)s and is implemented from %(implemented)s.",
            published=form.published_on.data.isoformat(),
            implemented=form.implemented_on.data.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("documents.stage", document_id=document.id))


templating.PERMISSIONS.update(
    {
        "can_view_approval": permissions.can_view_approval,
        "can_publish": permissions.can_publish,
    }
)


@bp.app_context_processor
def _publish_form_for_stage_page():
    """The stage page (documents) shows the publication form beside the move buttons."""
    return {"publish_form_for": _publish_form}
