"""The mail applicants receive: receipt, return, decision, deadline, reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from drafting.accounts.models import User
from drafting.applications import signals
from drafting.applications.models import DECIDED_STATES, Application, ApplicationState
from drafting.calls import signals as call_signals
from drafting.calls.models import Call, CallState
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.mail.services import queue_mail


def _recipients(organization_id: int) -> list[User]:
    """The organization's users who receive its mail: active, with a confirmed
    address (an unconfirmed one may be a typo, or someone else's)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id == organization_id,
                User.is_active_account.is_(True),
                User.email_confirmed_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _mail_org(application: Application, template: str, **ctx) -> None:
    if has_request_context():
        _mail_org_now(application, template, **ctx)
        return
    # CLI commands (cron reminders, demo data) have no request: links and
    # templates need one, with the site's address.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        _mail_org_now(application, template, **ctx)


def _mail_org_now(application: Application, template: str, **ctx) -> None:
    link = url_for("applications.edit", application_id=application.id, _external=True)
    sent = set()
    for user in _recipients(application.organization_id):
        sent.add(user.email)
        queue_mail(
            user.email,
            template,
            locale=user.locale,
            user=user,
            application=application,
            call=application.call,
            link=link,
            **ctx,
        )
    contact = (application.contact_email or "").strip().lower()
    # The contact address is typed into the form and never confirmed: it gets
    # mail only if it belongs to a user who confirmed it.
    contact_user = db.session.scalar(select(User).where(User.email == contact)) if contact else None
    if (
        contact
        and contact not in sent
        and contact_user is not None
        and contact_user.email_confirmed
    ):
        queue_mail(
            contact,
            template,
            application=application,
            call=application.call,
            link=link,
            user=None,
            **ctx,
        )


def notify_submitted(application: Application) -> None:
    _mail_org(application, "application_submitted")


def notify_returned(application: Application, message: str) -> None:
    _mail_org(application, "application_returned", message=message)


def notify_decision(application: Application, decisions) -> None:
    _mail_org(application, "application_decision", decisions=decisions)


def notify_deadline_extended(call: Call) -> None:
    applications = db.session.scalars(
        select(Application).where(
            Application.call_id == call.id,
            Application.state.not_in([ApplicationState.WITHDRAWN]),
        )
    )
    for application in applications:
        _mail_org(application, "deadline_extended")


def remind_drafts(days: int, now: datetime | None = None) -> int:
    """Mail organizations whose application is still a draft when the deadline is near."""
    now = now or utcnow()
    calls = db.session.scalars(
        select(Call).where(
            Call.state == CallState.PUBLISHED,
            Call.closes_at > now,
            Call.closes_at <= now + timedelta(days=days),
        )
    ).all()
    count = 0
    for call in calls:
        drafts = db.session.scalars(
            select(Application).where(
                Application.call_id == call.id, Application.state == ApplicationState.DRAFT
            )
        )
        for application in drafts:
            _mail_org(application, "deadline_reminder")
            count += 1
    return count


def _on_deadline_extended(call: Call, **_extra) -> None:
    notify_deadline_extended(call)


def _on_application_moved(
    application: Application, *, new: ApplicationState, reason=None, decisions=None, **_extra
) -> None:
    """The applicants' mail that follows a move: the receipt, the return, the decision."""
    if new == ApplicationState.SUBMITTED:
        notify_submitted(application)
    elif new == ApplicationState.RETURNED:
        notify_returned(application, reason or "")
    elif new in DECIDED_STATES:
        notify_decision(application, decisions or [])


def connect_signals() -> None:
    """Connect the applicants' mail to what the calls and applications announce
    (once per process; idempotent)."""
    call_signals.deadline_extended.connect(_on_deadline_extended)
    signals.application_moved.connect(_on_application_moved)
