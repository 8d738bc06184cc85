"""Export jobs: one row per PDF export that runs in the background."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.accounts.models import User
from drafting.core.models import UTCDateTime, str_enum
from drafting.core.timeutil import utcnow
from drafting.documents.models import Revision, StandardDocument
from drafting.extensions import db


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# What each state is called on pages and in messages.
JOB_STATE_LABELS = {
    JobState.QUEUED: _l("Queued"),
    JobState.RUNNING: _l("Running"),
    JobState.DONE: _l("Ready"),
    JobState.FAILED: _l("Failed"),
}

ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class ExportJobRecord(db.Model):
    """A PDF export of one revision, queued, running, done (with a cached file) or failed."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint("state != 'done' OR result_path != ''", name="done_has_result"),
        Index("ix_export_job_document_state", "document_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("standard_document.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[JobState] = mapped_column(
        str_enum(JobState, "export_job_state", 16),
        default=JobState.QUEUED,
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # A step code ("building", "rendering", ...), shown translated; see services.PROGRESS_LABELS.
    progress_label: Mapped[str] = mapped_column(String(40), default="")
    cache_key: Mapped[str] = mapped_column(String(64), default="")
    #: "pdf" or "docx" (drafting.word)
    format: Mapped[str] = mapped_column(String(8), default="pdf", server_default="pdf")
    #: Started by the app ahead of anyone asking (drafting.jobs.speculation), not
    #: by a user; a user's export of the same inputs takes it over (False again).
    speculative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Relative to EXPORT_DIR, so instances that mount it elsewhere agree.
    result_path: Mapped[str] = mapped_column(String(200), default="")
    error_code: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document: Mapped[StandardDocument] = relationship()
    revision: Mapped[Revision] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        return f"<ExportJobRecord {self.id} {self.state} {self.progress}%>"
