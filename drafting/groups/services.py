"""Changing who is in a drafting group."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from drafting.accounts.models import Organization, User
from drafting.audit.services import record
from drafting.core.errors import Refused, ServiceError
from drafting.extensions import db
from drafting.groups.models import (
    DraftingGroup,
    GroupDrafter,
    GroupEditor,
    GroupMembership,
    GroupRole,
)


def create_group(name: str, *, actor: User | None) -> DraftingGroup:
    """Create an empty drafting group (audited)."""
    group = DraftingGroup(name=name.strip())
    db.session.add(group)
    db.session.flush()
    record(actor, "group.created", group, summary=group.name)
    return group


def add_member(
    group: DraftingGroup, org: Organization, role: GroupRole, *, actor: User | None
) -> GroupMembership:
    """Add an organization, or change its role if it is already in the group."""
    membership = group.membership_of(org.id)
    if membership is None:
        membership = GroupMembership(
            group=group, organization=org, role=role, position=len(group.memberships)
        )
        db.session.add(membership)
        db.session.flush()
        record(actor, "group.member_added", group, organization_id=org.id, role=str(role))
    elif membership.role != role:
        record(
            actor,
            "group.member_role_changed",
            group,
            organization_id=org.id,
            old=str(membership.role),
            new=str(role),
        )
        membership.role = role
    return membership


def remove_member(group: DraftingGroup, org: Organization, *, actor: User | None) -> None:
    """Take an organization out of a drafting group (audited); refused if it is not a member."""
    membership = group.membership_of(org.id)
    if membership is None:
        raise Refused(_("This organization is not in the drafting group."), code="not_member")
    group.memberships.remove(membership)
    db.session.flush()
    record(actor, "group.member_removed", group, organization_id=org.id)


def name_editor(
    group: DraftingGroup, user: User, *, actor: User | None, is_drafter: bool = True
) -> GroupEditor:
    """Name ``user`` an editor of the group, whatever their organization (once; audited)."""
    for editor in group.editors:
        if editor.user_id == user.id:
            return editor
    editor = GroupEditor(group=group, user=user, is_drafter=is_drafter)
    db.session.add(editor)
    db.session.flush()
    record(actor, "group.editor_named", group, user_id=user.id)
    return editor


def remove_editor(group: DraftingGroup, user: User, *, actor: User | None) -> None:
    """Withdraw a named editor (audited); refused if they are not one."""
    for editor in list(group.editors):
        if editor.user_id == user.id:
            group.editors.remove(editor)
            db.session.flush()
            record(actor, "group.editor_removed", group, user_id=user.id)
            return
    raise Refused(_("This person is not a named editor of the group."), code="not_editor")


def set_participants_may_edit(group: DraftingGroup, allowed: bool, *, actor: User) -> None:
    """Let participating units edit, or only comment (audited)."""
    group.participants_may_edit = allowed
    record(actor, "group.participants_may_edit", group, allowed=allowed)


def drafting_units(group: DraftingGroup) -> list[Organization]:
    """Organizations for the foreword: main drafting units first, then participating."""
    ordered = sorted(group.memberships, key=lambda m: (m.role != GroupRole.MAIN, m.position, m.id))
    return [m.organization for m in ordered]


def drafters(group: DraftingGroup) -> list[User]:
    """The named editors who are also drafters."""
    return [e.user for e in group.editors if e.is_drafter]


MAX_DRAFTERS_PER_UNIT = 30
MAX_DRAFTER_NAME = 100


def unit_drafters(group: DraftingGroup, organization_id: int) -> list[GroupDrafter]:
    """The drafters a unit named, in its order."""
    return sorted(
        (d for d in group.drafters if d.organization_id == organization_id),
        key=lambda d: (d.position, d.id),
    )


def set_unit_drafters(
    group: DraftingGroup, org: Organization, names: list[str], *, actor: User | None
) -> list[GroupDrafter]:
    """Replace the unit's drafters with ``names``, in that order (blank lines and
    repeats dropped). They feed the foreword's 主要起草人 line."""
    if group.membership_of(org.id) is None:
        raise Refused(_("This organization is not in the drafting group."), code="not_member")
    cleaned: list[str] = []
    for name in names:
        # A name has no control characters (PostgreSQL cannot even store NUL).
        name = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in str(name))
        name = " ".join(name.split())
        if name and name not in cleaned:
            cleaned.append(name)
    too_long = [n for n in cleaned if len(n) > MAX_DRAFTER_NAME]
    if too_long:
        raise ServiceError(
            _(
                "A drafter's name has at most %(n)d characters: %(name)s",
                n=MAX_DRAFTER_NAME,
                name=too_long[0][:20] + "…",
            ),
            code="name_too_long",
        )
    if len(cleaned) > MAX_DRAFTERS_PER_UNIT:
        raise ServiceError(
            _("A unit names at most %(n)d drafters.", n=MAX_DRAFTERS_PER_UNIT),
            code="too_many_drafters",
        )
    for drafter in unit_drafters(group, org.id):
        group.drafters.remove(drafter)
    db.session.flush()
    for position, name in enumerate(cleaned):
        db.session.add(
            GroupDrafter(group=group, organization_id=org.id, name=name, position=position)
        )
    db.session.flush()
    record(actor, "group.drafters_set", group, organization_id=org.id, names=cleaned)
    return unit_drafters(group, org.id)


def foreword_drafters(group: DraftingGroup) -> list[str]:
    """The names for the foreword's 主要起草人 line: each unit's drafters in the
    unit's order, units in the order of the 起草单位 line; then named editors
    marked as drafters who are not listed yet."""
    names: list[str] = []
    for org in drafting_units(group):
        names += [d.name for d in unit_drafters(group, org.id) if d.name not in names]
    names += [u.name for u in drafters(group) if u.name not in names]
    return names
