"""Reads of applications used by more than one view (pages and API)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.applications import permissions
from drafting.applications.models import Answer, Application, ApplicationStandard
from drafting.extensions import db


def load_application(application_id: int) -> Application | None:
    """The application with its organization, call, standards, answers and files, or None."""
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.organization),
            joinedload(Application.call),
            selectinload(Application.standards).joinedload(ApplicationStandard.standard),
            selectinload(Application.answers).joinedload(Answer.updated_by),
            selectinload(Application.attachments),
        )
    )


def load_application_row(application_id: int) -> Application | None:
    """The application with its organization and call only (one query), or None:
    for pages that read the rest from the page cache (the review page)."""
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.organization), joinedload(Application.call))
    )


def application_or_404(application_id: int, *, parts: bool = True) -> Application:
    """The application if the current user may see it; 404 otherwise, so that its
    existence is not revealed. The one loader of the pages and the API.

    With ``parts=False`` its standards, answers and files are not loaded
    (`load_application_row`): they load lazily if read."""
    application = (load_application if parts else load_application_row)(application_id)
    if application is None or not permissions.can_view_application(current_user, application):
        abort(404)
    return application


def own_application(call) -> Application | None:
    """The current user's organization's application to ``call``, when they act as its
    applicant (a reviewer of that organization must not learn that it applied).
    A template global: the call page shows it without ``calls`` importing ``applications``."""
    if not current_user.is_authenticated or not current_user.organization_id:
        return None
    application = db.session.scalar(
        select(Application).where(
            Application.call_id == call.id,
            Application.organization_id == current_user.organization_id,
        )
    )
    if application is not None and not permissions.can_edit_application(current_user, application):
        return None
    return application
