"""Word on the web: upload a .docx, see the diff, confirm (the .docx of a revision is an
export job's: drafting.jobs.views)."""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from drafting.core.errors import ServiceError
from drafting.core.files import read_upload
from drafting.core.web import flash_form_errors, on_refusal
from drafting.documents import permissions, queries
from drafting.documents.diff import render_side_by_side_html
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.views import document_or_404 as _document
from drafting.word import services
from drafting.word.forms import NewFromWordForm

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
    "replaces": _l("Replaces"),
    "adoption": _l("Degree of correspondence"),
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
    return _preview_page(document, preview)


def _preview_page(document: StandardDocument, preview, status: int = 200, ticked=()):
    diff_html = render_side_by_side_html(preview.diff, skip_label=_("{n} unchanged lines"))
    return render_template(
        "word/import.html",
        document=document,
        preview=preview,
        diff_html=diff_html,
        meta_labels=META_LABELS,
        place=services.finding_place,
        ticked=set(ticked),
        may_apply=permissions.can_manage_document(current_user, document),
        message=request.form.get("message") if status != 200 else None,
    ), status


@bp.route("/<int:document_id>/import/confirm", methods=["POST"])
def import_confirm(document_id: int):
    document = _document(document_id, can_use_word)

    def preview_again(exc: ServiceError):
        """The preview again, with what was ticked: nothing is lost."""
        try:
            preview = services.reopen_import(
                document, upload=request.form.get("upload", ""), actor=current_user
            )
        except ServiceError:
            return redirect(url_for("word.import_docx", document_id=document.id))
        return _preview_page(document, preview, exc.status, request.form.getlist("apply"))

    with on_refusal(preview_again):
        saved = services.confirm_import(
            document,
            upload=request.form.get("upload", ""),
            base_revision_id=request.form.get("base_revision_id", type=int),
            message=request.form.get("message", ""),
            apply_meta=request.form.getlist("apply"),
            actor=current_user,
        )
    flash(_("The Word document was saved as revision %(n)d.", n=saved.revision.number), "success")
    return redirect(url_for("documents.show", document_id=document.id))


# --- a new document from a Word file ----------------------------------------------


def _editable_groups():
    """The groups the user may create a document in; anonymous visitors log in, others without one: 403."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
    groups = queries.editable_groups(current_user)
    if not groups:
        abort(403)
    return groups


def _group_choices(groups) -> list[tuple[int, str]]:
    labels = queries.group_labels(groups)
    return [(g.id, labels[g.id]) for g in groups]


def _new_page(groups, *, preview=None, form=None, group=None, status: int = 200):
    return render_template(
        "word/new.html",
        groups=_group_choices(groups),
        preview=preview,
        form=form,
        group=group,
        meta_labels=META_LABELS,
        place=services.finding_place,
    ), status


@bp.route("/import", methods=["GET", "POST"])
def new_from_word():
    """GET: choose the group and the .docx. POST: the text and the cover fields to confirm."""
    groups = _editable_groups()
    if request.method == "GET":  # ?group=<id> chooses the group
        chosen = request.args.get("group", type=int)
        return _new_page(groups, group=next((g for g in groups if g.id == chosen), None))
    group = next((g for g in groups if g.id == request.form.get("group_id", type=int)), None)
    upload = request.files.get("file")
    if group is None:
        flash(_("Choose the drafting group of the new document."), "error")
        return _new_page(groups, status=422)
    if upload is None or not upload.filename:
        flash(_("Choose a Word document (.docx) to import."), "error")
        return _new_page(groups, group=group, status=422)
    with on_refusal(lambda exc: _new_page(groups, group=group, status=exc.status)):
        preview = services.preview_new_document(
            group, filename=upload.filename, data=read_upload(upload), actor=current_user
        )
    form = NewFromWordForm(
        formdata=None,
        data={
            **services.new_document_fields(preview.result.meta),
            "group_id": group.id,
            "upload": preview.upload,
            "message": _("Imported from a Word document"),
        },
    )
    return _new_page(groups, preview=preview, form=form, group=group)


@bp.route("/import/create", methods=["POST"])
def create_from_word():
    groups = _editable_groups()
    form = NewFromWordForm()
    group = next((g for g in groups if g.id == form.group_id.data), None)
    if group is None:
        flash(_("Choose the drafting group of the new document."), "error")
        return _new_page(groups, status=422)
    with on_refusal(lambda exc: _new_page(groups, group=group, status=exc.status)):
        result = services.uploaded_for_group(group, form.upload.data or "", current_user)
    preview = services.ImportPreview(
        form.upload.data, None, result, None, services.meta_changes(None, result.meta)
    )
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _new_page(groups, preview=preview, form=form, group=group, status=422)
    with on_refusal(
        lambda exc: _new_page(groups, preview=preview, form=form, group=group, status=exc.status)
    ):
        document = services.create_from_import(
            group,
            upload=form.upload.data,
            actor=current_user,
            **form.cover_fields(),
            replaces=form.replaces.data or "",
            adoption=form.adoption.data or "",
            message=form.message.data or "",
        )
    flash(
        _("The document %(number)s was created from the Word file.", number=document.number),
        "success",
    )
    return redirect(url_for("documents.show", document_id=document.id))
