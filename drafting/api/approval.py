"""The approval API: the editors' sections of the 编制说明 and the approval package ZIP.

Publishing is the stage move (``POST /documents/{id}/stage`` with ``published_on``
and ``implemented_on``); see drafting/api/documents.py.
"""

from __future__ import annotations

from typing import Annotated

from flask import make_response
from flask_login import current_user
from pydantic import Field

from drafting.api.core import api_error, api_route
from drafting.api.documents import document_or_404
from drafting.api.validation import Body, Count, Text, api_body, time_json
from drafting.approval import permissions, services
from drafting.approval.models import NOTE_SECTIONS
from drafting.approval.queries import notes_of
from drafting.core.files import content_disposition
from drafting.export import ExportError

TAGS = ("approval",)
ERRORS = (400, 401, 403, 404, 422)

Section = Annotated[Text, Field(max_length=services.MAX_SECTION_CHARS)]

NOTES_SCHEMA = {
    "type": "object",
    "properties": {
        **{name: {"type": "string", "description": "Markdown"} for name in NOTE_SECTIONS},
        "version": {"type": "integer", "description": "0 before the first save"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


class NotesInput(Body):
    technical_content: Section | None = None
    relations: Section | None = None
    divergences: Section | None = None
    other: Section | None = None
    version: Count | None = Field(
        default=None, description="The version the text was edited from (else 409 if it moved)"
    )


def notes_json(document) -> dict:
    notes = notes_of(document)
    return {
        **{name: notes.section(name) if notes else "" for name in NOTE_SECTIONS},
        "version": notes.version if notes else 0,
        "updated_at": time_json(notes.updated_at) if notes else None,
    }


@api_route(
    "/documents/<int:document_id>/explanatory-notes",
    summary="The editors' sections of the 编制说明 (Markdown)",
    tags=TAGS,
    response_schema=NOTES_SCHEMA,
    errors=(401, 403, 404),
)
def notes_get(document_id: int):
    return notes_json(document_or_404(document_id, permissions.can_view_approval))


@api_route(
    "/documents/<int:document_id>/explanatory-notes",
    methods=("PUT",),
    summary="Save the editors' sections of the 编制说明 (the sections given; 409 if someone saved since)",
    tags=TAGS,
    body=NotesInput,
    response_schema=NOTES_SCHEMA,
    errors=ERRORS + (409,),
)
def notes_put(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_notes)
    data: NotesInput = api_body()
    sections = {
        name: getattr(data, name) for name in NOTE_SECTIONS if getattr(data, name) is not None
    }
    services.save_notes(document, sections, actor=current_user, version=data.version)
    return notes_json(document)


@api_route(
    "/documents/<int:document_id>/approval-package",
    methods=("POST",),
    summary="Assemble the approval package (报批材料) of the 报批稿 as a ZIP",
    tags=TAGS,
    response_content_type="application/zip",
    response_schema={"type": "string", "format": "binary"},
    errors=(401, 403, 404, 409, 422),
)
def package_post(document_id: int):
    document = document_or_404(document_id, permissions.can_view_approval)
    try:
        result = services.assemble_package(document, actor=current_user)
    except ExportError as exc:
        return api_error(422, exc.code or "export", str(exc))
    response = make_response(result.data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = content_disposition("attachment", result.filename)
    return response
