"""Standard documents, their immutable revisions, private drafts, comments and stage moves."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from drafting.accounts.models import Organization, User
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.documents.states import CommentType, DocumentStage, Resolution
from drafting.extensions import db
from drafting.groups.models import DraftingGroup

_FIGURE_NUMBER = re.compile(r"^图\s*(?:[A-Z]\.)?\d+(?:\.\d+)*[\s\-_—、.．:：]*")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StandardDocument(db.Model):
    __tablename__ = "standard_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    # T/<association code> <nnnn>—<yyyy>
    number: Mapped[str] = mapped_column(String(60), unique=True)
    ics: Mapped[str] = mapped_column(String(40), default="")
    ccs: Mapped[str] = mapped_column(String(40), default="")
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    # Documents this one replaces ("T/CESA 1100—2020"), printed on the cover and in 前言.
    replaces: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # 一致性程度 with an international document: "ISO 12345:2020, MOD".
    adoption: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Known patents: the foreword states them instead of the default patent sentence.
    known_patents: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    stage: Mapped[DocumentStage] = mapped_column(
        str_enum(DocumentStage, "document_stage"), default=DocumentStage.WORKING_DRAFT
    )
    planned_published_on: Mapped[date | None] = mapped_column(Date)
    planned_implemented_on: Mapped[date | None] = mapped_column(Date)
    # The comment period of the draft for comments ends here (UTC).
    comment_period_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether anyone, not only member organizations, may comment in that period.
    comments_public: Mapped[bool] = mapped_column(Boolean, default=False)
    drafting_group_id: Mapped[int] = mapped_column(
        ForeignKey("drafting_group.id", ondelete="RESTRICT"), index=True
    )
    # The revision and the document point at each other: created after both tables.
    head_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", ondelete="SET NULL", use_alter=True), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    drafting_group: Mapped[DraftingGroup] = relationship(lazy="joined")
    head_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[head_revision_id], post_update=True
    )

    @property
    def is_published(self) -> bool:
        return self.stage == DocumentStage.PUBLISHED

    def comment_period_open(self, now: datetime | None = None) -> bool:
        if self.stage != DocumentStage.DRAFT_FOR_COMMENTS:
            return False
        if self.comment_period_ends_at is None:
            return True
        return (now or utcnow()) < self.comment_period_ends_at

    def __repr__(self) -> str:
        return f"<StandardDocument {self.id} {self.number}>"


class Revision(db.Model):
    """One saved state of the text. Never changed after it is written."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    # 1, 2, 3… within the document: what people say ("revision 7").
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message: Mapped[str] = mapped_column(String(500), default="")
    # Loaded only when asked for: lists of revisions never carry megabytes of text.
    text: Mapped[str] = deferred(mapped_column(Text))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    # The stage the document was in when this revision was saved.
    stage: Mapped[DocumentStage] = mapped_column(str_enum(DocumentStage, "revision_stage"))

    document: Mapped[StandardDocument] = relationship(foreign_keys=[document_id])
    author: Mapped[User | None] = relationship()
    parent: Mapped[Revision | None] = relationship(remote_side=[id])
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="revision", order_by="StageChange.id", viewonly=True
    )


class Draft(db.Model):
    """A user's private, unsaved text of a document: autosave, and what a conflict left over."""

    __tablename__ = "document_draft"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    # The revision the text was edited from: the base of a later merge.
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    # Set when a save was refused because of a conflict.
    conflicted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    base_revision: Mapped[Revision | None] = relationship()


class Comment(db.Model):
    __tablename__ = "document_comment"
    __table_args__ = (
        CheckConstraint(
            "resolution IS NULL OR resolved_by_id IS NOT NULL", name="resolution_has_resolver"
        ),
        CheckConstraint("resolution IS NULL OR parent_id IS NULL", name="only_top_level_resolved"),
        Index("ix_document_comment_document_clause", "document_id", "clause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_comment.id", ondelete="CASCADE"), index=True
    )
    # "4.2", "附录A", "A.1"; "" for the document as a whole.
    clause: Mapped[str] = mapped_column(String(40), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[CommentType] = mapped_column(
        str_enum(CommentType, "comment_type"), default=CommentType.TECHNICAL
    )
    body: Mapped[str] = mapped_column(Text)
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    # A public commenter has no account: their name and organization are typed in.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(100), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolution: Mapped[Resolution | None] = mapped_column(
        str_enum(Resolution, "comment_resolution")
    )
    resolution_reason: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    revision: Mapped[Revision] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    organization: Mapped[Organization | None] = relationship()


class StageChange(db.Model):
    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[DocumentStage] = mapped_column(str_enum(DocumentStage, "stage_change_from"))
    to_stage: Mapped[DocumentStage] = mapped_column(str_enum(DocumentStage, "stage_change_to"))
    # The revision the move was made at (the tag).
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The secretariat moved it although the checks found errors.
    checks_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[Revision | None] = relationship(back_populates="stage_changes")
    actor: Mapped[User | None] = relationship()


class Presence(db.Model):
    """Who has a document open: a heartbeat row per user, so it works across app instances."""

    __tablename__ = "document_presence"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DocumentAttachment(db.Model):
    """An image of a document, referred to from the text by its name: ``![图题](name)``.

    The bytes are a content-addressed blob (see :mod:`drafting.storage`);
    the name is what the Markdown uses, unique within the document.
    """

    __tablename__ = "document_attachment"
    __table_args__ = (UniqueConstraint("document_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def markdown(self) -> str:
        """The snippet that shows this image as a figure (angle brackets when the name has spaces or brackets)."""
        target = (
            f"<{self.name}>" if any(ch.isspace() or ch in "()" for ch in self.name) else self.name
        )
        # The figure number is given by the renderer: "图1-工艺流程.png" suggests the caption "工艺流程".
        caption = _FIGURE_NUMBER.sub("", self.name.rsplit(".", 1)[0]).translate(
            {ord("["): None, ord("]"): None}
        )
        return f"![{caption.strip() or '图题'}]({target})"
