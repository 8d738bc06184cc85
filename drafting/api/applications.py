"""API: applications, answers, evidence files, submit."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from drafting.accounts.models import Role
from drafting.api.core import api_error, api_route
from drafting.api.validation import (
    Body,
    Count,
    Id,
    Query,
    QueryId,
    Text,
    api_body,
    api_query,
    time_json,
)
from drafting.applications import permissions, services
from drafting.applications.models import Application
from drafting.applications.queries import application_or_404
from drafting.calls.models import Call, CallState
from drafting.calls.permissions import applies_for_an_organization
from drafting.core.files import read_upload, send_stored
from drafting.core.requests import id_from_text
from drafting.extensions import db
from drafting.groups.models import GroupRole
from drafting.reviews.queries import decisions_for

APPLICATION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "call_id": {"type": "integer"},
        "organization": {"type": "string"},
        "state": {"type": "string"},
        "contact_name": {"type": "string"},
        "contact_phone": {"type": "string"},
        "contact_email": {"type": "string"},
        "submitted_at": {"type": ["string", "null"]},
        "return_message": {"type": "string"},
        "standards": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "standard_id": {"type": "integer"},
                    "role": {"type": "string", "enum": ["main", "participating"]},
                },
            },
        },
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "requirement_id": {"type": "integer"},
                    "statement": {"type": "string"},
                    "version": {"type": "integer"},
                },
            },
        },
        "attachments": {"type": "array", "items": {"type": "object"}},
        "missing": {"type": "array", "items": {"type": "string"}},
        "decisions": {"type": "array", "items": {"type": "object"}},
    },
}


class ApplicationsQuery(Query):
    call_id: QueryId | None = Field(
        default=None, description="secretariat: one call's applications"
    )


class ApplicationInput(Body):
    call_id: Id


class StandardChoice(BaseModel):
    model_config = ConfigDict(extra="ignore")
    standard_id: Id
    role: Literal["main", "participating"]


class ApplicationPatch(Body):
    contact_name: Annotated[Text, Field(max_length=200)] | None = None
    contact_phone: Annotated[Text, Field(max_length=50)] | None = None
    contact_email: Annotated[Text, Field(max_length=254)] | None = None
    standards: Annotated[list[StandardChoice], Field(max_length=200)] | None = None


class AnswerInput(Body):
    requirement_id: Id
    statement: Annotated[Text, Field(max_length=100_000)]
    version: Annotated[
        Count, Field(description="the version you edited (0 when there was no answer)")
    ]


ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "requirement_id": {"type": "integer"},
        "statement": {"type": "string"},
        "version": {"type": "integer"},
    },
}


def application_json(a: Application) -> dict:
    decisions = decisions_for([a.id]).get(a.id, {})
    return {
        "id": a.id,
        "call_id": a.call_id,
        "organization": a.organization.name,
        "state": a.state.value,
        "contact_name": a.contact_name,
        "contact_phone": a.contact_phone,
        "contact_email": a.contact_email,
        "submitted_at": time_json(a.submitted_at),
        "return_message": a.return_message,
        "standards": [{"standard_id": s.standard_id, "role": s.role.value} for s in a.standards],
        "answers": [
            {"requirement_id": x.requirement_id, "statement": x.statement, "version": x.version}
            for x in a.answers
        ],
        "attachments": [
            {
                "id": f.id,
                "requirement_id": f.requirement_id,
                "filename": f.filename,
                "size": f.size,
                "content_type": f.content_type,
            }
            for f in a.attachments
        ],
        "missing": services.missing_items(a),
        "decisions": [
            {"standard_id": d.standard_id, "outcome": d.outcome.value, "reason": d.reason}
            for d in decisions.values()
            if d.published_at is not None
        ],
    }


def _editable(application_id: int) -> Application:
    application = application_or_404(application_id)
    if not permissions.can_edit_application(current_user, application):
        abort(
            api_error(
                403,
                "forbidden",
                _("Only the applicant organization's users can change an application."),
            )
        )
    return application


@api_route(
    "/applications",
    summary="Your organization's applications (all of a call for the secretariat: ?call_id=)",
    tags=("applications",),
    query=ApplicationsQuery,
    response_schema={"type": "array", "items": APPLICATION_SCHEMA},
    errors=(401, 403, 422),
)
def applications_list():
    query = select(Application).order_by(Application.id)
    if current_user.role == Role.SECRETARIAT:
        args: ApplicationsQuery = api_query()
        if args.call_id:
            query = query.where(Application.call_id == args.call_id)
    elif permissions.can_list_own_applications(current_user):
        query = query.where(Application.organization_id == current_user.organization_id)
    else:
        return api_error(
            403, "forbidden", _("Reviewers find applications through the calls they review.")
        )
    return [application_json(a) for a in db.session.scalars(query.limit(500))]


@api_route(
    "/applications",
    methods=("POST",),
    summary="Start your organization's application to a call: 201 with the new one, "
    "or 200 with the one your organization already has for that call",
    tags=("applications",),
    body=ApplicationInput,
    response_schema=APPLICATION_SCHEMA,
    success_status=201,
    extra_success=(200,),
    errors=(400, 401, 403, 404, 409, 422),
)
def applications_create():
    if not applies_for_an_organization(current_user):
        return api_error(403, "forbidden", _("Only users of a member organization can apply."))
    data: ApplicationInput = api_body()
    call = db.session.get(Call, data.call_id)
    if call is None or call.state == CallState.DRAFT:
        abort(404)
    existed = db.session.scalar(
        select(Application.id).where(
            Application.call_id == call.id,
            Application.organization_id == current_user.organization_id,
        )
    )
    # The organization's application, or a new one if `can_start_application`.
    application = services.start_application(call, current_user.organization, actor=current_user)
    return application_json(application), (200 if existed else 201)


@api_route(
    "/applications/<int:application_id>",
    summary="One application",
    tags=("applications",),
    response_schema=APPLICATION_SCHEMA,
    errors=(401, 404),
)
def applications_get(application_id: int):
    return application_json(application_or_404(application_id))


@api_route(
    "/applications/<int:application_id>",
    methods=("PATCH",),
    summary="Change contact and standards",
    tags=("applications",),
    body=ApplicationPatch,
    response_schema=APPLICATION_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def applications_patch(application_id: int):
    application = _editable(application_id)
    data: ApplicationPatch = api_body()
    standards = None
    if data.standards is not None:
        standards = {c.standard_id: GroupRole(c.role) for c in data.standards}
    services.update_details(
        application,
        actor=current_user,
        standards=standards,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
    )
    return application_json(application)


@api_route(
    "/applications/<int:application_id>/answers",
    methods=("PUT",),
    summary="Save one answer; a stale version is refused with 409 and both texts",
    tags=("applications",),
    body=AnswerInput,
    response_schema=ANSWER_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def applications_answer(application_id: int):
    application = _editable(application_id)
    data: AnswerInput = api_body()
    rid, statement, version = data.requirement_id, data.statement, data.version
    answer = services.save_answer(
        application, rid, statement, base_version=version, actor=current_user
    )
    return {
        "requirement_id": rid,
        "statement": answer.statement if answer else "",
        "version": answer.version if answer else 0,
    }


@api_route(
    "/applications/<int:application_id>/attachments",
    methods=("POST",),
    summary="Upload an evidence file (multipart: requirement_id, file)",
    tags=("applications",),
    success_status=201,
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def applications_upload(application_id: int):
    application = _editable(application_id)
    upload = request.files.get("file")
    rid = id_from_text(request.form.get("requirement_id"))
    if upload is None or not upload.filename or not rid:
        return api_error(
            400, "bad_request", _("Send multipart/form-data with requirement_id and file.")
        )
    f = services.add_attachment(
        application, rid, filename=upload.filename, data=read_upload(upload), actor=current_user
    )
    return {
        "id": f.id,
        "requirement_id": f.requirement_id,
        "filename": f.filename,
        "size": f.size,
        "content_type": f.content_type,
    }, 201


@api_route(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    summary="Download an evidence file",
    tags=("applications",),
    errors=(401, 404),
    response_content_type="*/*",
)
def applications_download(application_id: int, attachment_id: int):
    application = application_or_404(application_id)
    for f in application.attachments:
        if f.id == attachment_id:
            return send_stored(f.sha256, f.filename, f.content_type)
    abort(404)


@api_route(
    "/applications/<int:application_id>/submit",
    methods=("POST",),
    summary="Submit the application",
    tags=("applications",),
    response_schema=APPLICATION_SCHEMA,
    errors=(401, 403, 404, 409, 422),
)
def applications_submit(application_id: int):
    application = _editable(application_id)
    services.submit(application, actor=current_user)
    return application_json(application)


@api_route(
    "/applications/<int:application_id>/withdraw",
    methods=("POST",),
    summary="Withdraw the application",
    tags=("applications",),
    response_schema=APPLICATION_SCHEMA,
    errors=(401, 403, 404, 409),
)
def applications_withdraw(application_id: int):
    application = _editable(application_id)
    services.withdraw(application, actor=current_user)
    return application_json(application)


@api_route(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    methods=("DELETE",),
    summary="Remove an evidence file",
    tags=("applications",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def applications_attachment_delete(application_id: int, attachment_id: int):
    application = _editable(application_id)
    for f in application.attachments:
        if f.id == attachment_id:
            services.remove_attachment(application, f, actor=current_user)
            return "", 204
    abort(404)


@api_route(
    "/applications/<int:application_id>/reopen",
    methods=("POST",),
    summary="Turn a withdrawn application back into a draft (before the deadline)",
    tags=("applications",),
    response_schema=APPLICATION_SCHEMA,
    errors=(401, 403, 404, 409),
)
def applications_reopen(application_id: int):
    application = _editable(application_id)
    services.reopen(application, actor=current_user)
    return application_json(application)
