"""API: calls, their standards and requirements."""

from __future__ import annotations

from typing import Annotated

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, Strict
from sqlalchemy import select

from drafting.api.core import api_error, api_route, required_file
from drafting.api.validation import (
    Body,
    Flag,
    Id,
    Query,
    Text,
    Time,
    api_body,
    api_query,
    time_json,
)
from drafting.calls import permissions, services
from drafting.calls.models import Call, CallState, EvidenceKind
from drafting.calls.queries import load_call
from drafting.core.files import read_upload
from drafting.extensions import db

CALL_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "state": {"type": "string"},
        "status": {
            "type": "string",
            "enum": ["draft", "upcoming", "open", "closed", "decided", "archived"],
        },
        "issuing_body": {"type": "string"},
        "notice": {"type": "string"},
        "contact": {"type": "string"},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
    },
}
STANDARD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title_zh": {"type": "string"},
        "title_en": {"type": "string"},
        "scope": {"type": "string"},
        "planned_number": {"type": "string"},
        "main_capacity": {"type": "integer"},
    },
}
REQUIREMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "position": {"type": "integer"},
        "text": {"type": "string"},
        "mandatory": {"type": "boolean"},
        "evidence": {"type": "string", "enum": ["statement", "file", "both"]},
        "weight": {"type": "integer"},
        "standard_ids": {"type": ["array", "null"], "items": {"type": "integer"}},
    },
}


class CallInput(Body):
    title: Annotated[Text, Field(min_length=1, max_length=300)]
    notice: Annotated[Text, Field(max_length=100_000)] = ""
    issuing_body: Annotated[Text, Field(max_length=200)] = ""
    contact: Annotated[Text, Field(max_length=300)] = ""
    opens_at: Time
    closes_at: Time


class CallPatch(Body):
    """Only the fields sent change. On a published call `closes_at` may only move
    later (the deadline is extended and applicants are told); `close_now` closes
    an open call at once, so that decisions can be published."""

    title: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    notice: Annotated[Text, Field(max_length=100_000)] | None = None
    issuing_body: Annotated[Text, Field(max_length=200)] | None = None
    contact: Annotated[Text, Field(max_length=300)] | None = None
    opens_at: Time | None = None
    closes_at: Time | None = None
    close_now: Flag = False


class StandardInput(Body):
    title_zh: Annotated[Text, Field(min_length=1, max_length=300)]
    title_en: Annotated[Text, Field(max_length=300)] = ""
    scope: Annotated[Text, Field(max_length=5000)] = ""
    planned_number: Annotated[Text, Field(max_length=50)] = ""
    main_capacity: Annotated[int, Strict(), Field(ge=0, le=100)] = 3


class StandardPatch(Body):
    title_zh: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    title_en: Annotated[Text, Field(max_length=300)] | None = None
    scope: Annotated[Text, Field(max_length=5000)] | None = None
    planned_number: Annotated[Text, Field(max_length=50)] | None = None
    main_capacity: Annotated[int, Strict(), Field(ge=0, le=100)] | None = None


class RequirementInput(Body):
    text: Annotated[Text, Field(min_length=1, max_length=5000)]
    mandatory: Flag = True
    evidence: EvidenceKind = EvidenceKind.BOTH
    weight: Annotated[int, Strict(), Field(ge=0, le=100)] = 1
    standard_ids: Annotated[list[Id], Field(max_length=500)] | None = Field(
        default=None, description="the standards it applies to; none or null: every standard"
    )


class RequirementPatch(Body):
    text: Annotated[Text, Field(min_length=1, max_length=5000)] | None = None
    mandatory: Flag | None = None
    evidence: EvidenceKind | None = None
    weight: Annotated[int, Strict(), Field(ge=0, le=100)] | None = None
    standard_ids: Annotated[list[Id], Field(max_length=500)] | None = Field(
        default=None, description="[] or null: every standard"
    )


def call_json(call: Call) -> dict:
    return {
        "id": call.id,
        "title": call.title,
        "state": call.state.value,
        "status": call.display_state(),
        "issuing_body": call.issuing_body,
        "notice": call.notice,
        "contact": call.contact,
        "opens_at": time_json(call.opens_at),
        "closes_at": time_json(call.closes_at),
    }


def standard_json(s) -> dict:
    return {
        "id": s.id,
        "title_zh": s.title_zh,
        "title_en": s.title_en,
        "scope": s.scope,
        "planned_number": s.planned_number,
        "main_capacity": s.main_capacity,
    }


def requirement_json(r) -> dict:
    return {
        "id": r.id,
        "position": r.position,
        "text": r.text,
        "mandatory": r.mandatory,
        "evidence": r.evidence.value,
        "weight": r.weight,
        "standard_ids": None if r.applies_to_all else [s.id for s in r.standards],
    }


def _visible_call(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None or not permissions.can_view_call(current_user, call):
        abort(404)
    return call


def _managed_call(call_id: int) -> Call:
    call = _visible_call(call_id)
    if not permissions.can_manage_calls(current_user):
        abort(api_error(403, "forbidden", _("Only the secretariat can change calls.")))
    return call


class CallsQuery(Query):
    archived: bool = Field(
        default=False, description="the archived calls instead of the current ones"
    )


@api_route(
    "/calls",
    summary="Published and decided calls (drafts too for the secretariat); "
    "?archived=true: the archived ones",
    tags=("calls",),
    auth=False,
    query=CallsQuery,
    response_schema={"type": "array", "items": CALL_SCHEMA},
    errors=(422,),
)
def calls_list():
    args: CallsQuery = api_query()
    calls = services.public_calls(archived=args.archived)
    if args.archived:
        return [call_json(c) for c in calls]
    if permissions.can_manage_calls(current_user):
        calls = list(db.session.scalars(select(Call).where(Call.state == CallState.DRAFT))) + calls
    return [call_json(c) for c in calls]


@api_route(
    "/calls",
    methods=("POST",),
    summary="Create a draft call (secretariat)",
    tags=("calls",),
    body=CallInput,
    response_schema=CALL_SCHEMA,
    success_status=201,
)
def calls_create():
    if not permissions.can_manage_calls(current_user):
        return api_error(403, "forbidden", _("Only the secretariat can create calls."))
    data: CallInput = api_body()
    call = services.create_call(**data.model_dump(), actor=current_user)
    return call_json(call), 201


@api_route(
    "/calls/<int:call_id>",
    summary="One call",
    tags=("calls",),
    auth=False,
    response_schema=CALL_SCHEMA,
    errors=(404,),
)
def calls_get(call_id: int):
    call = _visible_call(call_id)
    return {
        **call_json(call),
        "standards": [standard_json(s) for s in call.standards],
        "requirements": [requirement_json(r) for r in call.requirements],
    }


@api_route(
    "/calls/<int:call_id>/standards",
    summary="The standards of a call",
    tags=("calls",),
    auth=False,
    response_schema={"type": "array", "items": STANDARD_SCHEMA},
    errors=(404,),
)
def calls_standards(call_id: int):
    return [standard_json(s) for s in _visible_call(call_id).standards]


@api_route(
    "/calls/<int:call_id>/standards",
    methods=("POST",),
    summary="Add a standard (secretariat)",
    tags=("calls",),
    body=StandardInput,
    response_schema=STANDARD_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_standards_add(call_id: int):
    call = _managed_call(call_id)
    data: StandardInput = api_body()
    s = services.add_standard(call, **data.model_dump(), actor=current_user)
    return standard_json(s), 201


@api_route(
    "/calls/<int:call_id>/requirements",
    summary="The requirements of a call, in order",
    tags=("calls",),
    auth=False,
    response_schema={"type": "array", "items": REQUIREMENT_SCHEMA},
    errors=(404,),
)
def calls_requirements(call_id: int):
    return [requirement_json(r) for r in _visible_call(call_id).requirements]


@api_route(
    "/calls/<int:call_id>/requirements",
    methods=("POST",),
    summary="Add a requirement (secretariat)",
    tags=("calls",),
    body=RequirementInput,
    response_schema=REQUIREMENT_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_requirements_add(call_id: int):
    call = _managed_call(call_id)
    data: RequirementInput = api_body()
    r = services.add_requirement(
        call,
        text=data.text,
        mandatory=data.mandatory,
        evidence=data.evidence,
        weight=data.weight,
        standard_ids=data.standard_ids or [],
        actor=current_user,
    )
    return requirement_json(r), 201


@api_route(
    "/calls/<int:call_id>/publish",
    methods=("POST",),
    summary="Publish a draft call (secretariat)",
    tags=("calls",),
    response_schema=CALL_SCHEMA,
    errors=(401, 403, 404, 409),
)
def calls_publish(call_id: int):
    call = _managed_call(call_id)
    services.publish(call, actor=current_user)
    return call_json(call)


@api_route(
    "/calls/<int:call_id>/archive",
    methods=("POST",),
    summary="Archive a decided call: it leaves the default lists, stays readable (secretariat)",
    tags=("calls",),
    response_schema=CALL_SCHEMA,
    errors=(401, 403, 404, 409),
)
def calls_archive(call_id: int):
    call = _managed_call(call_id)
    services.archive(call, actor=current_user)
    return call_json(call)


@api_route(
    "/calls/<int:call_id>",
    methods=("PATCH",),
    summary="Edit a call, extend its deadline (closes_at later) or close it early "
    "(close_now: true) (secretariat)",
    tags=("calls",),
    body=CallPatch,
    response_schema=CALL_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_patch(call_id: int):
    call = _managed_call(call_id)
    data: CallPatch = api_body()
    fields = {
        k: getattr(data, k)
        for k in ("title", "notice", "issuing_body", "contact", "opens_at", "closes_at")
        if data.given(k) and getattr(data, k) is not None
    }
    if call.state == CallState.PUBLISHED and "closes_at" in fields:
        new_closes_at = fields.pop("closes_at")
        if new_closes_at != call.closes_at:
            services.extend_deadline(call, new_closes_at, actor=current_user)
    services.update_call(call, actor=current_user, **fields)
    if data.close_now:
        services.close_early(call, actor=current_user)
    return call_json(call)


def _standard(call: Call, standard_id: int):
    for s in call.standards:
        if s.id == standard_id:
            return s
    abort(api_error(404, "not_found", _("There is no such standard in this call.")))


def _requirement(call: Call, requirement_id: int):
    for r in call.requirements:
        if r.id == requirement_id:
            return r
    abort(api_error(404, "not_found", _("There is no such requirement in this call.")))


@api_route(
    "/calls/<int:call_id>/standards/<int:standard_id>",
    methods=("PATCH",),
    summary="Change a standard of a call (secretariat)",
    tags=("calls",),
    body=StandardPatch,
    response_schema=STANDARD_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_standard_patch(call_id: int, standard_id: int):
    call = _managed_call(call_id)
    standard = _standard(call, standard_id)
    data: StandardPatch = api_body()
    fields = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    services.update_standard(call, standard, actor=current_user, **fields)
    return standard_json(standard)


@api_route(
    "/calls/<int:call_id>/standards/<int:standard_id>",
    methods=("DELETE",),
    summary="Remove a standard (secretariat; only while the call is a draft, "
    "so no application uses it)",
    tags=("calls",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def calls_standard_delete(call_id: int, standard_id: int):
    call = _managed_call(call_id)
    standard = _standard(call, standard_id)
    services.remove_standard(call, standard, actor=current_user)
    return "", 204


@api_route(
    "/calls/<int:call_id>/requirements/<int:requirement_id>",
    methods=("PATCH",),
    summary="Change a requirement (secretariat; once published only its text)",
    tags=("calls",),
    body=RequirementPatch,
    response_schema=REQUIREMENT_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_requirement_patch(call_id: int, requirement_id: int):
    call = _managed_call(call_id)
    requirement = _requirement(call, requirement_id)
    data: RequirementPatch = api_body()
    services.update_requirement(
        call,
        requirement,
        actor=current_user,
        text=data.text,
        mandatory=data.mandatory,
        evidence=data.evidence,
        weight=data.weight,
        standard_ids=data.standard_ids or None,
        all_standards=data.given("standard_ids") and not data.standard_ids,
    )
    return requirement_json(requirement)


@api_route(
    "/calls/<int:call_id>/requirements/<int:requirement_id>",
    methods=("DELETE",),
    summary="Remove a requirement (secretariat; only while the call is a draft, "
    "so no application has answered it)",
    tags=("calls",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def calls_requirement_delete(call_id: int, requirement_id: int):
    call = _managed_call(call_id)
    requirement = _requirement(call, requirement_id)
    services.remove_requirement(call, requirement, actor=current_user)
    return "", 204


CALL_ATTACHMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "filename": {"type": "string"},
        "size": {"type": "integer"},
        "content_type": {"type": "string"},
    },
}


@api_route(
    "/calls/<int:call_id>/attachments",
    methods=("POST",),
    summary="Attach a file to a call (multipart/form-data: file) (secretariat)",
    tags=("calls",),
    response_schema=CALL_ATTACHMENT_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def calls_attachment_add(call_id: int):
    call = _managed_call(call_id)
    upload = required_file(_("Some fields are missing or invalid."))
    a = services.add_attachment(
        call, filename=upload.filename, data=read_upload(upload), actor=current_user
    )
    return {"id": a.id, "filename": a.filename, "size": a.size, "content_type": a.content_type}, 201


@api_route(
    "/calls/<int:call_id>/attachments/<int:attachment_id>",
    methods=("DELETE",),
    summary="Remove a file from a call (secretariat)",
    tags=("calls",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def calls_attachment_delete(call_id: int, attachment_id: int):
    call = _managed_call(call_id)
    for a in call.attachments:
        if a.id == attachment_id:
            services.remove_attachment(call, a, actor=current_user)
            return "", 204
    abort(api_error(404, "not_found", _("There is no such file in this call.")))
