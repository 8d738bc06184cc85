"""The comment period of a document (GET); comments themselves go through
``POST /documents/{id}/comments``, refused with 409 once the period closed."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from drafting.api.core import api_error, api_route
from drafting.api.validation import time_json
from drafting.consultation import permissions, queries
from drafting.consultation.models import Audience, PeriodStatus
from drafting.documents import queries as document_queries

PERIOD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "document_id": {"type": "integer"},
        "revision_id": {"type": ["integer", "null"]},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "extended_at": {"type": ["string", "null"], "format": "date-time"},
        "ended_at": {"type": ["string", "null"], "format": "date-time"},
        "audience": {"type": "string", "enum": [a.value for a in Audience]},
        "status": {"type": "string", "enum": [s.value for s in PeriodStatus]},
        "can_comment": {"type": "boolean"},
    },
}


@api_route(
    "/documents/<int:document_id>/comment-period",
    summary="The document's latest comment period: dates, audience, status (open/closed/…)",
    tags=("documents",),
    response_schema=PERIOD_SCHEMA,
    errors=(401, 404),
    auth=False,
)
def comment_period_get(document_id: int):
    document = document_queries.load_document(document_id)
    period = queries.latest_period(document) if document is not None else None
    if period is None:
        return api_error(
            404, "not_found", _("Document %(id)d has no comment period.", id=document_id)
        )
    if not permissions.can_view_consultation(current_user, period):
        return api_error(
            401, "unauthorized", _("Log in or send a valid API token (Authorization: Bearer …).")
        )
    return {
        "id": period.id,
        "document_id": period.document_id,
        "revision_id": period.revision_id,
        "opens_at": time_json(period.opens_at),
        "closes_at": time_json(period.closes_at),
        "extended_at": time_json(period.extended_at),
        "ended_at": time_json(period.ended_at),
        "audience": period.audience.value,
        "status": period.status().value,
        "can_comment": permissions.can_comment_in_period(current_user, period),
    }
