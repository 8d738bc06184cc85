"""Applications of organizations to calls: standards and roles, answers, evidence."""

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
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from drafting.accounts.models import Organization, User
from drafting.calls.models import Call, CallStandard, Requirement
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.groups.models import GROUP_ROLE_LABELS, GroupRole


class ApplicationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"


# What each state is called on pages and in messages.
STATE_LABELS = {
    ApplicationState.DRAFT: _l("Draft"),
    ApplicationState.SUBMITTED: _l("Submitted"),
    ApplicationState.UNDER_REVIEW: _l("Under review"),
    ApplicationState.RETURNED: _l("Returned for changes"),
    ApplicationState.WITHDRAWN: _l("Withdrawn"),
    # "Accepted" of an application reads differently in Chinese (入选) from
    # an accepted comment (采纳): a context tells the translator which.
    ApplicationState.ACCEPTED: lazy_pgettext("application", "Accepted"),
    ApplicationState.PARTLY_ACCEPTED: lazy_pgettext("application", "Partly accepted"),
    ApplicationState.REJECTED: lazy_pgettext("application", "Not accepted"),
}
# The roles applied for are the drafting group's (labels beside their enum).
ROLE_LABELS = GROUP_ROLE_LABELS


DECIDED_STATES = (
    ApplicationState.ACCEPTED,
    ApplicationState.PARTLY_ACCEPTED,
    ApplicationState.REJECTED,
)
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.RETURNED)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("organization_id", "call_id", name="uq_application_organization_call"),
        CheckConstraint(
            "state NOT IN ('accepted', 'partly_accepted', 'rejected') OR decided_at IS NOT NULL",
            name="decided_has_date",
        ),
        CheckConstraint(
            "state IN ('draft') OR submitted_at IS NOT NULL", name="submitted_has_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[ApplicationState] = mapped_column(
        str_enum(ApplicationState, "application_state"), default=ApplicationState.DRAFT, index=True
    )
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    return_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Renewed (a random tag, never reused) by every flush that changes the
    # application, its standards, answers or files (and, see
    # `reviews.models`, its assessments): with the call's `cache_tag`, the key
    # of the review page's cached part (see `bump_cache_tags` below).
    cache_tag: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)

    call: Mapped[Call] = relationship()
    organization: Mapped[Organization] = relationship()
    standards: Mapped[list[ApplicationStandard]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationStandard.id",
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Answer.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def answer_for(self, requirement_id: int) -> Answer | None:
        for a in self.answers:
            if a.requirement_id == requirement_id:
                return a
        return None

    def files_for(self, requirement_id: int) -> list[Attachment]:
        return [f for f in self.attachments if f.requirement_id == requirement_id]

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.state}>"


class ApplicationStandard(db.Model):
    """A standard applied for, in a role (main drafting unit / participating unit)."""

    __tablename__ = "application_standard"
    __table_args__ = (UniqueConstraint("application_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("call_standard.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[GroupRole] = mapped_column(str_enum(GroupRole, "applied_role", 16))

    application: Mapped[Application] = relationship(back_populates="standards")
    standard: Mapped[CallStandard] = relationship()


class Answer(db.Model):
    """The statement for one requirement; `version` guards against stale saves."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("application_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirement.id", ondelete="CASCADE"), index=True
    )
    statement: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    # Every UPDATE says "WHERE version = <the version read>" and raises the
    # version: two saves racing from the same version cannot both succeed.
    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship(back_populates="answers")
    requirement: Mapped[Requirement] = relationship()
    updated_by: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """An evidence file; the content lives in the blob store under its SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirement.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")


def renew_cache_tag(session, application_id: int | None) -> None:
    """A new `Application.cache_tag` for this application, from a `before_flush`
    hook of one of its parts (the parts of other domains call it too)."""
    if application_id is None:
        return
    application = session.get(Application, application_id)
    if application is not None:
        application.cache_tag = uuid.uuid4().hex


_APPLICATION_PARTS = (ApplicationStandard, Answer, Attachment)


def renamed_in(session, obj) -> bool:
    """Whether this flush changes the ``name`` of ``obj`` (a stored user or organization)."""
    return (
        obj in session.dirty
        and obj.id is not None
        and inspect(obj).attrs.name.history.has_changes()
    )


def changed_part_of(session, part) -> int | None:
    """The id of the application that ``part`` (a row with an ``application``:
    answer, file, standard, assessment…) belongs to, when the flush really changes
    it; None for a row only marked dirty, or not tied to an application yet."""
    if part in session.dirty and not session.is_modified(part):
        return None
    application = part.__dict__.get("application")
    return application.id if application is not None else part.application_id


@event.listens_for(Session, "before_flush")
def bump_cache_tags(session, _context, _instances) -> None:
    """A new `Application.cache_tag` for every application changed in this
    flush, whichever service changed it: the review page's cached part then
    misses at once."""
    renewed: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Application):
            if obj not in session.new and session.is_modified(obj, include_collections=False):
                if obj.id not in renewed:
                    obj.cache_tag = uuid.uuid4().hex
                    renewed.add(obj.id)
        elif isinstance(obj, _APPLICATION_PARTS):
            application_id = changed_part_of(session, obj)
            if application_id is not None and application_id not in renewed:
                renew_cache_tag(session, application_id)
                renewed.add(application_id)
        elif isinstance(obj, Organization) and renamed_in(session, obj):
            # The pages show the applicant's name: all its applications, in one statement.
            session.connection().execute(
                update(Application.__table__)
                .where(Application.__table__.c.organization_id == obj.id)
                .values(cache_tag=uuid.uuid4().hex)
            )
