"""The editors' sections of the 编制说明, and the publication of a standard with its dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.accounts.models import User
from drafting.core.models import UTCDateTime
from drafting.core.timeutil import utcnow
from drafting.extensions import db

#: The editors' own sections of the 编制说明, in the order they are printed.
NOTE_SECTIONS = ("technical_content", "relations", "divergences", "other")

#: Their headings in the generated document (always Chinese, like the other approval parts).
NOTE_SECTION_HEADINGS = {
    "technical_content": "主要技术内容及其依据",
    "relations": "与有关法律、法规和其他标准的关系",
    "divergences": "重大分歧意见的处理经过和依据",
    "other": "其他应予说明的事项",
}


class ExplanatoryNotes(db.Model):
    """What the editors write for the 编制说明 of one document (Markdown, no raw HTML)."""

    __tablename__ = "explanatory_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), unique=True
    )
    technical_content: Mapped[str] = mapped_column(Text, default="")
    relations: Mapped[str] = mapped_column(Text, default="")
    divergences: Mapped[str] = mapped_column(Text, default="")
    other: Mapped[str] = mapped_column(Text, default="")
    # Two editors saving at once: the later one is told, not silently overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()

    def section(self, name: str) -> str:
        return getattr(self, name) or ""


class Publication(db.Model):
    """The secretariat published the document (报批稿 → 发布) with these dates."""

    __tablename__ = "publication"
    __table_args__ = (
        CheckConstraint("implemented_on >= published_on", name="implemented_after_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("standard_document.id", ondelete="CASCADE"), unique=True
    )
    published_on: Mapped[date] = mapped_column(Date)
    implemented_on: Mapped[date] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    published_by: Mapped[User | None] = relationship()
