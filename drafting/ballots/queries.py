"""Reads of ballots used by the pages, the API, the gate and the approval package.

"The current 送审稿" (the gate to 报批稿): a ballot counts for the move when it
passed and its revision is still the document's head, i.e. no revision was
saved after the one voted on. Saving a new revision after the vote (even an
editorial fix) asks for a new ballot, or for the secretariat's override.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.ballots.models import Ballot, BallotVoter, Vote
from drafting.ballots.states import BallotResult, BallotStatus
from drafting.core.timeutil import utcnow
from drafting.documents.models import StandardDocument
from drafting.documents.queries import load_document
from drafting.extensions import db


def load_ballot(ballot_id: int) -> Ballot | None:
    """A ballot with its document (and group, for the permission predicates) and voters."""
    ballot = db.session.scalar(
        select(Ballot)
        .where(Ballot.id == ballot_id)
        .options(selectinload(Ballot.voters).joinedload(BallotVoter.organization))
    )
    if ballot is not None:
        load_document(ballot.document_id)  # the group's members and editors, in one go
    return ballot


def ballots_of(document: StandardDocument) -> list[Ballot]:
    """The document's ballots, the newest first."""
    return list(
        db.session.scalars(
            select(Ballot).where(Ballot.document_id == document.id).order_by(Ballot.id.desc())
        )
    )


def latest_ballot(document: StandardDocument) -> Ballot | None:
    """The document's most recent ballot (open or closed), or None."""
    return db.session.scalar(
        select(Ballot).where(Ballot.document_id == document.id).order_by(Ballot.id.desc()).limit(1)
    )


def open_ballot_of(document: StandardDocument) -> Ballot | None:
    return db.session.scalar(
        select(Ballot)
        .where(Ballot.document_id == document.id, Ballot.status == BallotStatus.OPEN)
        .order_by(Ballot.id.desc())
        .limit(1)
    )


def passed_ballot(document: StandardDocument) -> Ballot | None:
    """The document's most recent ballot that passed (whatever revision it was on), or None.

    Use :func:`is_current` to know whether it still covers the head revision
    (the gate to 报批稿 does).
    """
    return db.session.scalar(
        select(Ballot)
        .where(
            Ballot.document_id == document.id,
            Ballot.status == BallotStatus.CLOSED,
            Ballot.result == BallotResult.PASSED,
        )
        .order_by(Ballot.closed_at.desc(), Ballot.id.desc())
        .limit(1)
    )


def is_current(ballot: Ballot | None, document: StandardDocument) -> bool:
    """Whether the ballot was held on the document's head revision (nothing saved since)."""
    return ballot is not None and ballot.revision_id == document.head_revision_id


def votes_of(ballot: Ballot) -> dict[int, Vote]:
    """The votes by organization id."""
    return {
        v.organization_id: v
        for v in db.session.scalars(
            select(Vote)
            .where(Vote.ballot_id == ballot.id)
            .options(joinedload(Vote.cast_by), joinedload(Vote.organization))
        )
    }


def vote_of(ballot: Ballot, organization_id: int | None) -> Vote | None:
    if organization_id is None:
        return None
    return db.session.scalar(
        select(Vote).where(Vote.ballot_id == ballot.id, Vote.organization_id == organization_id)
    )


def ballots_for_organization(organization_id: int | None) -> list[Ballot]:
    """The ballots an organization votes in, the open ones first."""
    if organization_id is None:
        return []
    return list(
        db.session.scalars(
            select(Ballot)
            .join(BallotVoter, BallotVoter.ballot_id == Ballot.id)
            .where(BallotVoter.organization_id == organization_id)
            .order_by(Ballot.status.desc(), Ballot.closes_at.desc(), Ballot.id.desc())
        )
    )


def all_ballots(limit: int = 200) -> list[Ballot]:
    return list(db.session.scalars(select(Ballot).order_by(Ballot.id.desc()).limit(limit)))


def due_ballots(now: datetime | None = None) -> list[Ballot]:
    """Open ballots whose closing time has come."""
    return list(
        db.session.scalars(
            select(Ballot)
            .where(Ballot.status == BallotStatus.OPEN, Ballot.closes_at <= (now or utcnow()))
            .order_by(Ballot.id)
        )
    )
