"""Word in the JSON API: a revision as .docx; a .docx converted, compared, then saved on confirmation."""

from __future__ import annotations

from typing import Annotated

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from drafting.api.core import api_error, api_route
from drafting.api.documents import RevisionQuery
from drafting.api.documents import document_or_404 as _document
from drafting.api.documents import revision_or_404 as _revision
from drafting.api.validation import Body, Id, Text, api_body, api_query
from drafting.core.files import read_upload
from drafting.word import services
from drafting.word.views import can_use_word, docx_response

TAGS = ("word",)

FINDING_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "place": {"type": "string", "description": "第12段 (paragraph) or 表格3 (table)"},
        "message": {"type": "string"},
        "text": {"type": "string", "description": "what was kept in the Markdown"},
    },
}
PREVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "upload": {"type": "string", "description": "pass to /import/confirm to save"},
        "base_revision_id": {"type": ["integer", "null"]},
        "markdown": {"type": "string"},
        "meta": {
            "type": "object",
            "description": "cover fields found (number, ics, ccs, titles, dates)",
        },
        "images": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "array", "items": FINDING_SCHEMA},
        "diff": {
            "type": "object",
            "properties": {
                "lines_added": {"type": "integer"},
                "lines_removed": {"type": "integer"},
                "changed": {"type": "boolean"},
            },
        },
    },
}


class ImportConfirmInput(Body):
    """Save a previewed import: the token /import gave and the revision it was compared with."""

    upload: Annotated[Text, Field(min_length=1, max_length=2_000)] = Field(
        description="the token /import answered with"
    )
    base_revision_id: Id | None = Field(
        description="the head the preview was compared with (null for a document without text)"
    )
    message: Annotated[Text, Field(max_length=300)] = ""


@api_route(
    "/documents/<int:document_id>/export.docx",
    summary="The latest revision (or ?revision=<id>) as a Word document laid out per GB/T 1.1-2020",
    tags=TAGS,
    response_content_type=services.DOCX_TYPE,
    query=RevisionQuery,
    response_schema={"type": "string", "format": "binary"},
    errors=(401, 403, 404, 422),
)
def docx_export(document_id: int):
    document = _document(document_id, can_use_word)
    args: RevisionQuery = api_query()
    revision = _revision(document, args.revision) if args.revision else document.head_revision
    return docx_response(services.docx_of(document, revision), document, revision)


@api_route(
    "/documents/<int:document_id>/import",
    methods=("POST",),
    summary="Convert a .docx (multipart/form-data: file) to the dialect and compare it with the head; saves nothing",
    tags=TAGS,
    response_schema=PREVIEW_SCHEMA,
    errors=(400, 401, 403, 404, 413, 422),
)
def docx_import(document_id: int):
    document = _document(document_id, can_use_word)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return api_error(
            422,
            "invalid",
            _("Send the Word document as the multipart field “file”."),
            fields={"file": [_("This field is required.")]},
        )
    preview = services.preview_import(
        document, filename=upload.filename, data=read_upload(upload), actor=current_user
    )
    return {
        "upload": preview.upload,
        "base_revision_id": preview.base.id if preview.base else None,
        "markdown": preview.result.text,
        "meta": preview.result.meta,
        "images": sorted(preview.result.images),
        "findings": [f.to_dict() for f in preview.findings],
        "diff": {
            "lines_added": preview.diff.stats.lines_added,
            "lines_removed": preview.diff.stats.lines_removed,
            "changed": preview.diff.changed,
        },
    }


@api_route(
    "/documents/<int:document_id>/import/confirm",
    methods=("POST",),
    summary="Save a previewed import as a new revision (merged three-way like any save)",
    tags=TAGS,
    body=ImportConfirmInput,
    response_schema={"type": "object"},
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def docx_import_confirm(document_id: int):
    document = _document(document_id, can_use_word)
    data: ImportConfirmInput = api_body()
    saved = services.confirm_import(
        document,
        upload=data.upload,
        base_revision_id=data.base_revision_id,
        message=data.message,
        actor=current_user,
    )
    return {
        "revision_id": saved.revision.id,
        "number": saved.revision.number,
        "created": saved.created,
    }, 201
