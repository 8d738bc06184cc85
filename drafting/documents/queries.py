"""Reads of documents used by the web pages, the API and the export."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from drafting.calls.models import Call, CallStandard
from drafting.documents import permissions
from drafting.documents.models import Comment, Revision, StageChange, StandardDocument
from drafting.export.meta import DocumentMeta
from drafting.extensions import db
from drafting.groups import services as group_services
from drafting.groups.models import DraftingGroup, GroupEditor, GroupMembership


def _document_options():
    return (
        joinedload(StandardDocument.drafting_group)
        .selectinload(DraftingGroup.memberships)
        .joinedload(GroupMembership.organization),
        joinedload(StandardDocument.drafting_group)
        .selectinload(DraftingGroup.editors)
        .joinedload(GroupEditor.user),
    )


def load_document(document_id: int) -> StandardDocument | None:
    """A document with its group (members, editors) loaded: the permission predicates need them."""
    return db.session.scalar(
        select(StandardDocument)
        .where(StandardDocument.id == document_id)
        .options(*_document_options())
    )


def visible_documents(user) -> list[StandardDocument]:
    documents = db.session.scalars(
        select(StandardDocument).options(*_document_options()).order_by(StandardDocument.number)
    ).unique()
    return [d for d in documents if permissions.can_view_document(user, d)]


def documents_of_groups(group_ids: list[int]) -> dict[int, StandardDocument]:
    """The document each of these drafting groups writes, by group id (the first if several)."""
    if not group_ids:
        return {}
    found: dict[int, StandardDocument] = {}
    for document in db.session.scalars(
        select(StandardDocument)
        .where(StandardDocument.drafting_group_id.in_(group_ids))
        .order_by(StandardDocument.id)
    ):
        found.setdefault(document.drafting_group_id, document)
    return found


def editable_groups(user) -> list[DraftingGroup]:
    """The drafting groups in which the user may create a document (newest first)."""
    if not getattr(user, "is_authenticated", False):
        return []
    groups = db.session.scalars(
        select(DraftingGroup)
        .options(selectinload(DraftingGroup.memberships), selectinload(DraftingGroup.editors))
        .order_by(DraftingGroup.id.desc())
    ).all()
    return [g for g in groups if permissions.can_create_document_in(user, g)]


def revisions_of(document: StandardDocument) -> list[Revision]:
    """Newest first, with authors and stage tags, without their texts."""
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.document_id == document.id)
            .options(joinedload(Revision.author), selectinload(Revision.stage_changes))
            .order_by(Revision.number.desc())
        ).unique()
    )


def revision_of(document: StandardDocument, revision_id: int) -> Revision | None:
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.document_id != document.id:
        return None
    return revision


def stage_changes_of(document: StandardDocument) -> list[StageChange]:
    return list(
        db.session.scalars(
            select(StageChange)
            .where(StageChange.document_id == document.id)
            .options(joinedload(StageChange.actor), joinedload(StageChange.revision))
            .order_by(StageChange.id)
        ).unique()
    )


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class CommentFilters:
    status: str = ""  # "", "open", "resolved", or a Resolution value
    clause: str = ""
    organization: str = ""

    @classmethod
    def from_args(cls, args) -> CommentFilters:
        return cls(
            status=args.get("status", "").strip(),
            clause=args.get("clause", "").strip(),
            organization=args.get("organization", "").strip(),
        )


def comment_threads(
    document: StandardDocument, filters: CommentFilters | None = None
) -> list[Thread]:
    """Top-level comments matching the filters, each with its replies: two queries whatever the count."""
    filters = filters or CommentFilters()
    query = (
        select(Comment)
        .where(Comment.document_id == document.id, Comment.parent_id.is_(None))
        .options(
            joinedload(Comment.revision).load_only(Revision.id, Revision.number),
            joinedload(Comment.resolved_by),
        )
        .order_by(Comment.id)
    )
    if filters.status == "open":
        query = query.where(Comment.resolution.is_(None))
    elif filters.status == "resolved":
        query = query.where(Comment.resolution.is_not(None))
    elif filters.status:
        query = query.where(Comment.resolution == filters.status)
    if filters.clause:
        query = query.where(
            or_(Comment.clause == filters.clause, Comment.clause.startswith(filters.clause + "."))
        )
    if filters.organization:
        query = query.where(Comment.organization_name == filters.organization)
    tops = list(db.session.scalars(query).unique())
    threads = {c.id: Thread(c) for c in tops}
    if threads:
        for reply in db.session.scalars(
            select(Comment).where(Comment.parent_id.in_(list(threads))).order_by(Comment.id)
        ):
            threads[reply.parent_id].replies.append(reply)
    return list(threads.values())


def comment_counts(document: StandardDocument) -> dict[str, int]:
    rows = db.session.execute(
        select(Comment.resolution.is_(None), func.count())
        .where(Comment.document_id == document.id, Comment.parent_id.is_(None))
        .group_by(Comment.resolution.is_(None))
    ).all()
    counts = {"open": 0, "resolved": 0}
    for is_open, n in rows:
        counts["open" if is_open else "resolved"] += n
    counts["total"] = counts["open"] + counts["resolved"]
    return counts


def commenting_organizations(document: StandardDocument) -> list[str]:
    return list(
        db.session.scalars(
            select(Comment.organization_name)
            .where(
                Comment.document_id == document.id,
                Comment.parent_id.is_(None),
                Comment.organization_name != "",
            )
            .distinct()
            .order_by(Comment.organization_name)
        )
    )


def document_meta(document: StandardDocument):
    """The document's metadata for the PDF export (drafting units and drafters from its group)."""

    group = document.drafting_group
    return DocumentMeta(
        association_name=current_app.config["ASSOCIATION_NAME"],
        association_code=current_app.config["ASSOCIATION_CODE"],
        number=document.number,
        title_zh=document.title_zh,
        title_en=document.title_en,
        ics=document.ics,
        ccs=document.ccs,
        stage=str(document.stage),
        published_on=document.planned_published_on,
        implemented_on=document.planned_implemented_on,
        issuing_body=document.issuing_body,
        replaces=document.replaces,
        adoption=document.adoption,
        known_patents=document.known_patents,
        drafting_units=[org.name for org in group_services.drafting_units(group)],
        drafters=group_services.foreword_drafters(group),
    )


def group_labels(groups: list[DraftingGroup]) -> dict[int, str]:
    """How to name each group in a choice: its name, and the call and planned
    number of the standard it was formed for, so that two calls with a
    standard of the same title give two different options."""
    from_calls: dict[int, tuple[str, str]] = {
        group_id: (title, number)
        for group_id, title, number in db.session.execute(
            select(CallStandard.drafting_group_id, Call.title, CallStandard.planned_number)
            .join(Call, CallStandard.call_id == Call.id)
            .where(CallStandard.drafting_group_id.in_([g.id for g in groups]))
        )
    }
    labels = {}
    for g in groups:
        if g.id in from_calls:
            title, number = from_calls[g.id]
            labels[g.id] = " · ".join(part for part in (g.name, number, title) if part)
        else:
            labels[g.id] = g.name
    return labels
