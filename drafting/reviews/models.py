"""Reviewers of a call, their assessments, and the decisions."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
    event,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from drafting.accounts.models import User
from drafting.applications.models import (
    Application,
    changed_part_of,
    renamed_in,
    renew_cache_tag,
)
from drafting.calls.models import CallStandard, Requirement
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.groups.models import GROUP_ROLE_LABELS, GroupRole


class Rating(enum.StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class Outcome(enum.StrEnum):
    MAIN = "main"
    PARTICIPATING = "participating"
    REJECTED = "rejected"


RATING_LABELS = {
    Rating.MET: _l("Met"),
    Rating.PARTLY_MET: _l("Partly met"),
    Rating.NOT_MET: _l("Not met"),
}
#: A decision names the group role the unit gets (the same words), or not accepted.
OUTCOME_LABELS = {
    Outcome.MAIN: GROUP_ROLE_LABELS[GroupRole.MAIN],
    Outcome.PARTICIPATING: GROUP_ROLE_LABELS[GroupRole.PARTICIPATING],
    Outcome.REJECTED: lazy_pgettext("application", "Not accepted"),
}


class Assessment(db.Model):
    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("application_id", "requirement_id", "reviewer_id"),
        CheckConstraint("score >= 0 AND score <= 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirement.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    rating: Mapped[Rating] = mapped_column(str_enum(Rating, "rating", 16))
    reason: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    requirement: Mapped[Requirement] = relationship()
    reviewer: Mapped[User] = relationship()


class Decision(db.Model):
    """Pending until published; `published_at` set when the outcome is announced."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("application_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("call_standard.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "outcome", 16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    standard: Mapped[CallStandard] = relationship()


@event.listens_for(Session, "before_flush")
def bump_application_cache_tags(session, _context, _instances) -> None:
    """A new `Application.cache_tag` when an assessment of it changes, or the
    name of one of its reviewers (the review page shows both)."""
    renewed: set[int] = set()
    renamed: list[int] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Assessment):
            application_id = changed_part_of(session, obj)
            if application_id is not None and application_id not in renewed:
                renew_cache_tag(session, application_id)
                renewed.add(application_id)
        elif isinstance(obj, User) and renamed_in(session, obj):
            renamed.append(obj.id)
    if renamed:
        # Every application the renamed reviewers assessed, in one statement
        # (their rows need not be loaded).
        session.connection().execute(
            update(Application.__table__)
            .where(
                Application.__table__.c.id.in_(
                    select(Assessment.__table__.c.application_id).where(
                        Assessment.__table__.c.reviewer_id.in_(renamed)
                    )
                )
            )
            .values(cache_tag=uuid.uuid4().hex)
        )
