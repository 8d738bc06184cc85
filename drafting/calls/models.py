"""Calls for drafting units: the standards they cover and their requirements."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from drafting.accounts.models import User
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import as_utc, utcnow
from drafting.extensions import db


class CallState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    DECIDED = "decided"
    ARCHIVED = "archived"


# What each state (and the derived upcoming / open / closed) is called on pages and in messages.
CALL_STATE_LABELS = {
    "draft": _l("Draft"),
    "upcoming": _l("Opens soon"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "published": _l("Published"),
    "decided": _l("Decided"),
    "archived": _l("Archived"),
}


class EvidenceKind(enum.StrEnum):
    STATEMENT = "statement"
    FILE = "file"
    BOTH = "both"


EVIDENCE_LABELS = {
    EvidenceKind.STATEMENT: _l("Statement"),
    EvidenceKind.FILE: _l("Evidence file"),
    EvidenceKind.BOTH: _l("Statement and evidence file"),
}


class Call(db.Model):
    __tablename__ = "call"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("state = 'draft' OR published_at IS NOT NULL", name="published_has_date"),
        CheckConstraint(
            "state NOT IN ('decided', 'archived') OR decided_at IS NOT NULL",
            name="decided_has_date",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    notice: Mapped[str] = mapped_column(Text, default="")
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[CallState] = mapped_column(
        str_enum(CallState, "call_state"), default=CallState.DRAFT, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Renewed (a random tag, never reused: not even by a rolled-back test) by
    # every flush that changes the call, its standards, requirements or files;
    # the key of the call page's cached part (see `bump_cache_tags` below).
    cache_tag: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)

    standards: Mapped[list[CallStandard]] = relationship(
        back_populates="call",
        cascade="all, delete-orphan",
        order_by="CallStandard.position, CallStandard.id",
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="call",
        cascade="all, delete-orphan",
        order_by="Requirement.position, Requirement.id",
    )
    attachments: Mapped[list[CallAttachment]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallAttachment.id"
    )

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.state == CallState.PUBLISHED and as_utc(self.opens_at) <= now < as_utc(
            self.closes_at
        )

    def has_closed(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= as_utc(self.closes_at)

    def not_yet_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < as_utc(self.opens_at)

    def display_state(self, now: datetime | None = None) -> str:
        """published calls show as upcoming / open / closed, derived from the dates."""
        if self.state != CallState.PUBLISHED:
            return self.state.value
        if self.not_yet_open(now):
            return "upcoming"
        return "open" if self.is_open(now) else "closed"

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.state}>"


requirement_standard = Table(
    "requirement_standard",
    db.metadata,
    Column("requirement_id", ForeignKey("requirement.id", ondelete="CASCADE"), primary_key=True),
    Column("standard_id", ForeignKey("call_standard.id", ondelete="CASCADE"), primary_key=True),
)


class CallStandard(db.Model):
    __tablename__ = "call_standard"
    __table_args__ = (CheckConstraint("main_capacity >= 0", name="capacity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    planned_number: Mapped[str] = mapped_column(String(50), default="")
    main_capacity: Mapped[int] = mapped_column(Integer, default=3)
    drafting_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("drafting_group.id", ondelete="SET NULL"), index=True
    )

    call: Mapped[Call] = relationship(back_populates="standards")
    drafting_group = relationship("DraftingGroup")


class Requirement(db.Model):
    __tablename__ = "requirement"
    __table_args__ = (CheckConstraint("weight >= 0", name="weight_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    evidence: Mapped[EvidenceKind] = mapped_column(
        str_enum(EvidenceKind, "evidence_kind"), default=EvidenceKind.BOTH
    )
    weight: Mapped[int] = mapped_column(Integer, default=1)
    applies_to_all: Mapped[bool] = mapped_column(Boolean, default=True)

    call: Mapped[Call] = relationship(back_populates="requirements")
    standards: Mapped[list[CallStandard]] = relationship(secondary=requirement_standard)

    @property
    def needs_statement(self) -> bool:
        return self.evidence in (EvidenceKind.STATEMENT, EvidenceKind.BOTH)

    @property
    def needs_file(self) -> bool:
        return self.evidence in (EvidenceKind.FILE, EvidenceKind.BOTH)

    def applies_to(self, standard_ids: set[int]) -> bool:
        return self.applies_to_all or any(s.id in standard_ids for s in self.standards)


class CallAttachment(db.Model):
    """A file published with the call, e.g. the official notice as PDF."""

    __tablename__ = "call_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="attachments")


class ReviewerAssignment(db.Model):
    """A reviewer named for a call: who may read and assess its submitted applications."""

    __tablename__ = "reviewer_assignment"
    __table_args__ = (UniqueConstraint("call_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship()
    user: Mapped[User] = relationship()


_CALL_PARTS = (CallStandard, Requirement, CallAttachment)


@event.listens_for(Session, "before_flush")
def bump_cache_tags(session, _context, _instances) -> None:
    """A new `Call.cache_tag` for every call changed in this flush, whichever
    service changed it: the call page's cached part then misses at once."""
    calls: set[Call] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Call):
            if obj not in session.new and session.is_modified(obj, include_collections=False):
                calls.add(obj)
        elif isinstance(obj, _CALL_PARTS):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            call = obj.__dict__.get("call")
            if call is None and obj.call_id is not None:
                call = session.get(Call, obj.call_id)
            if call is not None:
                calls.add(call)
    for call in calls:
        call.cache_tag = uuid.uuid4().hex
