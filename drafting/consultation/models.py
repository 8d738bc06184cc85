"""The comment period of a draft for comments (征求意见稿), public comments awaiting
confirmation, and what the daily digest has already sent."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_pgettext
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.accounts.models import User
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import as_utc, utcnow
from drafting.documents.models import Comment, Revision, StandardDocument
from drafting.documents.states import CommentType
from drafting.extensions import db


class Audience(enum.StrEnum):
    MEMBERS = "members"  # users of member organizations, logged in
    PUBLIC = "public"  # anyone, confirmed by a mail link


AUDIENCE_LABELS = {
    Audience.MEMBERS: lazy_pgettext("comment audience", "member organizations"),
    Audience.PUBLIC: lazy_pgettext("comment audience", "the public"),
}


class PeriodStatus(enum.StrEnum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"  # the close date passed
    ENDED = "ended"  # the document left the draft-for-comments stage


PERIOD_STATUS_LABELS = {
    PeriodStatus.NOT_YET: lazy_pgettext("comment period", "not open yet"),
    PeriodStatus.OPEN: lazy_pgettext("comment period", "open"),
    PeriodStatus.CLOSED: lazy_pgettext("comment period", "closed"),
    PeriodStatus.ENDED: lazy_pgettext("comment period", "ended with the stage"),
}


class CommentPeriod(db.Model):
    """One opening of a document for comments: on a revision, from ``opens_at`` to ``closes_at``.

    Open or closed is derived from the dates (UTC); ``ended_at`` is set when the
    document leaves the draft-for-comments stage. Extensions move ``closes_at``
    later; their history (old and new date, who) is in the audit log.
    """

    __tablename__ = "comment_period"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_it_opens"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    # The revision out for comments (the head when the stage was entered).
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", ondelete="SET NULL"), index=True
    )
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience: Mapped[Audience] = mapped_column(
        str_enum(Audience, "comment_audience"), default=Audience.MEMBERS
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[StandardDocument] = relationship()
    revision: Mapped[Revision | None] = relationship()
    opened_by: Mapped[User | None] = relationship()

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    def status(self, now: datetime | None = None) -> PeriodStatus:
        now = as_utc(now) if now else utcnow()
        if self.ended_at is not None:
            return PeriodStatus.ENDED
        if now < self.opens_at:
            return PeriodStatus.NOT_YET
        if now >= self.closes_at:
            return PeriodStatus.CLOSED
        return PeriodStatus.OPEN

    def is_open(self, now: datetime | None = None) -> bool:
        return self.status(now) == PeriodStatus.OPEN


class PendingComment(db.Model):
    """A public commenter's comment, held until they follow the link mailed to them.

    Only a confirmed one becomes a :class:`~drafting.documents.models.Comment`
    (``comment_id``), so the editors never see unconfirmed text.
    """

    __tablename__ = "pending_comment"
    __table_args__ = (Index("ix_pending_comment_email_created", "email", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("comment_period.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    clause: Mapped[str] = mapped_column(String(40), default="")
    type: Mapped[CommentType] = mapped_column(
        str_enum(CommentType, "pending_comment_type"), default=CommentType.TECHNICAL
    )
    body: Mapped[str] = mapped_column(Text)
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(String(100))
    organization_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_comment.id", ondelete="SET NULL")
    )

    period: Mapped[CommentPeriod] = relationship()
    comment: Mapped[Comment | None] = relationship()


class DigestedComment(db.Model):
    """A comment the daily digest has mailed to the editors: never mailed twice."""

    __tablename__ = "digested_comment"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("document_comment.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
