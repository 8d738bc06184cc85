"""The secretariat browses and filters the audit log (here, beside the accounts the
log names: ``drafting.audit`` itself sits below every domain, ``accounts`` included)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.accounts.models import User
from drafting.accounts.permissions import can_view_audit_log
from drafting.audit.models import AuditEntry
from drafting.core.requests import id_from_text, page_number
from drafting.core.web import require
from drafting.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE_SIZE = 100


def _day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=get_timezone())


@bp.route("/")
@login_required
def index():
    require(can_view_audit_log(current_user))
    query = (
        select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    )
    filters = {
        k: request.args.get(k, "").strip()
        for k in ("action", "object_type", "object_id", "actor", "since", "until")
    }
    if filters["action"]:
        query = query.where(AuditEntry.action.startswith(filters["action"]))
    if filters["object_type"]:
        query = query.where(AuditEntry.object_type == filters["object_type"])
    if (object_id := id_from_text(filters["object_id"])) is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if filters["actor"]:
        query = query.join(User, AuditEntry.actor_id == User.id).where(
            User.email.ilike(f"%{filters['actor']}%")
        )
    since, until = _day(filters["since"]), _day(filters["until"])
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until + timedelta(days=1))
    page = request.args.get("page", 1, type=page_number)
    entries = db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    object_types = db.session.scalars(
        select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    return render_template(
        "audit/index.html",
        entries=entries[:PAGE_SIZE],
        has_next=len(entries) > PAGE_SIZE,
        page=page,
        filters=filters,
        object_types=object_types,
    )
