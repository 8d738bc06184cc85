"""Mail waits in the database until it has been handed to the SMTP server."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.extensions import db


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


class OutboundMail(db.Model):
    __tablename__ = "outbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status", 16),
        default=MailStatus.QUEUED,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Attachments (e.g. a receipt PDF) are stored by content hash in the upload store.
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
