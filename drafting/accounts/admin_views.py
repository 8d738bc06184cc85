"""The secretariat's pages for users and organizations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from drafting.accounts import permissions, services
from drafting.accounts.forms import ConfirmForm, RoleForm
from drafting.accounts.models import Organization, Role, User
from drafting.core.requests import page_number
from drafting.core.web import get_or_404, on_refusal, require
from drafting.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/users")
@login_required
def users():
    require(permissions.can_manage_users(current_user))
    query = select(User).options(selectinload(User.organization)).order_by(User.id)
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q}%"
        query = query.outerjoin(Organization).where(
            or_(User.email.ilike(like), User.name.ilike(like), Organization.name.ilike(like))
        )
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    page = request.args.get("page", 1, type=page_number)
    items = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/users.html",
        users=items,
        q=q,
        role=role,
        page=page,
        page_size=PAGE_SIZE,
        role_form=RoleForm(formdata=None),
        confirm_form=ConfirmForm(),
        roles=list(Role),
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@login_required
def set_role(user_id: int):
    require(permissions.can_manage_users(current_user))
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Please choose a role."), "error")
        return redirect(url_for("admin.users")), 303
    with on_refusal(lambda exc: redirect(url_for("admin.users"))):
        services.set_role(user, Role(form.role.data), actor=current_user)
    flash(_("%(name)s's role has been changed.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@login_required
def set_active(user_id: int):
    require(permissions.can_manage_users(current_user))
    user = get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    with on_refusal(lambda exc: redirect(url_for("admin.users"))):
        services.set_active(user, active, actor=current_user)
    flash(
        _("%(name)s's account has been enabled.", name=user.name)
        if active
        else _("%(name)s's account has been disabled.", name=user.name),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@login_required
def end_sessions(user_id: int):
    require(permissions.can_manage_users(current_user))
    user = get_or_404(User, user_id)
    services.end_all_sessions(user, actor=current_user)
    flash(_("All sessions of %(name)s have been ended.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/organizations")
@login_required
def organizations():
    require(permissions.can_manage_users(current_user))
    counts = (
        select(User.organization_id, func.count(User.id).label("n"))
        .group_by(User.organization_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organization, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.organization_id == Organization.id)
        .order_by(Organization.name)
    ).all()
    return render_template("admin/organizations.html", rows=rows)


@bp.route("/organizations/<int:org_id>")
@login_required
def organization(org_id: int):
    org = get_or_404(Organization, org_id)
    require(
        permissions.can_view_organization(current_user, org)
        and permissions.is_secretariat(current_user)
    )
    return render_template("admin/organization.html", org=org)
