"""Drafting groups: the organizations (and named people) writing one standard."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.accounts.models import Organization, User
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.extensions import db


class GroupRole(enum.StrEnum):
    MAIN = "main"  # 主要起草单位
    PARTICIPATING = "participating"  # 参编单位


#: The one wording of each role (pages use the ``role_badge`` macro or the
#: ``group_role_labels`` template global; forms and exports this dict).
GROUP_ROLE_LABELS = {
    GroupRole.MAIN: _l("Main drafting unit"),
    GroupRole.PARTICIPATING: _l("Participating unit"),
}


class DraftingGroup(db.Model):
    __tablename__ = "drafting_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # Participating units comment; the secretariat may let them edit too.
    participants_may_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[GroupMembership]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMembership.id"
    )
    editors: Mapped[list[GroupEditor]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupEditor.id"
    )
    drafters: Mapped[list[GroupDrafter]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        order_by="GroupDrafter.id",
    )

    def membership_of(self, organization_id: int | None) -> GroupMembership | None:
        if organization_id is None:
            return None
        for m in self.memberships:
            if m.organization_id == organization_id:
                return m
        return None


class GroupMembership(db.Model):
    """An organization in a drafting group, in a role."""

    __tablename__ = "group_membership"
    __table_args__ = (UniqueConstraint("group_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("drafting_group.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[GroupRole] = mapped_column(str_enum(GroupRole, "group_role", 16))
    # Order in the foreword's list of drafting units.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[DraftingGroup] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class GroupEditor(db.Model):
    """A person the secretariat named editor of a group, whatever their organization."""

    __tablename__ = "group_editor"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("drafting_group.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Named drafters appear in the foreword's list of main drafters.
    is_drafter: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[DraftingGroup] = relationship(back_populates="editors")
    user: Mapped[User] = relationship()


class GroupDrafter(db.Model):
    """A person a drafting unit names as one of its drafters (主要起草人), in
    the unit's order; the foreword lists them unit by unit in that order."""

    __tablename__ = "group_drafter"
    __table_args__ = (CheckConstraint("position >= 0", name="position_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("drafting_group.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[DraftingGroup] = relationship(back_populates="drafters")
    organization: Mapped[Organization] = relationship()
