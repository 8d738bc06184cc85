"""Who may see and change applications. Pure predicates.

A user of another organization, or a reviewer of the applicant's own
organization, must not learn that the application exists: views answer 404
when `can_view_application` is false.
"""

from __future__ import annotations

from drafting.accounts.models import Role
from drafting.applications.models import Application, ApplicationState
from drafting.calls.permissions import applies_for_an_organization, is_assigned_reviewer


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_applicant(user, application: Application) -> bool:
    return (
        _authenticated(user)
        and user.role == Role.MEMBER
        and user.organization_id is not None
        and user.organization_id == application.organization_id
    )


def can_view_application(user, application: Application) -> bool:
    if not _authenticated(user):
        return False
    if user.role == Role.SECRETARIAT or is_applicant(user, application):
        return True
    if user.organization_id is not None and user.organization_id == application.organization_id:
        return False  # a reviewer never sees their own organization's application
    # Reviewers do not see drafts: nothing has been submitted to review yet.
    return application.state != ApplicationState.DRAFT and is_assigned_reviewer(
        user, application.call_id
    )


def can_edit_application(user, application: Application) -> bool:
    """Every user of the organization may work on it (the state and deadline are checked by services)."""
    return is_applicant(user, application)


def can_list_own_applications(user) -> bool:
    return applies_for_an_organization(user)
