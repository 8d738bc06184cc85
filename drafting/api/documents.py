"""The documents API: documents, revisions (with three-way merge), diffs, comments, stages, checks."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from flask import abort, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ConfigDict, Field, Strict

from drafting.api.core import api_error, api_route, required_file
from drafting.api.validation import (
    Body,
    Day,
    Flag,
    Id,
    Query,
    QueryId,
    Text,
    Time,
    api_body,
    api_query,
    invalid,
    time_json,
)
from drafting.approval import services as approval
from drafting.core.files import read_upload
from drafting.core.i18n import format_dt
from drafting.documents import permissions, queries, services
from drafting.documents.diff import diff_revisions, render_inline_html, render_side_by_side_html
from drafting.documents.forms import MAX_TEXT, NUMBER_RE
from drafting.documents.models import Comment, Revision, StandardDocument
from drafting.documents.states import CommentType, DocumentStage, Resolution
from drafting.extensions import db
from drafting.groups import services as group_services
from drafting.groups.models import DraftingGroup
from drafting.standardtext import render, run_checks

TAGS = ("documents",)
ERRORS = (400, 401, 403, 404, 422)

DOCUMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "title_zh": {"type": "string"},
        "title_en": {"type": "string"},
        "ics": {"type": "string"},
        "ccs": {"type": "string"},
        "issuing_body": {"type": "string"},
        "replaces": {"type": "string", "description": "代替, e.g. T/CESA 1100—2020"},
        "adoption": {"type": "string", "description": "一致性程度, e.g. ISO 12345:2020, MOD"},
        "known_patents": {
            "type": "boolean",
            "description": "the foreword states known patents instead of the default sentence",
        },
        "stage": {"type": "string", "enum": [s.value for s in DocumentStage]},
        "drafting_group_id": {"type": "integer"},
        "head_revision_id": {"type": ["integer", "null"]},
        "comment_period_ends_at": {"type": ["string", "null"], "format": "date-time"},
        "comments_public": {"type": "boolean"},
        "planned_published_on": {"type": ["string", "null"], "format": "date"},
        "planned_implemented_on": {"type": ["string", "null"], "format": "date"},
        "can_edit": {"type": "boolean"},
        "can_comment": {"type": "boolean"},
    },
}
REVISION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"]},
        "author": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "message": {"type": "string"},
        "sha256": {"type": "string"},
        "size": {"type": "integer"},
        "stage": {"type": "string"},
        "text": {"type": "string", "description": "only on a single revision"},
    },
}
COMMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "revision_id": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"]},
        "clause": {"type": "string"},
        "quote": {"type": "string"},
        "type": {"type": "string", "enum": ["ge", "te", "ed"]},
        "comment": {"type": "string"},
        "proposed_change": {"type": "string"},
        "author": {"type": "string"},
        "organization": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "resolution": {"type": ["string", "null"], "enum": [r.value for r in Resolution] + [None]},
        "resolution_reason": {"type": "string"},
    },
}


# The form's check, so the API accepts exactly the numbers the page does.
DocumentNumber = Annotated[
    str,
    Strict(),
    Field(
        max_length=60,
        pattern=NUMBER_RE,
        description="T/<association code> <nnnn>—<yyyy>, e.g. T/CESA 1201—2026",
    ),
]
NUMBER_HINT = {"number": _l("Write the number as T/CESA 1201—2026.")}


class DocumentInput(Body):
    form_hints: ClassVar[dict] = NUMBER_HINT

    number: DocumentNumber
    title_zh: Annotated[Text, Field(min_length=1, max_length=300)]
    title_en: Annotated[Text, Field(max_length=300)] = ""
    ics: Annotated[Text, Field(max_length=40)] = ""
    ccs: Annotated[Text, Field(max_length=40)] = ""
    issuing_body: Annotated[Text, Field(max_length=200)] = ""
    drafting_group_id: Id
    text: Annotated[Text, Field(max_length=MAX_TEXT)] | None = None


class DocumentPatch(Body):
    # A field the settings do not hold (a stage, say) is refused, not ignored:
    # the client would believe it changed something.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=2_000_000)
    form_hints: ClassVar[dict] = NUMBER_HINT

    number: DocumentNumber | None = None
    title_zh: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    title_en: Annotated[Text, Field(max_length=300)] | None = None
    ics: Annotated[Text, Field(max_length=40)] | None = None
    ccs: Annotated[Text, Field(max_length=40)] | None = None
    issuing_body: Annotated[Text, Field(max_length=200)] | None = None
    planned_published_on: Day | None = None
    planned_implemented_on: Day | None = None
    comment_period_ends_at: Time | None = None
    comments_public: Flag | None = None
    replaces: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="代替: the documents replaced, e.g. T/CESA 1100—2020"
    )
    adoption: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="一致性程度: e.g. ISO 12345:2020, MOD (IDT, MOD or NEQ)"
    )
    known_patents: Flag | None = Field(
        default=None,
        description="true: the foreword states known patents instead of the patent sentence",
    )


class MoveInput(Body):
    drafting_group_id: Id


class DraftersInput(Body):
    names: list[Annotated[Text, Field(max_length=200)]] = Field(max_length=200)


class RevisionInput(Body):
    text: Annotated[Text, Field(max_length=MAX_TEXT)]
    base_revision_id: Id
    message: Annotated[Text, Field(max_length=300)] = ""


class CommentInput(Body):
    comment: Annotated[Text, Field(min_length=1, max_length=20_000)]
    revision_id: Id | None = None
    clause: Annotated[Text, Field(max_length=100)] = ""
    quote: Annotated[Text, Field(max_length=5_000)] = ""
    type: CommentType = CommentType.TECHNICAL
    proposed_change: Annotated[Text, Field(max_length=20_000)] = ""
    parent_id: Id | None = Field(default=None, description="reply to this comment")


class ResolutionInput(Body):
    resolution: Resolution
    reason: Annotated[Text, Field(max_length=20_000)] = ""
    replaces: Resolution | None = Field(
        default=None,
        description="To change a resolved comment: the resolution it has now (else 409)",
    )


class StageInput(Body):
    stage: DocumentStage
    override_checks: Flag = False
    reason: Annotated[Text, Field(max_length=5_000)] = ""
    published_on: Day | None = Field(
        default=None, description="To publish (stage published): the publication date, required"
    )
    implemented_on: Day | None = Field(
        default=None,
        description="To publish: the implementation date, required, not before the publication date",
    )


class CommentsQuery(Query):
    status: Annotated[str, Field(max_length=40)] = Field(
        default="", description="open, resolved or a resolution"
    )
    clause: Annotated[str, Field(max_length=100)] = ""
    organization: Annotated[str, Field(max_length=300)] = ""


class DiffQuery(Query):
    from_: QueryId = Field(alias="from")
    to: QueryId


class RevisionQuery(Query):
    revision: QueryId | None = Field(default=None, description="a revision id; default: the latest")


class ChecksQuery(RevisionQuery):
    counts: Literal["0", "1"] = Field(default="0", description="1: also count words and tables")


def _locale() -> str:
    return str(get_locale() or "zh")[:2]


def document_json(d: StandardDocument) -> dict:
    return {
        "id": d.id,
        "number": d.number,
        "title_zh": d.title_zh,
        "title_en": d.title_en,
        "ics": d.ics,
        "ccs": d.ccs,
        "issuing_body": d.issuing_body,
        "replaces": d.replaces,
        "adoption": d.adoption,
        "known_patents": d.known_patents,
        "stage": d.stage.value,
        "drafting_group_id": d.drafting_group_id,
        "head_revision_id": d.head_revision_id,
        "comment_period_ends_at": time_json(d.comment_period_ends_at),
        "comments_public": d.comments_public,
        "planned_published_on": d.planned_published_on.isoformat()
        if d.planned_published_on
        else None,
        "planned_implemented_on": d.planned_implemented_on.isoformat()
        if d.planned_implemented_on
        else None,
        "can_edit": permissions.can_edit_document(current_user, d),
        "can_comment": permissions.can_comment(current_user, d),
    }


def revision_json(r: Revision, *, text: bool = False) -> dict:
    data = {
        "id": r.id,
        "number": r.number,
        "parent_id": r.parent_id,
        "author": r.author.name if r.author else None,
        "created_at": time_json(r.created_at),
        "message": r.message,
        "sha256": r.sha256,
        "size": r.size,
        "stage": r.stage.value,
    }
    if text:
        data["text"] = r.text
    return data


def comment_json(c: Comment) -> dict:
    return {
        "id": c.id,
        "revision_id": c.revision_id,
        "parent_id": c.parent_id,
        "clause": c.clause,
        "quote": c.quote,
        "type": c.type.value,
        "comment": c.body,
        "proposed_change": c.proposed_change,
        "author": c.author_name,
        "organization": c.organization_name,
        "created_at": time_json(c.created_at),
        "resolution": c.resolution.value if c.resolution else None,
        "resolution_reason": c.resolution_reason,
    }


def document_or_404(document_id: int, check=permissions.can_view_document) -> StandardDocument:
    document = queries.load_document(document_id)
    # A document the user may not see answers as a missing one.
    if document is None or not permissions.can_view_document(current_user, document):
        abort(api_error(404, "not_found", _("There is no document %(id)d.", id=document_id)))
    if not check(current_user, document):
        abort(api_error(403, "forbidden", _("You may not do this with this document.")))
    return document


def revision_or_404(document: StandardDocument, revision_id: int) -> Revision:
    revision = queries.revision_of(document, revision_id)
    if revision is None:
        abort(
            api_error(
                404, "not_found", _("There is no revision %(id)d in this document.", id=revision_id)
            )
        )
    return revision


# --- documents -------------------------------------------------------------


@api_route(
    "/documents",
    summary="Documents you can see",
    tags=TAGS,
    response_schema={"type": "array", "items": DOCUMENT_SCHEMA},
    errors=(401,),
)
def documents_list():
    return [document_json(d) for d in queries.visible_documents(current_user)]


@api_route(
    "/documents",
    methods=("POST",),
    summary="Create a document from the skeleton (secretariat)",
    tags=TAGS,
    body=DocumentInput,
    response_schema=DOCUMENT_SCHEMA,
    success_status=201,
    errors=ERRORS + (409,),
)
def documents_create():
    if not permissions.can_create_document(current_user):
        return api_error(403, "forbidden", _("Only the secretariat creates documents."))
    data: DocumentInput = api_body()
    group = db.session.get(DraftingGroup, data.drafting_group_id)
    if group is None:
        return invalid({"drafting_group_id": [_("There is no such drafting group.")]})
    kwargs = data.model_dump(include={"title_en", "ics", "ccs", "issuing_body"})
    if data.text is not None:
        kwargs["text"] = data.text
    document = services.create_document(
        number=data.number,
        title_zh=data.title_zh,
        group=group,
        actor=current_user,
        **kwargs,
    )
    return document_json(document), 201


@api_route(
    "/documents/<int:document_id>",
    summary="A document",
    tags=TAGS,
    response_schema=DOCUMENT_SCHEMA,
    errors=(401, 403, 404),
)
def document_get(document_id: int):
    return document_json(document_or_404(document_id))


@api_route(
    "/documents/<int:document_id>/move",
    methods=("POST",),
    summary="File the document under another drafting group (secretariat; audited)",
    tags=TAGS,
    body=MoveInput,
    response_schema=DOCUMENT_SCHEMA,
    errors=ERRORS + (409,),
)
def document_move(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    data: MoveInput = api_body()
    group = db.session.get(DraftingGroup, data.drafting_group_id)
    if group is None:
        return invalid({"drafting_group_id": [_("There is no such drafting group.")]})
    services.move_document(document, group, actor=current_user)
    return document_json(document)


@api_route(
    "/documents/<int:document_id>",
    methods=("PATCH",),
    summary="Change a document's number, titles, dates and comment period (secretariat)",
    tags=TAGS,
    body=DocumentPatch,
    response_schema=DOCUMENT_SCHEMA,
    errors=ERRORS + (409,),
)
def document_patch(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    data: DocumentPatch = api_body()
    fields = data.model_dump(exclude_unset=True)
    for name in (
        "number",
        "title_zh",
        "title_en",
        "ics",
        "ccs",
        "issuing_body",
        "comments_public",
        "known_patents",
    ):
        if fields.get(name, "") is None:
            del fields[name]  # null means "unchanged" for fields that cannot be empty
    for name in ("replaces", "adoption"):
        if name in fields and fields[name] is None:
            fields[name] = ""  # null clears what may be empty
    services.update_document(document, actor=current_user, **fields)
    return document_json(document)


@api_route(
    "/documents/<int:document_id>",
    methods=("DELETE",),
    summary=(
        "Delete a document that has nothing but its first revision and no comment "
        "(secretariat; audited; 409 otherwise)"
    ),
    tags=TAGS,
    success_status=204,
    errors=(401, 403, 404, 409),
)
def document_delete(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    services.delete_document(document, actor=current_user)
    return "", 204


DRAFTERS_SCHEMA = {
    "type": "object",
    "properties": {
        "foreword": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The names of 前言's 主要起草人 line, in order",
        },
        "units": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "organization_id": {"type": "integer"},
                    "organization": {"type": "string"},
                    "role": {"type": "string", "enum": ["main", "participating"]},
                    "drafters": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def drafters_json(document: StandardDocument) -> dict:
    group = document.drafting_group
    return {
        "foreword": group_services.foreword_drafters(group),
        "units": [
            {
                "organization_id": org.id,
                "organization": org.name,
                "role": group.membership_of(org.id).role.value,
                "drafters": [d.name for d in group_services.unit_drafters(group, org.id)],
            }
            for org in group_services.drafting_units(group)
        ],
    }


@api_route(
    "/documents/<int:document_id>/drafters",
    summary="Each drafting unit's drafters in order, and the foreword's 主要起草人 line they make",
    tags=TAGS,
    response_schema=DRAFTERS_SCHEMA,
    errors=(401, 403, 404),
)
def drafters_get(document_id: int):
    return drafters_json(document_or_404(document_id, permissions.can_view_drafters))


@api_route(
    "/documents/<int:document_id>/drafters/<int:organization_id>",
    methods=("PUT",),
    summary="Replace a drafting unit's drafters (the unit itself or the secretariat); they feed 前言",
    tags=TAGS,
    body=DraftersInput,
    response_schema=DRAFTERS_SCHEMA,
    errors=ERRORS + (409,),
)
def drafters_put(document_id: int, organization_id: int):
    document = document_or_404(document_id, permissions.can_view_drafters)
    membership = document.drafting_group.membership_of(organization_id)
    if membership is None:
        return api_error(404, "not_found", _("This organization is not in the drafting group."))
    if not permissions.can_name_drafters(current_user, document, organization_id):
        return api_error(403, "forbidden", _("You may not do this with this document."))
    names = api_body().names
    group_services.set_unit_drafters(
        document.drafting_group, membership.organization, names, actor=current_user
    )
    return drafters_json(document)


# --- revisions -------------------------------------------------------------


@api_route(
    "/documents/<int:document_id>/revisions",
    summary="Revisions of a document, newest first",
    tags=TAGS,
    response_schema={"type": "array", "items": REVISION_SCHEMA},
    errors=(401, 403, 404),
)
def revisions_list(document_id: int):
    return [revision_json(r) for r in queries.revisions_of(document_or_404(document_id))]


@api_route(
    "/documents/<int:document_id>/revisions",
    methods=("POST",),
    summary="Save a new revision; merged three-way if the head moved since base_revision_id (409 on a conflict)",
    tags=TAGS,
    body=RevisionInput,
    response_schema={
        "type": "object",
        "properties": {
            "revision": REVISION_SCHEMA,
            "created": {"type": "boolean"},
            "merged": {"type": "boolean"},
            "merged_revisions": {"type": "array", "items": {"type": "integer"}},
            "merged_authors": {"type": "array", "items": {"type": "string"}},
        },
    },
    success_status=201,
    extra_success=(200,),
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def revisions_create(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    data: RevisionInput = api_body()
    try:
        result = services.save_revision(
            document, data.text, data.base_revision_id, data.message, actor=current_user
        )
    except services.SaveConflict as exc:
        return api_error(409, "conflict", exc.message, **exc.details)
    body = {
        "revision": revision_json(result.revision),
        "created": result.created,
        "merged": result.merged,
        "merged_revisions": [r.number for r in result.merged_revisions],
        "merged_authors": result.merged_authors,
    }
    return body, (201 if result.created else 200)


@api_route(
    "/documents/<int:document_id>/revisions/<int:revision_id>",
    summary="A revision with its text",
    tags=TAGS,
    response_schema=REVISION_SCHEMA,
    errors=(401, 403, 404),
)
def revision_get(document_id: int, revision_id: int):
    document = document_or_404(document_id)
    return revision_json(revision_or_404(document, revision_id), text=True)


@api_route(
    "/documents/<int:document_id>/revisions/<int:revision_id>/restore",
    methods=("POST",),
    summary="Restore an earlier revision as the newest one (200 and created: false when "
    "it equals the latest)",
    tags=TAGS,
    response_schema={
        "type": "object",
        "properties": {"revision": REVISION_SCHEMA, "created": {"type": "boolean"}},
    },
    success_status=201,
    extra_success=(200,),
    errors=(401, 403, 404, 409),
)
def revision_restore(document_id: int, revision_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    revision = revision_or_404(document, revision_id)
    result = services.restore_revision(document, revision, actor=current_user)
    body = {"revision": revision_json(result.revision), "created": result.created}
    return body, (201 if result.created else 200)


@api_route(
    "/documents/<int:document_id>/diff",
    summary="Differences between two revisions (?from=&to=)",
    tags=TAGS,
    query=DiffQuery,
    response_schema={"type": "object"},
    errors=(401, 403, 404, 422),
)
def diff_get(document_id: int):
    document = document_or_404(document_id)
    args: DiffQuery = api_query()
    old, new = revision_or_404(document, args.from_), revision_or_404(document, args.to)
    result = diff_revisions(old.text, new.text)
    return {
        "from": revision_json(old),
        "to": revision_json(new),
        "stats": {
            "lines_added": result.stats.lines_added,
            "lines_removed": result.stats.lines_removed,
            "chars_inserted": result.stats.chars_inserted,
            "chars_deleted": result.stats.chars_deleted,
        },
        "inline": [
            {"kind": s.kind, "text": s.text}
            if hasattr(s, "text")
            else {"kind": "skip", "count": s.count}
            for s in result.inline
        ],
        "inline_html": str(render_inline_html(result)),
        "side_by_side_html": str(render_side_by_side_html(result)),
    }


# --- comments --------------------------------------------------------------


@api_route(
    "/documents/<int:document_id>/comments",
    summary="Comments, filtered by ?status=open|resolved|accepted|…, ?clause=, ?organization=",
    tags=TAGS,
    query=CommentsQuery,
    response_schema={"type": "array", "items": COMMENT_SCHEMA},
    errors=(401, 403, 404, 422),
)
def comments_list(document_id: int):
    document = document_or_404(document_id)
    args: CommentsQuery = api_query()
    filters = queries.CommentFilters(
        status=args.status.strip(),
        clause=args.clause.strip(),
        organization=args.organization.strip(),
    )
    threads = queries.comment_threads(document, filters)
    return [
        {**comment_json(t.comment), "replies": [comment_json(r) for r in t.replies]}
        for t in threads
    ]


def _comment_period_closed(document: StandardDocument) -> bool:
    """A draft for comments whose period is over (members of the group may still comment)."""
    return (
        document.stage == DocumentStage.DRAFT_FOR_COMMENTS
        and document.comment_period_ends_at is not None
        and not document.comment_period_open()
    )


@api_route(
    "/documents/<int:document_id>/comments",
    methods=("POST",),
    summary="Comment on a clause of a revision, or reply (parent_id)",
    tags=TAGS,
    body=CommentInput,
    response_schema=COMMENT_SCHEMA,
    success_status=201,
    errors=ERRORS + (409,),
)
def comments_create(document_id: int):
    document = document_or_404(document_id)
    if not permissions.can_comment(current_user, document) and _comment_period_closed(document):
        return api_error(
            409,
            "comment_period_closed",
            _(
                "The comment period closed on %(when)s; comments are no longer accepted.",
                when=format_dt(document.comment_period_ends_at, "full"),
            ),
        )
    document = document_or_404(document_id, permissions.can_comment)
    data: CommentInput = api_body()
    if data.parent_id is not None:
        parent = db.session.get(Comment, data.parent_id)
        if parent is None or parent.document_id != document.id:
            return invalid({"parent_id": [_("There is no such comment in this document.")]})
        comment = services.reply(parent, body=data.comment, actor=current_user)
        return comment_json(comment), 201
    revision = document.head_revision
    if data.revision_id is not None:
        revision = revision_or_404(document, data.revision_id)
    outline = {h.display_number for h in render(revision.text).outline}
    comment = services.add_comment(
        document,
        revision=revision,
        body=data.comment,
        clause=data.clause,
        quote=data.quote,
        type=data.type.value,
        proposed_change=data.proposed_change,
        actor=current_user,
        outline_numbers=outline,
    )
    return comment_json(comment), 201


@api_route(
    "/documents/<int:document_id>/comments/<int:comment_id>/resolution",
    methods=("PUT",),
    summary="Resolve a comment: accepted, partly_accepted or not_accepted, with the reason",
    tags=TAGS,
    body=ResolutionInput,
    response_schema=COMMENT_SCHEMA,
    errors=ERRORS + (409,),
)
def comment_resolution_put(document_id: int, comment_id: int):
    document = document_or_404(document_id, permissions.can_resolve_comments)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.document_id != document.id:
        return api_error(404, "not_found", _("There is no such comment in this document."))
    data: ResolutionInput = api_body()
    services.resolve_comment(
        comment,
        data.resolution.value,
        reason=data.reason,
        actor=current_user,
        replaces=data.replaces.value if data.replaces else None,
    )
    return comment_json(comment)


# --- stage and checks ------------------------------------------------------


@api_route(
    "/documents/<int:document_id>/stage",
    methods=("POST",),
    summary="Move the document to another stage (checks must be clean unless the secretariat overrides)",
    tags=TAGS,
    body=StageInput,
    response_schema=DOCUMENT_SCHEMA,
    errors=ERRORS + (409,),
)
def stage_post(document_id: int):
    document = document_or_404(document_id, permissions.can_move_stage)
    data: StageInput = api_body()
    if data.stage == DocumentStage.PUBLISHED and document.stage == DocumentStage.DRAFT_FOR_APPROVAL:
        # Publishing is the secretariat's, with the dates (drafting.approval).
        approval.publish(
            document,
            published_on=data.published_on,
            implemented_on=data.implemented_on,
            actor=current_user,
        )
    else:
        services.transition(
            document,
            data.stage.value,
            actor=current_user,
            override_checks=data.override_checks,
            reason=data.reason,
        )
    return document_json(document)


@api_route(
    "/documents/<int:document_id>/checks",
    summary="Findings of the checks on the latest revision (or ?revision=<id>)",
    tags=TAGS,
    query=ChecksQuery,
    response_schema={
        "type": "object",
        "properties": {
            "revision_id": {"type": "integer"},
            "errors": {"type": "integer"},
            "findings": {"type": "array", "items": {"type": "object"}},
        },
    },
    errors=(401, 403, 404, 422),
)
def checks_get(document_id: int):
    document = document_or_404(document_id)
    args: ChecksQuery = api_query()
    revision = revision_or_404(document, args.revision) if args.revision else document.head_revision
    findings = run_checks(
        revision.text, include_counts=args.counts == "1", known_patents=document.known_patents
    )
    return {
        "revision_id": revision.id,
        "errors": sum(f.severity == "error" for f in findings),
        "findings": [f.to_dict(_locale()) for f in findings],
    }


# --- images (attachments the figures refer to) -----------------------------

ATTACHMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "the name the text uses: ![图题](name)"},
        "markdown": {"type": "string"},
        "content_type": {"type": "string", "enum": ["image/png", "image/jpeg"]},
        "size": {"type": "integer"},
        "sha256": {"type": "string"},
        "url": {"type": "string"},
        "uploaded_by": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def attachment_json(a) -> dict:
    return {
        "name": a.name,
        "markdown": a.markdown,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "url": url_for("documents.attachment", document_id=a.document_id, name=a.name),
        "uploaded_by": a.uploaded_by.name if a.uploaded_by else None,
        "created_at": time_json(a.created_at),
    }


@api_route(
    "/documents/<int:document_id>/attachments",
    summary="The document's images, by name",
    tags=TAGS,
    response_schema={"type": "array", "items": ATTACHMENT_SCHEMA},
    errors=(401, 403, 404),
)
def attachments_list(document_id: int):
    document = document_or_404(document_id)
    return [attachment_json(a) for a in services.attachments_of(document)]


@api_route(
    "/documents/<int:document_id>/attachments",
    methods=("POST",),
    summary="Upload a PNG or JPEG image (multipart/form-data: file, optional name); "
    "an image with the same name is replaced",
    tags=TAGS,
    response_schema=ATTACHMENT_SCHEMA,
    success_status=201,
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def attachments_create(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    upload = required_file(_("Send the image as the multipart field “file”."))
    att = services.add_attachment(
        document,
        filename=upload.filename,
        data=read_upload(upload),
        name=request.form.get("name"),
        actor=current_user,
    )
    return attachment_json(att), 201


@api_route(
    "/documents/<int:document_id>/attachments/<name>",
    methods=("DELETE",),
    summary="Remove an image (figures naming it show a placeholder)",
    tags=TAGS,
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def attachment_delete(document_id: int, name: str):
    document = document_or_404(document_id, permissions.can_edit_document)
    att = services.attachment_of(document, name)
    if att is None:
        return api_error(
            404, "not_found", _("There is no image %(name)s in this document.", name=name)
        )
    services.remove_attachment(document, att, actor=current_user)
    return "", 204
