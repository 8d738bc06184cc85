"""API: calls, their standards and requirements."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from drafting.api.core import api_error, api_route, json_body
from drafting.calls import permissions, services
from drafting.calls.models import Call, EvidenceKind
from drafting.reviews.queries import load_call

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
CALL_INPUT = {
    "type": "object",
    "required": ["title", "opens_at", "closes_at"],
    "properties": {
        "title": {"type": "string"},
        "notice": {"type": "string"},
        "issuing_body": {"type": "string"},
        "contact": {"type": "string"},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
    },
}


def call_json(call: Call) -> dict:
    return {
        "id": call.id,
        "title": call.title,
        "state": call.state.value,
        "status": call.display_state(),
        "issuing_body": call.issuing_body,
        "notice": call.notice,
        "contact": call.contact,
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat(),
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


def parse_time(value, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        abort(
            api_error(
                422,
                "invalid",
                _(
                    "%(field)s must be an ISO 8601 time with a zone, e.g. 2026-12-31T17:00:00+08:00.",
                    field=field,
                ),
                details={field: "datetime"},
            )
        )
    return parsed


def _str(data: dict, key: str, required: bool = False, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (required and not value.strip()):
        abort(
            api_error(
                422,
                "invalid",
                _("%(field)s is required and must be text.", field=key),
                details={key: "required"},
            )
        )
    return value


@api_route(
    "/calls",
    summary="Published calls (drafts too for the secretariat)",
    tags=("calls",),
    auth=False,
    response_schema={"type": "array", "items": CALL_SCHEMA},
    errors=(),
)
def calls_list():
    calls = services.public_calls()
    if permissions.can_manage_calls(current_user):
        from sqlalchemy import select

        from drafting.calls.models import CallState
        from drafting.extensions import db

        calls = list(db.session.scalars(select(Call).where(Call.state == CallState.DRAFT))) + calls
    return [call_json(c) for c in calls]


@api_route(
    "/calls",
    methods=("POST",),
    summary="Create a draft call (secretariat)",
    tags=("calls",),
    request_schema=CALL_INPUT,
    response_schema=CALL_SCHEMA,
    success_status=201,
)
def calls_create():
    if not permissions.can_manage_calls(current_user):
        return api_error(403, "forbidden", _("Only the secretariat can create calls."))
    data = json_body()
    call = services.create_call(
        title=_str(data, "title", True),
        notice=_str(data, "notice"),
        issuing_body=_str(data, "issuing_body"),
        contact=_str(data, "contact"),
        opens_at=parse_time(data.get("opens_at"), "opens_at"),
        closes_at=parse_time(data.get("closes_at"), "closes_at"),
        actor=current_user,
    )
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
    request_schema=STANDARD_SCHEMA,
    response_schema=STANDARD_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_standards_add(call_id: int):
    call = _managed_call(call_id)
    data = json_body()
    capacity = data.get("main_capacity", 3)
    if not isinstance(capacity, int):
        return api_error(422, "invalid", _("main_capacity must be a whole number."))
    s = services.add_standard(
        call,
        title_zh=_str(data, "title_zh", True),
        title_en=_str(data, "title_en"),
        scope=_str(data, "scope"),
        planned_number=_str(data, "planned_number"),
        main_capacity=capacity,
        actor=current_user,
    )
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
    request_schema=REQUIREMENT_SCHEMA,
    response_schema=REQUIREMENT_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def calls_requirements_add(call_id: int):
    call = _managed_call(call_id)
    data = json_body()
    try:
        evidence = EvidenceKind(data.get("evidence", "both"))
    except ValueError:
        return api_error(422, "invalid", _("evidence must be statement, file or both."))
    weight = data.get("weight", 1)
    ids = data.get("standard_ids") or []
    if (
        not isinstance(weight, int)
        or not isinstance(ids, list)
        or not all(isinstance(i, int) for i in ids)
    ):
        return api_error(
            422, "invalid", _("weight must be a whole number and standard_ids a list of ids.")
        )
    r = services.add_requirement(
        call,
        text=_str(data, "text", True),
        mandatory=bool(data.get("mandatory", True)),
        evidence=evidence,
        weight=weight,
        standard_ids=ids,
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
