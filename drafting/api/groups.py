"""API: drafting groups, so that `POST /documents` has a `drafting_group_id` to use."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field
from sqlalchemy import select

from drafting.accounts.models import Organization, User
from drafting.api.core import api_error, api_route
from drafting.api.validation import Body, Flag, Id, Query, QueryId, api_body, api_query, invalid
from drafting.calls.models import CallStandard
from drafting.documents.models import StandardDocument
from drafting.extensions import db
from drafting.groups import permissions
from drafting.groups import services as group_services
from drafting.groups.models import DraftingGroup, GroupRole

GROUP_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "participants_may_edit": {"type": "boolean"},
        "standards": {
            "type": "array",
            "description": "the call standards this group drafts (call and planned number)",
            "items": {
                "type": "object",
                "properties": {
                    "standard_id": {"type": "integer"},
                    "title_zh": {"type": "string"},
                    "planned_number": {"type": "string"},
                    "call_id": {"type": "integer"},
                    "call_title": {"type": "string"},
                },
            },
        },
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "organization_id": {"type": "integer"},
                    "organization": {"type": "string"},
                    "role": {"type": "string", "enum": ["main", "participating"]},
                },
            },
        },
        "editors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"user_id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
        "document_ids": {"type": "array", "items": {"type": "integer"}},
    },
}


class GroupsQuery(Query):
    call_id: QueryId | None = None


@api_route(
    "/drafting-groups",
    summary="Drafting groups with their call standards, members and documents "
    "(secretariat; ?call_id= for one call's)",
    tags=("documents",),
    query=GroupsQuery,
    response_schema={"type": "array", "items": GROUP_SCHEMA},
    errors=(401, 403, 422),
)
def groups_list():
    if not permissions.can_manage_group(current_user):
        return api_error(403, "forbidden", _("Only the secretariat manages drafting groups."))
    args: GroupsQuery = api_query()
    query = select(DraftingGroup).order_by(DraftingGroup.id)
    if args.call_id is not None:
        query = query.where(
            DraftingGroup.id.in_(
                select(CallStandard.drafting_group_id).where(CallStandard.call_id == args.call_id)
            )
        )
    groups = db.session.scalars(query.limit(1000)).unique().all()
    return _groups_json(groups)


def _groups_json(groups: list[DraftingGroup]) -> list[dict]:
    ids = [g.id for g in groups]
    standards: dict[int, list[CallStandard]] = {}
    for s in db.session.scalars(
        select(CallStandard)
        .where(CallStandard.drafting_group_id.in_(ids))
        .order_by(CallStandard.id)
    ):
        standards.setdefault(s.drafting_group_id, []).append(s)
    documents: dict[int, list[int]] = {}
    for doc_id, group_id in db.session.execute(
        select(StandardDocument.id, StandardDocument.drafting_group_id)
        .where(StandardDocument.drafting_group_id.in_(ids))
        .order_by(StandardDocument.id)
    ):
        documents.setdefault(group_id, []).append(doc_id)
    return [
        {
            "id": g.id,
            "name": g.name,
            "participants_may_edit": g.participants_may_edit,
            "standards": [
                {
                    "standard_id": s.id,
                    "title_zh": s.title_zh,
                    "planned_number": s.planned_number,
                    "call_id": s.call_id,
                    "call_title": s.call.title,
                }
                for s in standards.get(g.id, [])
            ],
            "members": [
                {
                    "organization_id": m.organization_id,
                    "organization": m.organization.name,
                    "role": m.role.value,
                }
                for m in g.memberships
            ],
            "editors": [{"user_id": e.user_id, "name": e.user.name} for e in g.editors],
            "document_ids": documents.get(g.id, []),
        }
        for g in groups
    ]


def _managed_group(group_id: int) -> DraftingGroup:
    if not permissions.can_manage_group(current_user):
        abort(api_error(403, "forbidden", _("Only the secretariat manages drafting groups.")))
    group = db.session.get(DraftingGroup, group_id)
    if group is None:
        abort(404)
    return group


def _group_json(group: DraftingGroup) -> dict:
    return _groups_json([group])[0]


class MemberInput(Body):
    organization_id: Id
    role: GroupRole = Field(description="main: 主要起草单位; participating: 参编单位")


class EditorInput(Body):
    user_id: Id


class GroupPatch(Body):
    participants_may_edit: Flag


@api_route(
    "/drafting-groups/<int:group_id>",
    methods=("PATCH",),
    summary="Let participating units edit, or not (secretariat)",
    tags=("documents",),
    body=GroupPatch,
    response_schema=GROUP_SCHEMA,
    errors=(400, 401, 403, 404, 422),
)
def group_patch(group_id: int):
    group = _managed_group(group_id)
    data: GroupPatch = api_body()
    group_services.set_participants_may_edit(group, data.participants_may_edit, actor=current_user)
    return _group_json(group)


@api_route(
    "/drafting-groups/<int:group_id>/members",
    methods=("POST",),
    summary="Add an organization to a drafting group, or change its role (secretariat)",
    tags=("documents",),
    body=MemberInput,
    response_schema=GROUP_SCHEMA,
    errors=(400, 401, 403, 404, 422),
)
def group_member_add(group_id: int):
    group = _managed_group(group_id)
    data: MemberInput = api_body()
    org = db.session.get(Organization, data.organization_id)
    if org is None:
        return invalid({"organization_id": [_("There is no such organization.")]})
    group_services.add_member(group, org, data.role, actor=current_user)
    return _group_json(group)


@api_route(
    "/drafting-groups/<int:group_id>/members/<int:organization_id>",
    methods=("DELETE",),
    summary="Remove an organization from a drafting group (secretariat)",
    tags=("documents",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def group_member_remove(group_id: int, organization_id: int):
    group = _managed_group(group_id)
    org = db.session.get(Organization, organization_id)
    if org is None:
        abort(404)
    group_services.remove_member(group, org, actor=current_user)
    return "", 204


@api_route(
    "/drafting-groups/<int:group_id>/editors",
    methods=("POST",),
    summary="Name a person editor of a drafting group, whatever their organization (secretariat)",
    tags=("documents",),
    body=EditorInput,
    response_schema=GROUP_SCHEMA,
    errors=(400, 401, 403, 404, 422),
)
def group_editor_add(group_id: int):
    group = _managed_group(group_id)
    data: EditorInput = api_body()
    user = db.session.get(User, data.user_id)
    if user is None:
        return invalid({"user_id": [_("There is no such user.")]})
    group_services.name_editor(group, user, actor=current_user)
    return _group_json(group)


@api_route(
    "/drafting-groups/<int:group_id>/editors/<int:user_id>",
    methods=("DELETE",),
    summary="Remove a named editor from a drafting group (secretariat)",
    tags=("documents",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def group_editor_remove(group_id: int, user_id: int):
    group = _managed_group(group_id)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    group_services.remove_editor(group, user, actor=current_user)
    return "", 204
