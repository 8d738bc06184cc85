"""Who may review, decide and export. Pure predicates."""

from __future__ import annotations

from drafting.accounts.models import Role
from drafting.applications.models import Application, ApplicationState
from drafting.applications.permissions import can_view_application
from drafting.calls.models import Call
from drafting.calls.permissions import is_assigned_reviewer


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_secretariat(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_review_call(user, call: Call) -> bool:
    """See the dashboard of a call: the secretariat and the call's reviewers."""
    return is_secretariat(user) or is_assigned_reviewer(user, call.id)


def can_assess(user, application: Application) -> bool:
    """Assigned reviewers (never of the applicant's organization) and the secretariat."""
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW):
        return False
    if is_secretariat(user):
        return True
    return (
        _authenticated(user)
        and user.role == Role.REVIEWER
        and can_view_application(user, application)
    )


def can_manage_reviews(user, call: Call | None = None) -> bool:
    """Assign reviewers, return applications, decide, publish, export: the secretariat."""
    return is_secretariat(user)
