"""Reads for the comparison: the revisions to choose from, the resolutions behind a change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.documents.models import Comment, Revision, StageChange, StandardDocument
from drafting.documents.states import DocumentStage, Resolution
from drafting.extensions import db

#: The resolutions that change the text: they are the reasons in the 条文对照表.
CHANGING = (Resolution.ACCEPTED, Resolution.PARTLY_ACCEPTED)


def revisions_by_number(document: StandardDocument) -> list[Revision]:
    """Every revision, newest first, without its text."""
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.document_id == document.id)
            .order_by(Revision.number.desc())
        )
    )


def last_move(
    document: StandardDocument, from_stage: DocumentStage, to_stage: DocumentStage
) -> StageChange | None:
    return db.session.scalar(
        select(StageChange)
        .where(
            StageChange.document_id == document.id,
            StageChange.from_stage == from_stage,
            StageChange.to_stage == to_stage,
        )
        .options(joinedload(StageChange.revision))
        .order_by(StageChange.id.desc())
        .limit(1)
    )


def changing_resolutions(document: StandardDocument, old: Revision, new: Revision) -> list[Comment]:
    """Accepted and partly accepted comments made on the revisions from ``old``
    up to (not including) ``new``: what may have caused the changes between them."""
    low, high = sorted((old.number, new.number))
    return list(
        db.session.scalars(
            select(Comment)
            .join(Revision, Revision.id == Comment.revision_id)
            .where(
                Comment.document_id == document.id,
                Comment.parent_id.is_(None),
                Comment.resolution.in_(CHANGING),
                Revision.number >= low,
                Revision.number < max(high, low + 1),
            )
            .order_by(Comment.id)
        )
    )
