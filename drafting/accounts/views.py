"""Registration, login, password, profile, organization and token pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from drafting.accounts import permissions, services
from drafting.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    EmailForm,
    EndSessionsForm,
    LoginForm,
    OrganizationForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
)
from drafting.accounts.models import ApiToken, OrganizationType, User
from drafting.audit.services import record
from drafting.core.errors import ServiceError
from drafting.core.transaction import keep_on_error
from drafting.core.web import flash_error, get_or_404, on_refusal, redirect_next, require
from drafting.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _posted_email() -> str:
    """The email a login request names, whatever the body type (form or JSON)."""
    email = request.form.get("email")
    if email is None and request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            email = data.get("email")
    return services.normalise_email(email) if isinstance(email, str) else ""


def _login_account_key() -> str:
    return "login-account:" + _posted_email()


def _login_failed(response) -> bool:
    # Only failures count: a user who logs in often is not an attacker.
    return response.status_code == 401


def _forget_login_failures() -> None:
    """A successful login clears this account's count of failures (not the address's)."""
    for current in limiter.current_limits:
        if any(str(arg).startswith("login-account:") for arg in current.request_args):
            limiter.limiter.clear(current.limit, *current.request_args)


def _limit_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _limit_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _start_session(user: User) -> None:
    # A fresh session at login: nothing an attacker planted in the session
    # before (session fixation) survives, the CSRF token included.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit_address, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_organization(
                org_name=form.org_name.data,
                org_credit_code=form.org_credit_code.data,
                org_type=OrganizationType(form.org_type.data),
                address=form.address.data,
                user_name=form.user_name.data,
                email=form.email.data,
                password=form.password.data,
                phone=form.phone.data or "",
                locale=session.get("lang") or request.accept_languages.best_match(["zh", "en"]),
            )
        except ServiceError as exc:
            form_field = {
                "credit_code": form.org_credit_code,
                "weak_password": form.password,
                "organization_exists": form.org_name,
            }.get(exc.code)
            if form_field is not None:
                form_field.errors = [*form_field.errors, exc.message]
            else:
                flash_error(exc)
            return render_template("accounts/register.html", form=form), 422
        # The same answer whether the address was new (user) or already had
        # an account (None, its owner is told by mail): nobody learns from
        # this page who has an account. The link in the mail logs the new
        # user in.
        session["registered_email"] = services.normalise_email(form.email.data)
        return redirect(url_for("accounts.registered"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/register/sent")
def registered():
    email = session.get("registered_email")
    if not email:
        return redirect(url_for("accounts.register"))
    return render_template("accounts/registered.html", email=email)


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    with on_refusal(
        lambda exc: (render_template("accounts/message.html", title=_("Email confirmation")), 400)
    ):
        user = services.confirm_email(token)
    if user.just_confirmed and not current_user.is_authenticated and user.is_active_account:
        # The link's first use finishes the registration: it came to this
        # address, as a password reset link would.
        _start_session(user)
    flash(_("Thank you, your email address %(email)s is confirmed.", email=user.email), "success")
    return redirect(
        url_for("main.home") if current_user.is_authenticated else url_for("accounts.login")
    )


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour", key_func=lambda: f"resend:{current_user.id}")
def resend_confirmation():
    if not current_user.email_confirmed:
        services.send_confirmation(current_user)
        flash(
            _("We have sent a new confirmation link to %(email)s.", email=current_user.email),
            "success",
        )
    return redirect_next("main.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit_address, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    _limit_account, methods=["POST"], key_func=_login_account_key, deduct_when=_login_failed
)
def login():
    if current_user.is_authenticated:
        return redirect_next("main.home")
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("The email address or the password is not correct."), "error")
            # A failed attempt is recorded in the audit log: commit it.

            keep_on_error()
            return render_template("accounts/login.html", form=form), 401
        _start_session(user)
        _forget_login_failures()
        if user.locale:
            session["lang"] = user.locale
        return redirect_next("main.home")
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Ends the cookie for good, copies of it included.
        services.log_out(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit_address, methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "If an account exists for %(email)s, we have sent it a link to choose a new password.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), (
        422 if form.is_submitted() else 200
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(
                token, form.password.data, revoke_tokens=bool(form.revoke_tokens.data)
            )
        except ServiceError as exc:
            form.password.errors = [*form.password.errors, exc.message]
            return render_template("accounts/reset_password.html", form=form), 422
        logout_user()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), (
        422 if form.is_submitted() else 200
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.phone = (form.phone.data or "").strip()
        current_user.locale = form.locale.data
        session["lang"] = form.locale.data
        record(current_user, "user.profile_changed", current_user)
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    if not form.is_submitted():
        form.locale.data = current_user.locale or "zh"
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=ChangePasswordForm(),
        sessions_form=EndSessionsForm(),
    ), (422 if form.is_submitted() else 200)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.password.data,
                revoke_tokens=bool(form.revoke_tokens.data),
            )
        except ServiceError as exc:
            field = form.current_password if exc.code == "wrong_password" else form.password
            field.errors = [*field.errors, exc.message]
        else:
            # Keep this browser logged in under the new session version.
            _start_session(current_user._get_current_object())
            flash(
                _("Your password has been changed; your other sessions have been ended."), "success"
            )
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=ProfileForm(obj=current_user),
        password_form=form,
        sessions_form=EndSessionsForm(),
    ), 422


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_sessions():
    user = current_user._get_current_object()
    form = EndSessionsForm()
    services.end_all_sessions(
        user, actor=user, revoke_tokens=form.validate_on_submit() and bool(form.revoke_tokens.data)
    )
    logout_user()
    session.clear()
    flash(_("All your sessions have been ended, this one included. Please log in again."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    require(permissions.can_manage_tokens(current_user))
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        _token, new_secret = services.create_api_token(current_user, form.name.data)
        form = TokenForm(formdata=None)
    items = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    status = 422 if form.errors else (201 if new_secret else 200)
    return render_template(
        "accounts/tokens.html",
        form=form,
        tokens=items,
        new_secret=new_secret,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    services.revoke_api_token(token, actor=current_user)
    flash(_("The token “%(name)s” has been revoked.", name=token.name), "success")
    return redirect(url_for("accounts.tokens"))


@bp.route("/organization", methods=["GET", "POST"])
@login_required
def organization():
    org = current_user.organization
    if org is None:
        abort(404)
    require(permissions.can_view_organization(current_user, org))
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        require(permissions.can_edit_organization(current_user, org))
        form.populate_obj(org)
        org.type = OrganizationType(form.type.data)
        record(current_user, "organization.changed", org)
        flash(_("The organization's details have been saved."), "success")
        return redirect(url_for("accounts.organization"))
    if not form.is_submitted():
        form.type.data = org.type.value
    return render_template(
        "accounts/organization.html",
        org=org,
        form=form,
        invite_form=EmailForm(formdata=None),
        confirm_form=ConfirmForm(),
        can_edit=permissions.can_edit_organization(current_user, org),
    ), (422 if form.is_submitted() else 200)


@bp.route("/organization/invite", methods=["POST"])
@login_required
@limiter.limit("30 per hour", key_func=lambda: f"invite:{current_user.id}")
def invite():
    org = current_user.organization
    if org is None:
        abort(404)
    require(permissions.can_invite_colleagues(current_user, org))
    form = EmailForm()
    if form.validate_on_submit():
        with on_refusal(lambda exc: redirect(url_for("accounts.organization"))):
            services.invite_colleague(org, form.email.data, actor=current_user)
        flash(_("An invitation has been sent to %(email)s.", email=form.email.data), "success")
    else:
        flash(_("Please give a valid email address."), "error")
    return redirect(url_for("accounts.organization"))


@bp.route("/organization/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(user_id: int):
    org = current_user.organization
    member = get_or_404(User, user_id)
    # Another organization's user is "not found", not "forbidden": ids are not confirmed.
    if org is None or member.organization_id != org.id:
        abort(404)
    require(permissions.can_remove_member(current_user, org, member))
    with on_refusal(lambda exc: redirect(url_for("accounts.organization"))):
        services.remove_member(org, member, actor=current_user)
    flash(_("%(name)s has been removed from the organization.", name=member.name), "success")
    return redirect(url_for("accounts.organization"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    with on_refusal(
        lambda exc: (render_template("accounts/message.html", title=_("Invitation")), 400)
    ):
        invitation = services.invitation_from_token(token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                invitation,
                name=form.name.data,
                password=form.password.data,
                locale=session.get("lang"),
            )
        except ServiceError as exc:
            form.password.errors = [*form.password.errors, exc.message]
        else:
            _start_session(user)
            flash(_("Welcome to %(org)s!", org=invitation.organization.name), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation), (
        422 if form.is_submitted() else 200
    )
