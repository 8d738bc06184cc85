"""Reads of comment periods: the latest one, its counts, the comments per clause.

``latest_period`` and ``comment_counts`` are used by the approval package
(编制说明) as well as by the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from drafting.accounts.models import User
from drafting.consultation.models import Audience, CommentPeriod
from drafting.core.timeutil import utcnow
from drafting.documents.models import Comment, StandardDocument
from drafting.documents.states import Resolution
from drafting.extensions import db
from drafting.groups.models import DraftingGroup, GroupRole

#: At most this many clauses are listed with their counts (a standard has far fewer).
MAX_CLAUSES = 300


def latest_period(document: StandardDocument) -> CommentPeriod | None:
    """The document's most recent comment period (open, closed or ended), or None."""
    return db.session.scalar(
        select(CommentPeriod)
        .where(CommentPeriod.document_id == document.id)
        .options(joinedload(CommentPeriod.revision))
        .order_by(CommentPeriod.opens_at.desc(), CommentPeriod.id.desc())
        .limit(1)
    )


def open_periods(*, public_only: bool, limit: int = 5, now=None) -> list[CommentPeriod]:
    """The periods open now, soonest close first (the home page)."""
    now = now or utcnow()
    query = (
        select(CommentPeriod)
        .where(
            CommentPeriod.ended_at.is_(None),
            CommentPeriod.opens_at <= now,
            CommentPeriod.closes_at > now,
        )
        .options(joinedload(CommentPeriod.document))
        .order_by(CommentPeriod.closes_at, CommentPeriod.id)
        .limit(limit)
    )
    if public_only:
        query = query.where(CommentPeriod.audience == Audience.PUBLIC)
    return list(db.session.scalars(query))


def periods_of(document: StandardDocument) -> list[CommentPeriod]:
    return list(
        db.session.scalars(
            select(CommentPeriod)
            .where(CommentPeriod.document_id == document.id)
            .order_by(CommentPeriod.opens_at, CommentPeriod.id)
        )
    )


def _in_periods(document: StandardDocument):
    """The condition "a top-level comment made while the document was open for
    comments": from a period's opening until the document left the stage (ended_at;
    an open period counts up to now). Comments on later stages — a vote's
    comments on the 送审稿 — are not part of the consultation."""
    during = (
        select(CommentPeriod.id)
        .where(
            CommentPeriod.document_id == document.id,
            CommentPeriod.opens_at <= Comment.created_at,
            func.coalesce(CommentPeriod.ended_at, utcnow()) >= Comment.created_at,
        )
        .exists()
    )
    return (Comment.document_id == document.id, Comment.parent_id.is_(None), during)


def comment_counts(document: StandardDocument) -> dict[str, int]:
    """Comments received during the comment periods and how they were resolved:
    ``{"received", "accepted", "partly", "not_accepted"}`` (one query). A
    document that never had a period counts nothing."""
    row = db.session.execute(
        select(
            func.count(),
            func.count(case((Comment.resolution == Resolution.ACCEPTED, 1))),
            func.count(case((Comment.resolution == Resolution.PARTLY_ACCEPTED, 1))),
            func.count(case((Comment.resolution == Resolution.NOT_ACCEPTED, 1))),
        ).where(*_in_periods(document))
    ).one()
    return {
        "received": row[0] or 0,
        "accepted": row[1] or 0,
        "partly": row[2] or 0,
        "not_accepted": row[3] or 0,
    }


@dataclass(frozen=True)
class ClauseCount:
    clause: str  # "" for the document as a whole
    total: int
    open: int


def _clause_key(clause: str):
    # "4.10" after "4.2"; annexes ("A.1") after the clauses; the whole document first.
    parts = re.split(r"[.．]", clause) if clause else []
    return (bool(clause), [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def clause_counts(document: StandardDocument) -> list[ClauseCount]:
    """Top-level comments per clause, all of the document's comments (one query, bounded)."""
    rows = db.session.execute(
        select(
            Comment.clause,
            func.count(),
            func.count(case((Comment.resolution.is_(None), 1))),
        )
        .where(Comment.document_id == document.id, Comment.parent_id.is_(None))
        .group_by(Comment.clause)
        .order_by(func.count().desc(), Comment.clause)
        .limit(MAX_CLAUSES)
    ).all()
    counts = [ClauseCount(clause or "", total, open_) for clause, total, open_ in rows]
    return sorted(counts, key=lambda c: _clause_key(c.clause))


def _active_users(organization_ids: list[int]) -> list[User]:
    if not organization_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id.in_(organization_ids),
                User.is_active_account.is_(True),
                User.email_confirmed_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _unique(users: list[User]) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user.email not in seen and user.is_active_account:
            seen.add(user.email)
            result.append(user)
    return result


def editors_to_mail(group: DraftingGroup) -> list[User]:
    """The editors of the group who receive its mail: named editors, and the
    confirmed users of its main units (and of participating units when they may edit)."""
    org_ids = [
        m.organization_id
        for m in group.memberships
        if m.role == GroupRole.MAIN or group.participants_may_edit
    ]
    named = [e.user for e in group.editors if e.user.email_confirmed_at is not None]
    return _unique(named + _active_users(org_ids))


def group_to_mail(group: DraftingGroup) -> list[User]:
    """The editors and the users of every member unit of the group."""
    named = [e.user for e in group.editors if e.user.email_confirmed_at is not None]
    return _unique(named + _active_users([m.organization_id for m in group.memberships]))
