"""Word in the JSON API: a .docx converted, compared, then saved on confirmation (the .docx of a
revision is an export job's: drafting.api.exports)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from drafting.api.core import api_error, api_route, required_file
from drafting.api.documents import (
    DOCUMENT_SCHEMA,
    NUMBER_HINT,
    DocumentNumber,
    document_json,
)
from drafting.api.documents import document_or_404 as _document
from drafting.api.validation import Body, Day, Id, Text, api_body
from drafting.core.files import read_upload
from drafting.documents import permissions
from drafting.extensions import db
from drafting.groups.models import DraftingGroup
from drafting.groups.permissions import is_group_member
from drafting.word import services
from drafting.word.views import can_use_word

TAGS = ("word",)

FINDING_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "place": {
            "type": "string",
            "description": "in the user's language: 第 3 页（约），第 12 段 / page 3 (approx.), table 2",
        },
        "page": {
            "type": ["integer", "null"],
            "description": "the page as Word last laid the file out (approximate); "
            "null when the file holds no page break",
        },
        "paragraph": {"type": ["integer", "null"], "description": "the body paragraph, from 1"},
        "table": {"type": ["integer", "null"], "description": "the table, from 1"},
        "message": {"type": "string"},
        "text": {"type": "string", "description": "what was kept in the Markdown"},
    },
}
MetaKey = Literal[
    "number",
    "title_zh",
    "title_en",
    "ics",
    "ccs",
    "issuer",
    "published_on",
    "implemented_on",
    "replaces",
    "adoption",
]
COVER_CHANGE_SCHEMA = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "pass in apply_meta to apply it"},
        "setting": {"type": "string", "description": "the document setting it fills"},
        "old": {"type": "string"},
        "new": {"type": "string"},
        "problem": {
            "type": ["string", "null"],
            "description": "why it cannot be applied (then it is only shown)",
        },
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
        "cover_changes": {
            "type": "array",
            "items": COVER_CHANGE_SCHEMA,
            "description": "cover fields that differ from the document's settings",
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
    apply_meta: Annotated[list[MetaKey], Field(max_length=20)] = Field(
        default_factory=list,
        description="cover fields (cover_changes[].field) to apply to the document's settings",
    )


class NewDocumentImportInput(Body):
    """A new document from a previewed .docx: the settings (prefilled from `suggested`)."""

    form_hints: ClassVar[dict] = NUMBER_HINT

    upload: Annotated[Text, Field(min_length=1, max_length=2_000)] = Field(
        description="the token /documents/import answered with"
    )
    number: DocumentNumber
    title_zh: Annotated[Text, Field(min_length=1, max_length=300)]
    title_en: Annotated[Text, Field(max_length=300)] = ""
    ics: Annotated[Text, Field(max_length=40)] = ""
    ccs: Annotated[Text, Field(max_length=40)] = ""
    issuing_body: Annotated[Text, Field(max_length=200)] = ""
    planned_published_on: Day | None = None
    planned_implemented_on: Day | None = None
    replaces: Annotated[Text, Field(max_length=200)] = ""
    adoption: Annotated[Text, Field(max_length=200)] = ""
    message: Annotated[Text, Field(max_length=300)] = ""


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
    upload = required_file(_("Send the Word document as the multipart field “file”."))
    preview = services.preview_import(
        document, filename=upload.filename, data=read_upload(upload), actor=current_user
    )
    return {
        "upload": preview.upload,
        "base_revision_id": preview.base.id if preview.base else None,
        "markdown": preview.result.text,
        "meta": preview.result.meta,
        "cover_changes": [_change_json(c) for c in preview.changes],
        "images": sorted(preview.result.images),
        "findings": [services.finding_json(f) for f in preview.findings],
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
        apply_meta=data.apply_meta,
        actor=current_user,
    )
    return {
        "revision_id": saved.revision.id,
        "number": saved.revision.number,
        "created": saved.created,
    }, 201


def _change_json(change: services.MetaChange) -> dict:
    return {
        "field": change.key,
        "setting": change.setting,
        "old": change.old,
        "new": change.new,
        "problem": change.problem,
    }


def _group(group_id: int) -> DraftingGroup:
    """The group, if the user may create a document in it (404 if they are not in it)."""
    group = db.session.get(DraftingGroup, group_id)
    if group is None or not is_group_member(current_user, group):
        abort(api_error(404, "not_found", _("There is no drafting group %(id)d.", id=group_id)))
    if not permissions.can_create_document_in(current_user, group):
        abort(api_error(403, "forbidden", _("Only the group's editors create its documents.")))
    return group


NEW_PREVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "upload": {"type": "string", "description": "pass to /documents/import/confirm"},
        "markdown": {"type": "string"},
        "meta": {"type": "object", "description": "cover fields found, as written"},
        "suggested": {
            "type": "object",
            "description": "the settings the cover gives (number, title_zh, planned dates…)",
        },
        "cover_changes": {"type": "array", "items": COVER_CHANGE_SCHEMA},
        "images": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "array", "items": FINDING_SCHEMA},
    },
}


@api_route(
    "/drafting-groups/<int:group_id>/documents/import",
    methods=("POST",),
    summary="Convert a .docx (multipart/form-data: file) for a new document of the group; saves nothing",
    tags=TAGS,
    response_schema=NEW_PREVIEW_SCHEMA,
    errors=(400, 401, 403, 404, 413, 422),
)
def docx_import_new(group_id: int):
    group = _group(group_id)
    upload = required_file(_("Send the Word document as the multipart field “file”."))
    preview = services.preview_new_document(
        group, filename=upload.filename, data=read_upload(upload), actor=current_user
    )
    suggested = services.new_document_fields(preview.result.meta)
    return {
        "upload": preview.upload,
        "markdown": preview.result.text,
        "meta": preview.result.meta,
        "suggested": {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in suggested.items()
        },
        "cover_changes": [_change_json(c) for c in preview.changes],
        "images": sorted(preview.result.images),
        "findings": [services.finding_json(f) for f in preview.findings],
    }


@api_route(
    "/drafting-groups/<int:group_id>/documents/import/confirm",
    methods=("POST",),
    summary="Create a document of the group whose first revision is a previewed .docx (the group's editors)",
    tags=TAGS,
    body=NewDocumentImportInput,
    response_schema=DOCUMENT_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def docx_import_new_confirm(group_id: int):
    group = _group(group_id)
    data: NewDocumentImportInput = api_body()
    document = services.create_from_import(
        group,
        actor=current_user,
        **data.model_dump(),
    )
    return document_json(document), 201
