"""Who may see and manage calls. Pure predicates."""

from __future__ import annotations

from drafting.accounts.models import Role
from drafting.calls.models import Call, CallState


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage_calls(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_view_call(user, call: Call) -> bool:
    """Published calls are public; drafts only for the secretariat (preview)."""
    return call.state != CallState.DRAFT or can_manage_calls(user)


def can_apply(user, call: Call, now=None) -> bool:
    """A member of an organization, while the call is open."""
    return (
        _authenticated(user)
        and user.role == Role.MEMBER
        and user.organization_id is not None
        and call.is_open(now)
    )
