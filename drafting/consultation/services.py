"""Comment periods: opened by the move to 征求意见稿, extended by the secretariat,
ended by the move out; public comments held until confirmed; the daily digest.

The document keeps two fields of its own (``comment_period_ends_at``,
``comments_public``): before the move they are what the secretariat chose for
the coming period, during it they mirror the open period (so that the
documents package's ``can_comment`` keeps answering for the API and the
comments page), and a change on the settings page moves the open period.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select

from drafting.accounts.models import User
from drafting.accounts.tokens import TokenError, read_link_token
from drafting.audit.services import record
from drafting.consultation import notify, permissions
from drafting.consultation.models import (
    Audience,
    CommentPeriod,
    DigestedComment,
    PendingComment,
)
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.i18n import format_dt
from drafting.core.text import without_control_characters
from drafting.core.timeutil import as_utc, utcnow
from drafting.documents import services as documents
from drafting.documents import signals as document_signals
from drafting.documents.models import Comment, Revision, StandardDocument
from drafting.documents.states import CommentType, DocumentStage
from drafting.extensions import db
from drafting.standardtext import render

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def _mirror(document: StandardDocument, period: CommentPeriod) -> None:
    document.comment_period_ends_at = period.closes_at
    document.comments_public = period.is_public


def _locked(period: CommentPeriod) -> CommentPeriod:
    """The period read again under a row lock (PostgreSQL FOR UPDATE; SQLite's write
    transaction is exclusive already), so two changes of its dates cannot interleave."""
    db.session.execute(
        select(CommentPeriod.id).where(CommentPeriod.id == period.id).with_for_update()
    )
    db.session.refresh(period)
    return period


# --- opening, extending, ending ------------------------------------------


def open_period(
    document: StandardDocument,
    *,
    actor: User | None,
    revision: Revision | None = None,
    now: datetime | None = None,
) -> CommentPeriod:
    """Open a comment period on ``revision`` (the head by default) from now.

    It closes at the date the secretariat set in the document's settings if
    that is still ahead, else after ``COMMENT_PERIOD_DAYS`` (30, as usual for
    group standards); it is public if the settings say comments are public.
    """
    now = now or utcnow()
    planned = as_utc(document.comment_period_ends_at)
    if planned is not None and planned > now:
        closes_at = planned
    else:
        closes_at = now + timedelta(days=current_app.config["COMMENT_PERIOD_DAYS"])
    period = CommentPeriod(
        document_id=document.id,
        revision=revision or document.head_revision,
        opens_at=now,
        closes_at=closes_at,
        audience=Audience.PUBLIC if document.comments_public else Audience.MEMBERS,
        opened_by_id=actor.id if actor is not None else None,
    )
    db.session.add(period)
    _mirror(document, period)
    db.session.flush()
    record(
        actor,
        "consultation.period_opened",
        document,
        period_id=period.id,
        revision=period.revision.number if period.revision else None,
        opens_at=_iso(period.opens_at),
        closes_at=_iso(period.closes_at),
        audience=str(period.audience),
    )
    return period


def end_period(
    document: StandardDocument, *, actor: User | None, now: datetime | None = None
) -> CommentPeriod | None:
    """The document left the draft-for-comments stage: its period ends, whatever its date.

    The document's planned close date is cleared, so that a later return to
    the stage opens a new period of the default length (unless set again).
    """
    period = _current(document)
    if period is None:
        return None
    period = _locked(period)
    period.ended_at = now or utcnow()
    document.comment_period_ends_at = None
    db.session.flush()
    record(actor, "consultation.period_ended", document, period_id=period.id)
    return period


def _current(document: StandardDocument) -> CommentPeriod | None:
    return db.session.scalar(
        select(CommentPeriod)
        .where(CommentPeriod.document_id == document.id, CommentPeriod.ended_at.is_(None))
        .order_by(CommentPeriod.opens_at.desc(), CommentPeriod.id.desc())
        .limit(1)
    )


def extend_period(
    period: CommentPeriod, closes_at: datetime, *, actor: User, now: datetime | None = None
) -> CommentPeriod:
    """Move the close date later (the secretariat): the new date is later than the
    current one and in the future, so a closed period reopens. The group's
    editors and member units are mailed; the audit log keeps both dates."""
    if not permissions.can_extend_period(actor):
        raise NotAllowed(_("Only the secretariat may extend a comment period."), code="forbidden")
    now = now or utcnow()
    period = _locked(period)
    if period.ended_at is not None:
        raise Refused(
            _(
                "The document has left the draft-for-comments stage, so this comment period "
                "cannot be extended."
            ),
            code="period_ended",
        )
    closes_at = as_utc(closes_at)
    if closes_at is None:
        raise ServiceError(_("Give the new close date."), code="closes_at_required")
    old = period.closes_at
    if closes_at <= old:
        raise ServiceError(
            _(
                "The new close date must be later than the current one (%(when)s).",
                when=format_dt(old, "full"),
            ),
            code="not_later",
        )
    if closes_at <= now:
        raise ServiceError(_("The new close date must be in the future."), code="in_the_past")
    period.closes_at = closes_at
    period.extended_at = now
    document = period.document
    _mirror(document, period)
    db.session.flush()
    record(
        actor,
        "consultation.period_extended",
        document,
        period_id=period.id,
        old_closes_at=_iso(old),
        new_closes_at=_iso(closes_at),
        reopened=old <= now,
    )
    notify.mail_extension(period, old)
    return period


def _on_stage_moved(document: StandardDocument, actor: User | None = None, **_extra) -> None:
    """Entering 征求意见稿 opens a period on the head revision (the one the move tagged);
    leaving it ends the open one."""
    if _current(document) is not None:
        end_period(document, actor=actor)
    if document.stage == DocumentStage.DRAFT_FOR_COMMENTS:
        open_period(document, actor=actor, revision=document.head_revision)


def _on_settings_changed(
    document: StandardDocument, changed=(), actor: User | None = None, **_extra
) -> None:
    """The settings page changed the close date or the audience: the open period follows."""
    if not {"comment_period_ends_at", "comments_public"} & set(changed):
        return
    if document.stage != DocumentStage.DRAFT_FOR_COMMENTS:
        return
    period = _current(document)
    if period is None:
        return
    period = _locked(period)
    old = period.closes_at
    new = as_utc(document.comment_period_ends_at)
    if new is None:  # an emptied field keeps the period's date
        new = old
    if new <= period.opens_at:
        raise ServiceError(
            _(
                "The comment period opened on %(when)s: it cannot end before that.",
                when=format_dt(period.opens_at, "full"),
            ),
            code="closes_before_opening",
        )
    period.closes_at = new
    if new > old:
        period.extended_at = utcnow()
    period.audience = Audience.PUBLIC if document.comments_public else Audience.MEMBERS
    _mirror(document, period)
    db.session.flush()
    record(
        actor,
        "consultation.period_changed",
        document,
        period_id=period.id,
        old_closes_at=_iso(old),
        new_closes_at=_iso(new),
        audience=str(period.audience),
    )
    if new > old:
        notify.mail_extension(period, old)


def connect_signals() -> None:
    """Open and end periods with the stage moves; follow the settings (idempotent)."""
    document_signals.stage_moved.connect(_on_stage_moved, weak=False)
    document_signals.settings_changed.connect(_on_settings_changed, weak=False)


# --- comments -------------------------------------------------------------


def outline_numbers(revision: Revision) -> set[str]:
    """The clause numbers of the revision a comment may name."""
    return {h.display_number for h in render(revision.text).outline if h.display_number}


def _refuse_unless_open(period: CommentPeriod, now: datetime | None) -> None:
    if not period.is_open(now):
        if period.ended_at is not None:
            raise Refused(
                _("The comment period of this draft has ended; comments are no longer accepted."),
                code="comment_period_closed",
            )
        if (now or utcnow()) < period.opens_at:
            raise Refused(_("The comment period has not opened yet."), code="not_open_yet")
        raise Refused(
            _(
                "The comment period closed on %(when)s; comments are no longer accepted.",
                when=format_dt(period.closes_at, "full"),
            ),
            code="comment_period_closed",
        )


def submit_comment(
    period: CommentPeriod,
    *,
    actor: User | None,
    body: str,
    clause: str = "",
    type: CommentType | str = CommentType.TECHNICAL,
    proposed_change: str = "",
    author_name: str = "",
    organization_name: str = "",
    email: str = "",
    locale: str = "zh",
    now: datetime | None = None,
) -> Comment | PendingComment:
    """A comment on a clause of the period's revision.

    A logged-in member's comment is recorded at once (their account says who
    they are). Anyone else, in a public period, gives a name, an organization
    and an email: the comment is held as pending and a confirmation link is
    mailed; only a confirmed comment reaches the editors.
    """
    _refuse_unless_open(period, now)
    body, proposed_change = (
        without_control_characters(body),
        without_control_characters(proposed_change),
    )
    clause, author_name, organization_name, email = (
        without_control_characters(v, multiline=False)
        for v in (clause, author_name, organization_name, email)
    )
    document = period.document
    revision = period.revision or document.head_revision
    if not permissions.can_comment_in_period(actor, period, now):
        if permissions.needs_confirmation(actor):
            raise NotAllowed(
                _("Only member organizations may comment on this draft. Log in to comment."),
                code="members_only",
            )
        raise NotAllowed(
            _("Only users of member organizations may comment on this draft."),
            code="not_a_member",
        )
    outline = outline_numbers(revision)
    if not permissions.needs_confirmation(actor):
        return documents.add_comment(
            document,
            revision=revision,
            body=body,
            clause=clause,
            type=type,
            proposed_change=proposed_change,
            actor=actor,
            outline_numbers=outline,
        )
    body, clause = (body or "").strip(), (clause or "").strip()
    author_name, organization_name = (author_name or "").strip(), (organization_name or "").strip()
    email = (email or "").strip().lower()
    if not body:
        raise ServiceError(_("Write the comment."), code="body_required")
    try:
        type = CommentType(type)
    except ValueError:
        raise ServiceError(
            _("The type of comment must be ge, te or ed."), code="unknown_type"
        ) from None
    if clause and clause not in outline:
        raise ServiceError(
            _("There is no clause %(clause)s in revision %(n)d.", clause=clause, n=revision.number),
            code="unknown_clause",
        )
    if not author_name or not organization_name:
        raise ServiceError(
            _("Give your name and your organization with a public comment."),
            code="commenter_required",
        )
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ServiceError(
            _("Give an email address: the link that confirms your comment is sent there."),
            code="email_required",
        )
    pending = PendingComment(
        period_id=period.id,
        revision_id=revision.id,
        clause=clause,
        type=type,
        body=body,
        proposed_change=(proposed_change or "").strip(),
        author_name=author_name[:100],
        organization_name=organization_name[:200],
        email=email,
        locale=(locale or "zh")[:10],
    )
    db.session.add(pending)
    db.session.flush()
    record(None, "consultation.comment_pending", document, pending_id=pending.id, clause=clause)
    notify.mail_confirmation(pending, document)
    return pending


def confirm_comment(token: str, *, now: datetime | None = None) -> Comment:
    """Follow a confirmation link: the pending comment becomes a comment (once;
    a second click shows the same comment). A link is refused when forged, when
    older than ``COMMENT_CONFIRM_MAX_AGE``, or when the document has left the stage.
    A comment sent before the close counts even if confirmed just after it."""
    try:
        data = read_link_token(
            notify.CONFIRM_PURPOSE, token, max_age=current_app.config["COMMENT_CONFIRM_MAX_AGE"]
        )
    except TokenError as exc:
        if exc.reason == "expired":
            raise ServiceError(
                _(
                    "This confirmation link has expired. Your comment was not recorded: please "
                    "send it again."
                ),
                code="link_expired",
            ) from None
        raise ServiceError(_("This confirmation link is not valid."), code="link_invalid") from None
    pending_id = data.get("p") if isinstance(data, dict) else None
    pending = db.session.get(PendingComment, pending_id) if isinstance(pending_id, int) else None
    if pending is None or pending.email != data.get("e"):
        raise ServiceError(_("This confirmation link is not valid."), code="link_invalid")
    db.session.execute(
        select(PendingComment.id).where(PendingComment.id == pending.id).with_for_update()
    )
    db.session.refresh(pending)
    if pending.comment is not None:
        return pending.comment
    if pending.confirmed_at is not None:  # confirmed, then its comment was deleted
        raise Refused(_("This comment was confirmed already."), code="already_confirmed")
    period = pending.period
    if period.ended_at is not None:
        raise Refused(
            _(
                "The comment period of this draft has ended before the comment was confirmed; "
                "it could not be recorded."
            ),
            code="comment_period_closed",
        )
    document = period.document
    comment = documents.add_comment(
        document,
        revision=db.session.get(Revision, pending.revision_id),
        body=pending.body,
        clause=pending.clause,
        type=pending.type,
        proposed_change=pending.proposed_change,
        actor=None,
        author_name=pending.author_name,
        organization_name=pending.organization_name,
    )
    pending.confirmed_at = now or utcnow()
    pending.comment = comment
    db.session.flush()
    record(
        None,
        "consultation.comment_confirmed",
        document,
        pending_id=pending.id,
        comment_id=comment.id,
    )
    return comment


# --- the daily digest -----------------------------------------------------


def send_digest() -> tuple[int, int]:
    """Mail each document's editors the comments made since the last digest.

    A comment counts once its period has opened (a public one once
    confirmed: only then is it a comment). Each mailed comment is remembered
    (``DigestedComment``) in the transaction that queues the mail, so a rerun
    sends nothing twice and a failed run sends nothing at all.
    Returns (documents, mails).
    """
    opened = (
        select(CommentPeriod.id)
        .where(
            CommentPeriod.document_id == Comment.document_id,
            CommentPeriod.opens_at <= Comment.created_at,
        )
        .exists()
    )
    sent = exists().where(DigestedComment.comment_id == Comment.id)
    comments = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.parent_id.is_(None), opened, ~sent)
            .order_by(Comment.document_id, Comment.id)
        )
    )
    by_document: dict[int, list[Comment]] = {}
    for comment in comments:
        by_document.setdefault(comment.document_id, []).append(comment)
    mails = 0
    now = utcnow()
    for document_id, items in by_document.items():
        document = db.session.get(StandardDocument, document_id)
        mails += notify.mail_digest(document, items)
        db.session.add_all(DigestedComment(comment_id=c.id, sent_at=now) for c in items)
    db.session.flush()
    return len(by_document), mails


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Forget public comments whose link expired unconfirmed (their name and
    address were given for that comment only). Returns how many."""
    limit = (now or utcnow()) - timedelta(seconds=current_app.config["COMMENT_CONFIRM_MAX_AGE"])
    stale = list(
        db.session.scalars(
            select(PendingComment).where(
                PendingComment.confirmed_at.is_(None), PendingComment.created_at < limit
            )
        )
    )
    for pending in stale:
        db.session.delete(pending)
    db.session.flush()
    return len(stale)
