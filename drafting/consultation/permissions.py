"""Who may read a draft out for comments, comment on it, and extend its period. Pure predicates."""

from __future__ import annotations

from datetime import datetime

from drafting.accounts.models import Role
from drafting.consultation.models import CommentPeriod
from drafting.documents.models import StandardDocument
from drafting.groups import permissions as groups


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_view_consultation(user, period: CommentPeriod | None) -> bool:
    """A public period is read by anyone; a members' period by anyone logged in."""
    if period is None:
        return False
    return period.is_public or _authenticated(user)


def can_comment_in_period(user, period: CommentPeriod | None, now: datetime | None = None) -> bool:
    """While the period is open: the drafting group, users of member organizations,
    and (public period only) anyone without an account, who confirms by mail."""
    if period is None or not period.is_open(now):
        return False
    if _authenticated(user):
        return groups.is_group_member(user, period.document.drafting_group) or (
            user.organization_id is not None
        )
    return period.is_public


def needs_confirmation(user) -> bool:
    """A commenter without an account confirms their address; members are known by their account."""
    return not _authenticated(user)


def can_extend_period(user, period: CommentPeriod | None = None) -> bool:
    """The secretariat, while the document is still a draft for comments."""
    if not (_authenticated(user) and user.role == Role.SECRETARIAT):
        return False
    return period is None or period.ended_at is None


def can_see_comment_counts(user, document: StandardDocument) -> bool:
    """The drafting group (and the secretariat) sees how many comments each clause has."""
    return groups.is_group_member(user, document.drafting_group)
