"""A ballot on a revision of the 送审稿, the organizations entitled to vote, and their votes."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.accounts.models import Organization, User
from drafting.ballots.states import BallotResult, BallotStatus, Choice
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.documents.models import Revision, StandardDocument
from drafting.extensions import db


class Ballot(db.Model):
    """A vote by correspondence (函审) on one revision of a document's 送审稿.

    The rule is copied from the configuration when the ballot opens, as exact
    fractions, so that a later change of the settings does not rewrite the
    result of a ballot already held. The counts and the result are written
    when it closes.
    """

    __tablename__ = "ballot"
    __table_args__ = (
        CheckConstraint(
            "pass_denominator > 0 AND pass_numerator >= 0 AND pass_numerator <= pass_denominator",
            name="pass_ratio_range",
        ),
        CheckConstraint(
            "against_denominator > 0 AND against_numerator >= 0 "
            "AND against_numerator <= against_denominator",
            name="against_ratio_range",
        ),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint(
            "status <> 'closed' OR (result IS NOT NULL AND closed_at IS NOT NULL "
            "AND entitled IS NOT NULL)",
            name="closed_has_result",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", ondelete="CASCADE"), index=True
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BallotStatus] = mapped_column(
        str_enum(BallotStatus, "ballot_status", 16), default=BallotStatus.OPEN
    )
    # The rule, as copied at opening.
    pass_numerator: Mapped[int] = mapped_column(Integer)
    pass_denominator: Mapped[int] = mapped_column(Integer)
    against_numerator: Mapped[int] = mapped_column(Integer)
    against_denominator: Mapped[int] = mapped_column(Integer)
    abstentions_count: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_drafting_units: Mapped[bool] = mapped_column(Boolean, default=False)
    # Written at the close (NULL while open).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # NULL when cron closed it at closes_at.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    close_reason: Mapped[str] = mapped_column(Text, default="")
    entitled: Mapped[int | None] = mapped_column(Integer)
    votes_cast: Mapped[int | None] = mapped_column(Integer)
    # votes_for counts every vote in favour, with comments or not; for_with_comments is part of it.
    votes_for: Mapped[int | None] = mapped_column(Integer)
    for_with_comments: Mapped[int | None] = mapped_column(Integer)
    against: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    not_voted: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[BallotResult | None] = mapped_column(str_enum(BallotResult, "ballot_result", 16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[StandardDocument] = relationship()
    revision: Mapped[Revision] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    voters: Mapped[list[BallotVoter]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotVoter.id"
    )
    # Read only: votes are written by services.cast_vote; the database deletes them with the ballot.
    votes: Mapped[list[Vote]] = relationship(order_by="Vote.id", viewonly=True)

    @property
    def pass_ratio(self) -> Fraction:
        return Fraction(self.pass_numerator, self.pass_denominator)

    @property
    def max_against_ratio(self) -> Fraction:
        return Fraction(self.against_numerator, self.against_denominator)

    @property
    def is_closed(self) -> bool:
        return self.status == BallotStatus.CLOSED

    @property
    def passed(self) -> bool:
        return self.result == BallotResult.PASSED

    def accepts_votes(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status == BallotStatus.OPEN and self.opens_at <= now < self.closes_at

    def is_voter(self, organization_id: int | None) -> bool:
        return organization_id is not None and any(
            v.organization_id == organization_id for v in self.voters
        )

    def __repr__(self) -> str:
        return f"<Ballot {self.id} document={self.document_id} {self.status}>"


class BallotVoter(db.Model):
    """An organization entitled to one vote in a ballot."""

    __tablename__ = "ballot_voter"
    __table_args__ = (UniqueConstraint("ballot_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )

    ballot: Mapped[Ballot] = relationship(back_populates="voters")
    organization: Mapped[Organization] = relationship()


class Vote(db.Model):
    """The one vote of an organization in a ballot; any of its users may change it until the close."""

    __tablename__ = "ballot_vote"
    __table_args__ = (
        UniqueConstraint("ballot_id", "organization_id"),
        CheckConstraint("choice <> 'against' OR reason <> ''", name="against_has_reason"),
        CheckConstraint(
            "choice <> 'for_with_comments' OR comments <> ''", name="for_with_comments_has_comments"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[Choice] = mapped_column(str_enum(Choice, "vote_choice", 24))
    reason: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[str] = mapped_column(Text, default="")
    clause: Mapped[str] = mapped_column(String(40), default="")
    # The comment this vote added to the revision's comment list, if any.
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_comment.id", ondelete="SET NULL")
    )
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many times the organization changed its vote.
    changes: Mapped[int] = mapped_column(Integer, default=0)

    ballot: Mapped[Ballot] = relationship()
    organization: Mapped[Organization] = relationship()
    cast_by: Mapped[User | None] = relationship()
