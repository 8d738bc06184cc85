"""Who may do what with accounts and organizations. Pure predicates."""

from __future__ import annotations

from drafting.accounts.models import Organization, Role, User


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_secretariat(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_manage_users(user) -> bool:
    return is_secretariat(user)


def can_view_audit_log(user) -> bool:
    return is_secretariat(user)


def can_view_organization(user, org: Organization) -> bool:
    return _authenticated(user) and (is_secretariat(user) or user.organization_id == org.id)


def can_edit_organization(user, org: Organization) -> bool:
    return _authenticated(user) and (
        is_secretariat(user) or (user.organization_id == org.id and user.is_org_admin)
    )


def can_invite_colleagues(user, org: Organization) -> bool:
    # Any user of the organization may invite; only its admins may remove.
    return _authenticated(user) and (is_secretariat(user) or user.organization_id == org.id)


def can_remove_member(user, org: Organization, member: User) -> bool:
    if not _authenticated(user) or member.organization_id != org.id:
        return False
    if is_secretariat(user):
        return True
    return user.organization_id == org.id and user.is_org_admin and member.id != user.id


def can_manage_tokens(user) -> bool:
    return _authenticated(user)
