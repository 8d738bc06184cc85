"""Writing the 编制说明, assembling the approval package, publishing with dates."""

from __future__ import annotations

import unicodedata
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from drafting.accounts.models import User
from drafting.approval import package, permissions
from drafting.approval.models import NOTE_SECTIONS, ExplanatoryNotes, Publication
from drafting.approval.queries import notes_of, publication_of
from drafting.audit.services import record
from drafting.core.errors import Conflict, NotAllowed, Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.documents import services as documents
from drafting.documents import signals as document_signals
from drafting.documents.models import StandardDocument
from drafting.documents.states import DocumentStage
from drafting.extensions import db

MAX_SECTION_CHARS = 20_000
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


# --- 编制说明 ---------------------------------------------------------------


def _without_controls(text: str) -> str:
    """No control characters but line breaks and tabs (PostgreSQL cannot even store NUL)."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def save_notes(
    document: StandardDocument,
    sections: dict[str, str],
    *,
    actor: User,
    version: int | None = None,
) -> ExplanatoryNotes:
    """Store the editors' sections of the 编制说明 (Markdown).

    ``version`` is the one the editor started from: if another editor saved
    in between, nothing is overwritten (:class:`Conflict`; the view keeps the
    editor's text in the form).
    """
    if not permissions.can_edit_notes(actor, document):
        raise NotAllowed(
            _("Only the editors of this document may write its explanatory notes."),
            code="forbidden",
        )
    unknown = set(sections) - set(NOTE_SECTIONS)
    if unknown:
        raise ValueError(sorted(unknown))
    for text in sections.values():
        if len(text) > MAX_SECTION_CHARS:
            raise ServiceError(
                _(
                    "A section of the explanatory notes may have at most %(n)d characters.",
                    n=MAX_SECTION_CHARS,
                ),
                code="too_long",
            )
    notes = db.session.scalar(
        select(ExplanatoryNotes)
        .where(ExplanatoryNotes.document_id == document.id)
        .with_for_update()
    )
    if notes is None:
        notes = ExplanatoryNotes(document_id=document.id, version=0)
        db.session.add(notes)
    elif version is not None and version != notes.version:
        raise Conflict(
            _(
                "Someone else saved the explanatory notes meanwhile. Your text is still in the form: "
                "compare it with theirs (reload the page in another tab) and save again."
            ),
            code="notes_changed",
        )
    changed = []
    for name in NOTE_SECTIONS:
        if name in sections:
            text = _without_controls(sections[name].replace("\r\n", "\n")).strip()
            if notes.section(name) != text:
                setattr(notes, name, text)
                changed.append(name)
    notes.version = (notes.version or 0) + 1
    notes.updated_by_id = actor.id
    notes.updated_at = utcnow()
    db.session.flush()
    record(actor, "approval.notes_saved", document, sections=changed, version=notes.version)
    return notes


# --- the package -------------------------------------------------------------


def assemble_package(document: StandardDocument, *, actor: User) -> package.PackageResult:
    """The ZIP of the approval package of the 报批稿 (the head revision), audited."""
    if document.stage != DocumentStage.DRAFT_FOR_APPROVAL:
        raise Refused(
            _("The approval package is made from the draft for approval (报批稿) only."),
            code="not_draft_for_approval",
        )
    if not permissions.can_assemble_package(actor, document):
        raise NotAllowed(
            _("Only the editors and the secretariat may assemble the approval package."),
            code="forbidden",
        )
    revision = document.head_revision
    result = package.assemble(document, revision)
    record(
        actor,
        "approval.package_assembled",
        document,
        revision=revision.number,
        parts=result.included,
        missing=result.missing,
    )
    return result


# --- publication ---------------------------------------------------------------


def check_dates(published_on: date | None, implemented_on: date | None) -> None:
    """Both dates, in a sane range, the implementation not before the publication."""
    if published_on is None or implemented_on is None:
        raise ServiceError(
            _("Give both the publication date and the implementation date."),
            code="publication_dates_required",
        )
    for day in (published_on, implemented_on):
        if not EARLIEST <= day <= LATEST:
            raise ServiceError(
                _("A date between 2000 and 2199, please."), code="publication_date_range"
            )
    if implemented_on < published_on:
        raise ServiceError(
            _(
                "The implementation date (%(implemented)s) cannot be before the publication date "
                "(%(published)s).",
                implemented=implemented_on.isoformat(),
                published=published_on.isoformat(),
            ),
            code="implementation_before_publication",
        )


def publish(
    document: StandardDocument,
    *,
    published_on: date | None,
    implemented_on: date | None,
    actor: User,
):
    """The secretariat moves the 报批稿 to 发布 with its publication and implementation dates.

    The dates are stored (:class:`Publication`) and become the document's
    dates, which the cover prints (``document_meta``); the published PDF has no
    stage label or watermark. The stage move itself is the documents package's
    ``transition`` (checks, tag, audit), which asks :func:`on_stage_moving`.
    """
    if not permissions.can_publish(actor, document):
        if document.stage != DocumentStage.DRAFT_FOR_APPROVAL:
            raise Refused(
                _("Only a draft for approval (报批稿) can be published."),
                code="not_draft_for_approval",
            )
        raise NotAllowed(_("Only the secretariat publishes a standard."), code="forbidden")
    check_dates(published_on, implemented_on)
    # Two secretaries at once: the second waits here and then finds it published.
    db.session.execute(
        select(StandardDocument.id).where(StandardDocument.id == document.id).with_for_update()
    )
    db.session.refresh(document)
    if publication_of(document) is not None or document.stage != DocumentStage.DRAFT_FOR_APPROVAL:
        raise Conflict(_("This document has been published already."), code="published_already")
    db.session.add(
        Publication(
            document_id=document.id,
            published_on=published_on,
            implemented_on=implemented_on,
            published_by_id=actor.id,
        )
    )
    documents.update_document(
        document,
        actor=actor,
        planned_published_on=published_on,
        planned_implemented_on=implemented_on,
    )
    db.session.flush()
    change = documents.transition(document, DocumentStage.PUBLISHED, actor=actor)
    record(
        actor,
        "approval.published",
        document,
        published_on=published_on.isoformat(),
        implemented_on=implemented_on.isoformat(),
    )
    return change


def on_stage_moving(document: StandardDocument, *, to, actor, override, reason, **_kw) -> None:
    """No document is published without its dates: a move to 发布 that did not
    come through :func:`publish` (the plain stage form, the API without dates)
    is refused, whatever the override (the dates are not a check)."""
    if DocumentStage(to) != DocumentStage.PUBLISHED:
        return
    publication = publication_of(document)
    if publication is None:
        raise Refused(
            _(
                "A standard is published with its publication and implementation dates: the secretariat "
                "gives both in the publication form of the stage page."
            ),
            code="publication_dates_required",
        )


def connect_signals() -> None:
    """Connect to the documents' stage moves (once per process; idempotent)."""
    document_signals.stage_moving.connect(on_stage_moving)


__all__ = [
    "assemble_package",
    "check_dates",
    "connect_signals",
    "notes_of",
    "on_stage_moving",
    "publish",
    "save_notes",
]
