"""The mail of a comment period: the confirmation link, the extension, the daily digest."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context, url_for

from drafting.accounts.tokens import make_link_token
from drafting.consultation import queries
from drafting.consultation.models import CommentPeriod, PendingComment
from drafting.documents.models import Comment, StandardDocument
from drafting.mail.services import queue_mail

CONFIRM_PURPOSE = "comment-confirm"


def _public_context():
    """Links need a request: CLI commands (cron) get one for PUBLIC_URL."""
    if has_request_context():
        return None
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])


def confirmation_token(pending: PendingComment) -> str:
    return make_link_token(CONFIRM_PURPOSE, {"p": pending.id, "e": pending.email})


def mail_confirmation(pending: PendingComment, document: StandardDocument) -> None:
    """The link that turns a public comment into a comment the editors see."""
    link = url_for("consultation.confirm", token=confirmation_token(pending), _external=True)
    days = max(1, current_app.config["COMMENT_CONFIRM_MAX_AGE"] // 86400)
    queue_mail(
        pending.email,
        "comment_confirm",
        locale=pending.locale,
        pending=pending,
        document=document,
        link=link,
        days=days,
    )


def mail_extension(period: CommentPeriod, old_closes_at: datetime) -> int:
    """Tell the group's editors and member units the new close date."""
    document = period.document
    ctx = _public_context()
    if ctx is not None:
        with ctx:
            return mail_extension(period, old_closes_at)
    link = url_for("consultation.page", document_id=document.id, _external=True)
    return _mail_each(
        queries.group_to_mail(document.drafting_group),
        "comment_period_extended",
        document=document,
        period=period,
        old_closes_at=old_closes_at,
        link=link,
    )


def mail_digest(document: StandardDocument, comments: list[Comment]) -> int:
    """One mail per editor listing the new comments of one document."""
    ctx = _public_context()
    if ctx is not None:
        with ctx:
            return mail_digest(document, comments)
    link = url_for("documents.comments", document_id=document.id, _external=True)
    return _mail_each(
        queries.editors_to_mail(document.drafting_group),
        "comment_digest",
        document=document,
        comments=comments,
        link=link,
    )


def _mail_each(users: list, template: str, **context) -> int:
    """One mail per user, in the user's language; the number queued."""
    for user in users:
        queue_mail(user.email, template, locale=user.locale, user=user, **context)
    return len(users)
