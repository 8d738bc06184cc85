"""Who may edit, move and comment on a drafting group's documents. Pure predicates."""

from __future__ import annotations

from drafting.accounts.models import Role
from drafting.groups.models import DraftingGroup, GroupRole


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _named_editor(user, group: DraftingGroup) -> bool:
    return any(e.user_id == user.id for e in group.editors)


def is_editor(user, group: DraftingGroup) -> bool:
    """Users of main drafting units, named editors, and (when allowed) participating units."""
    if not _authenticated(user):
        return False
    if user.role == Role.SECRETARIAT or _named_editor(user, group):
        return True
    membership = group.membership_of(user.organization_id)
    if membership is None:
        return False
    return membership.role == GroupRole.MAIN or group.participants_may_edit


def is_main_editor(user, group: DraftingGroup) -> bool:
    """May move the draft to its next stage: main drafting units' users and named editors."""
    if not _authenticated(user):
        return False
    if user.role == Role.SECRETARIAT or _named_editor(user, group):
        return True
    membership = group.membership_of(user.organization_id)
    return membership is not None and membership.role == GroupRole.MAIN


def is_group_member(user, group: DraftingGroup) -> bool:
    if not _authenticated(user):
        return False
    return (
        user.role == Role.SECRETARIAT
        or _named_editor(user, group)
        or group.membership_of(user.organization_id) is not None
    )


def can_name_drafters(user, group: DraftingGroup, organization_id: int | None) -> bool:
    """A drafting unit names its own drafters; the secretariat names any unit's."""
    if not _authenticated(user) or group.membership_of(organization_id) is None:
        return False
    return user.role == Role.SECRETARIAT or (
        user.organization_id is not None and user.organization_id == organization_id
    )


def can_manage_group(user, group: DraftingGroup | None = None) -> bool:
    """The secretariat forms groups, adds members and names editors."""
    return _authenticated(user) and user.role == Role.SECRETARIAT
