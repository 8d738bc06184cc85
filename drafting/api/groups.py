"""API: drafting groups, so that `POST /documents` has a `drafting_group_id` to use."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from drafting.api.core import api_error, api_route
from drafting.api.validation import Query, QueryId, api_query
from drafting.calls.models import CallStandard
from drafting.documents.models import StandardDocument
from drafting.extensions import db
from drafting.groups import permissions
from drafting.groups.models import DraftingGroup

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
            "document_ids": documents.get(g.id, []),
        }
        for g in groups
    ]
