"""Who may see and manage calls. Pure predicates."""

from __future__ import annotations

from sqlalchemy import select

from drafting.accounts.models import Role
from drafting.calls.models import Call, CallState, ReviewerAssignment
from drafting.extensions import db


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage_calls(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_view_call(user, call: Call) -> bool:
    """Published calls are public; drafts only for the secretariat (preview)."""
    return call.state != CallState.DRAFT or can_manage_calls(user)


def applies_for_an_organization(user) -> bool:
    """A member user of an organization: who works on its applications."""
    return _authenticated(user) and user.role == Role.MEMBER and user.organization_id is not None


def can_start_application(user, call: Call, now=None) -> bool:
    """The one rule of who may start an application: a member user of an
    organization, while the call is open (used by the call page, the start
    route, the API and `applications.services.start_application`). An
    organization that has one already gets it back, open or not."""
    return applies_for_an_organization(user) and call.is_open(now)


def is_assigned_reviewer(user, call_id: int) -> bool:
    """Whether the user is a reviewer named for this call."""
    if not _authenticated(user) or user.role != Role.REVIEWER:
        return False
    return (
        db.session.scalar(
            select(ReviewerAssignment.id).where(
                ReviewerAssignment.call_id == call_id, ReviewerAssignment.user_id == user.id
            )
        )
        is not None
    )
