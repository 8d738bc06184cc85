"""The applicant's pages: start, fill in, upload evidence, submit, withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting import templating
from drafting.applications import permissions, services
from drafting.applications.models import (
    ROLE_LABELS,
    STATE_LABELS,
    Application,
    Attachment,
)
from drafting.applications.queries import application_or_404, own_application
from drafting.calls.models import Call, CallState
from drafting.calls.permissions import applies_for_an_organization
from drafting.core.errors import Conflict, ServiceError
from drafting.core.files import read_upload, send_stored
from drafting.core.requests import request_id
from drafting.core.transaction import keep_on_error
from drafting.core.web import flash_error, get_or_404, on_refusal, require
from drafting.extensions import db
from drafting.groups.models import GroupRole

bp = Blueprint("applications", __name__)


def _editable_or_403(application_id: int) -> Application:
    application = application_or_404(application_id)
    require(permissions.can_edit_application(current_user, application))
    return application


@bp.route("/applications/")
@login_required
def index():
    require(permissions.can_list_own_applications(current_user))
    applications = db.session.scalars(
        select(Application)
        .where(Application.organization_id == current_user.organization_id)
        .order_by(Application.created_at.desc())
    ).all()
    return render_template("applications/index.html", applications=applications)


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@login_required
def start(call_id: int):
    call = get_or_404(Call, call_id)
    if call.state == CallState.DRAFT:
        abort(404)
    require(applies_for_an_organization(current_user))
    with on_refusal(lambda exc: redirect(url_for("calls.show", call_id=call.id))):
        # The organization's application, or a new one if `can_start_application`.
        application = services.start_application(
            call, current_user.organization, actor=current_user
        )
    return redirect(url_for("applications.edit", application_id=application.id))


def _render(application: Application, status: int = 200, conflicts=None, problems=None):
    return render_template(
        "applications/edit.html",
        application=application,
        call=application.call,
        checklist=services.checklist(application),
        editable=services.is_editable(application)
        and permissions.can_edit_application(current_user, application),
        deadline_passed=application.call.has_closed(),
        conflicts=conflicts or {},
        problems=problems or [],
        chosen={s.standard_id: s.role.value for s in application.standards},
        state_labels=STATE_LABELS,
        role_labels_app=ROLE_LABELS,
    ), status


@bp.route("/applications/<int:application_id>", methods=["GET"])
@login_required
def edit(application_id: int):
    application = application_or_404(application_id)
    if not permissions.can_edit_application(current_user, application):
        return redirect(url_for("reviews.review", application_id=application.id))
    return _render(application)


@bp.route("/applications/<int:application_id>", methods=["POST"])
@login_required
def save(application_id: int):
    """Save the whole form; answers a colleague changed meanwhile come back as conflicts."""
    application = _editable_or_403(application_id)
    form = request.form
    # Fields missing from the form are left alone (e.g. a form cut short).
    standards = None
    if any(f"standard-{s.id}" in form for s in application.call.standards):
        standards = {}
        for s in application.call.standards:
            role = form.get(f"standard-{s.id}", "")
            if role in ("main", "participating"):
                standards[s.id] = GroupRole(role)
            elif role:
                flash(
                    _(
                        "Choose main drafting unit, participating unit or not applying for each standard."
                    ),
                    "error",
                )
                return _render(application, 422)
    with on_refusal(lambda exc: _render(application, exc.status)):
        services.update_details(
            application,
            actor=current_user,
            standards=standards,
            contact_name=form.get("contact_name"),
            contact_phone=form.get("contact_phone"),
            contact_email=form.get("contact_email"),
        )
    conflicts = {}
    for r in application.call.requirements:
        key = f"answer-{r.id}"
        if key not in form:
            continue
        try:
            version = int(form.get(f"version-{r.id}", "0"))
        except ValueError:
            version = -1
        try:
            services.save_answer(
                application,
                r.id,
                form[key].replace("\r\n", "\n"),
                base_version=version,
                actor=current_user,
            )
        except Conflict as exc:
            conflicts[r.id] = exc.details
    upload_errors = _store_uploads(application)
    if conflicts or upload_errors:
        # Everything else is saved; the conflicting answers are shown with both
        # texts, and a refused file is named with the reason.
        keep_on_error()
    if upload_errors:
        for exc in upload_errors:
            flash_error(exc)
        if not conflicts:
            return _render(application, max(exc.status for exc in upload_errors))
    if conflicts:
        flash(
            _(
                "A colleague changed %(n)d answer(s) while you were editing. Your other changes are saved; merge the texts shown and save again.",
                n=len(conflicts),
            ),
            "error",
        )
        return _render(application, 409, conflicts=conflicts)
    if request.form.get("action") == "submit":
        return submit(application_id)
    if request.form.get("action") == "upload" and not any(_files_in_request(application)):
        keep_on_error()  # what was typed is saved all the same
        flash(_("Choose a file to upload."), "error")
        return _render(application, 400)
    flash(_("Saved."), "success")
    # Back to the part of the form the user was in: the requirement whose file
    # was uploaded, else the save buttons (a fragment moves the Tab order there).
    uploaded = [requirement_id for requirement_id, _file in _files_in_request(application)]
    anchor = f"#req-{uploaded[0]}" if uploaded else "#app-actions"
    return redirect(url_for("applications.edit", application_id=application.id) + anchor)


def _files_in_request(application: Application):
    for r in application.call.requirements:
        upload = request.files.get(f"file-{r.id}")
        if upload is not None and upload.filename:
            yield r.id, upload


def _store_uploads(application: Application) -> list[ServiceError]:
    """Store the evidence files sent with the main form; return the refusals."""
    errors = []
    for requirement_id, upload in _files_in_request(application):
        try:
            services.add_attachment(
                application,
                requirement_id,
                filename=upload.filename,
                data=read_upload(upload),
                actor=current_user,
            )
        except ServiceError as exc:
            errors.append(exc)
    return errors


@bp.route("/applications/<int:application_id>/files", methods=["POST"])
@login_required
def upload(application_id: int):
    application = _editable_or_403(application_id)
    upload = request.files.get("file")
    try:
        requirement_id = request_id(request.form.get("requirement_id", ""))
    except ValueError:
        requirement_id = 0
    if upload is None or not upload.filename or not requirement_id:
        flash(_("Choose a file to upload."), "error")
        return _render(application, 400)
    with on_refusal(lambda exc: _render(application, exc.status)):
        services.add_attachment(
            application,
            requirement_id,
            filename=upload.filename,
            data=read_upload(upload),
            actor=current_user,
        )
    flash(_("The file has been uploaded."), "success")
    return redirect(
        url_for("applications.edit", application_id=application.id) + f"#req-{requirement_id}"
    )


def _attachment_of(application: Application, attachment_id: int) -> Attachment:
    for a in application.attachments:
        if a.id == attachment_id:
            return a
    abort(404)


@bp.route("/applications/<int:application_id>/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_file(application_id: int, attachment_id: int):
    application = _editable_or_403(application_id)
    attachment = _attachment_of(application, attachment_id)
    with on_refusal(lambda exc: _render(application, exc.status)):
        services.remove_attachment(application, attachment, actor=current_user)
    flash(_("The file has been removed."), "success")
    return redirect(
        url_for("applications.edit", application_id=application.id)
        + f"#req-{attachment.requirement_id}"
    )


@bp.route("/applications/<int:application_id>/files/<int:attachment_id>")
@login_required
def download(application_id: int, attachment_id: int):
    application = application_or_404(application_id)
    attachment = _attachment_of(application, attachment_id)
    return send_stored(
        attachment.sha256,
        attachment.filename,
        attachment.content_type,
        inline=request.args.get("inline") == "1",
    )


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def submit(application_id: int):
    application = _editable_or_403(application_id)
    with on_refusal(
        lambda exc: _render(
            application, exc.status, problems=exc.details if isinstance(exc.details, list) else []
        )
    ):
        services.submit(application, actor=current_user)
    flash(_("Your application has been submitted. A receipt is on its way by mail."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw(application_id: int):
    application = _editable_or_403(application_id)
    with on_refusal(lambda exc: _render(application, exc.status)):
        services.withdraw(application, actor=current_user, reason=request.form.get("reason", ""))
    flash(_("The application has been withdrawn."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


@bp.route("/applications/<int:application_id>/reopen", methods=["POST"])
@login_required
def reopen(application_id: int):
    application = _editable_or_403(application_id)
    with on_refusal(lambda exc: _render(application, exc.status)):
        services.reopen(application, actor=current_user)
    flash(_("The application is a draft again."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


@bp.app_context_processor
def _labels():
    return {"application_state_labels": STATE_LABELS, "applied_role_labels": ROLE_LABELS}


bp.add_app_template_global(own_application, "own_application")


templating.NAV.append(
    templating.NavEntry(
        "applications.index", _l("Our applications"), permissions.can_list_own_applications, 20
    )
)
templating.PERMISSIONS.update(
    {
        "can_view_application": permissions.can_view_application,
        "can_edit_application": permissions.can_edit_application,
    }
)
