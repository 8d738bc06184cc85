"""Who may open, see, vote in and close a ballot. Pure predicates."""

from __future__ import annotations

from datetime import datetime

from drafting.accounts.models import Role
from drafting.ballots.models import Ballot
from drafting.documents.models import StandardDocument
from drafting.documents.states import DocumentStage
from drafting.groups import permissions as groups


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_secretariat(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_open_ballot(user, document: StandardDocument) -> bool:
    """The secretariat opens a ballot on a document in 送审稿."""
    return is_secretariat(user) and document.stage == DocumentStage.DRAFT_FOR_REVIEW


def can_list_ballots(user, document: StandardDocument) -> bool:
    """The ballots of a document: the secretariat and the drafting group."""
    return groups.is_group_member(user, document.drafting_group)


def can_manage_ballot(user, ballot: Ballot | None = None) -> bool:
    """Close early, see every vote: the secretariat."""
    return is_secretariat(user)


def is_voter(user, ballot: Ballot) -> bool:
    return _authenticated(user) and ballot.is_voter(user.organization_id)


def can_view_ballot(user, ballot: Ballot) -> bool:
    """The ballot and its revision: the voting organizations, the drafting group, the secretariat."""
    return is_voter(user, ballot) or groups.is_group_member(user, ballot.document.drafting_group)


def can_vote(user, ballot: Ballot, now: datetime | None = None) -> bool:
    """Any user of a voting organization, while the ballot accepts votes."""
    return is_voter(user, ballot) and ballot.accepts_votes(now)


def can_view_votes(user, ballot: Ballot) -> bool:
    """Each organization's vote and the summary: the secretariat and the drafting group."""
    return groups.is_group_member(user, ballot.document.drafting_group)


def can_override_gate(user) -> bool:
    return is_secretariat(user)
