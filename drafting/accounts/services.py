"""Registering organizations and users, logging in, passwords, invitations, tokens."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from drafting.accounts import credit_code
from drafting.accounts.models import (
    ApiToken,
    Invitation,
    Organization,
    OrganizationType,
    Role,
    User,
)
from drafting.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from drafting.accounts.tokens import (
    TokenError,
    hash_api_token,
    make_link_token,
    new_api_token,
    read_link_token,
)
from drafting.audit.services import record
from drafting.core import transaction
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.mail.services import queue_mail


def normalise_email(email: str) -> str:
    """An address as stored and compared: trimmed, lower case (one account per address)."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account with this address (compared normalised), or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def password_error_message(key: str) -> str:
    """The password policy's refusal ``key`` in the user's language."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    return {
        "too_short": _("The password must have at least %(n)d characters.", n=minimum),
        "too_common": _("This password is too common; choose one that is harder to guess."),
        "contains_email": _("The password must not contain your email address."),
    }[key]


def check_password_policy(password: str, email: str = "") -> None:
    """Refuse (``weak_password``) a password that is too short, too common or contains the address."""
    problem = password_problem(
        password, min_length=current_app.config["PASSWORD_MIN_LENGTH"], email=email
    )
    if problem:
        raise ServiceError(password_error_message(problem), code="weak_password")


def credit_code_error_message(key: str) -> str:
    """Why a unified social credit code is refused (``key`` from credit_code), in the user's
    language."""
    return {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _(
            "A unified social credit code uses only digits and capital letters other than I, O, S, V and Z."
        ),
        "check": _(
            "The last character of this unified social credit code does not match; please check the code."
        ),
    }[key]


def _check_unique_email(email: str) -> None:
    if user_by_email(email) is not None:
        raise Refused(_("An account with this email address already exists."), code="email_taken")


def register_organization(
    *,
    org_name: str,
    org_credit_code: str,
    org_type: OrganizationType,
    address: str,
    user_name: str,
    email: str,
    password: str,
    phone: str = "",
    locale: str | None = None,
) -> User | None:
    """Create an organization with its first user (its admin) and mail the confirmation link.

    If the address already has an account, nothing is created and None is
    returned; the account's owner is told by mail instead. The caller answers
    the same either way, so that the page does not reveal who has an account
    (the password is hashed either way, so the time is the same too).
    """
    code = credit_code.normalise(org_credit_code)
    problem = credit_code.problem(code)
    if problem:
        raise ServiceError(credit_code_error_message(problem), code="credit_code")
    email = normalise_email(email)
    check_password_policy(password, email)
    # Hashed before the first query, hence before a write request takes SQLite's lock.
    password_hash = hash_password(password)
    if db.session.scalar(select(Organization).where(Organization.credit_code == code)):
        raise Refused(
            _("This organization is already registered. Ask one of its users to invite you."),
            code="organization_exists",
        )
    if db.session.scalar(select(Organization).where(Organization.name == org_name.strip())):
        raise Refused(
            _("An organization with this name is already registered."), code="organization_exists"
        )
    existing = user_by_email(email)
    if existing is not None:
        queue_mail(
            existing.email,
            "account_exists",
            locale=existing.locale or locale,
            user=existing,
            login_link=url_for("accounts.login", _external=True),
            reset_link=url_for("accounts.forgot_password", _external=True),
            in_background=True,
        )
        record(None, "user.registration_with_existing_email", existing)
        return None
    org = Organization(
        name=org_name.strip(),
        credit_code=code,
        type=org_type,
        address=address.strip(),
        contact_name=user_name.strip(),
        contact_email=email,
        contact_phone=phone.strip(),
    )
    user = User(
        email=email,
        name=user_name.strip(),
        phone=phone.strip(),
        password_hash=password_hash,
        role=Role.MEMBER,
        organization=org,
        is_org_admin=True,
        locale=locale,
    )
    db.session.add_all([org, user])
    db.session.flush()
    record(user, "organization.registered", org, summary=org.name)
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    """Queue the mail with the link that confirms ``user``'s address (its first use also logs in)."""
    token = make_link_token("confirm", {"uid": user.id, "email": user.email})
    queue_mail(
        user.email,
        "confirm_email",
        locale=user.locale,
        user=user,
        link=url_for("accounts.confirm_email", token=token, _external=True),
        in_background=True,
    )


def confirm_email(token: str) -> User:
    """Confirm the address the link was sent to. `user.just_confirmed` says
    whether this call confirmed it (the link's first use)."""
    try:
        data = read_link_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except TokenError as exc:
        if exc.reason == "expired":
            raise Refused(
                _("This confirmation link has expired. Log in to have a new one sent."),
                code="token_expired",
            ) from exc
        raise Refused(_("This confirmation link is not valid."), code="token_invalid") from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise Refused(_("This confirmation link is not valid."), code="token_invalid")
    user.just_confirmed = user.email_confirmed_at is None
    if user.just_confirmed:
        user.email_confirmed_at = utcnow()
        record(user, "user.email_confirmed", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None. Always does the same work."""
    user = user_by_email(email)
    user_id, password_hash = (user.id, user.password_hash) if user else (None, None)
    # The hash takes tens of milliseconds of CPU: not under the write lock (SQLite).
    transaction.end_read()
    matches = verify_password(password_hash, password)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is not None and user.password_hash != password_hash:
        matches = False  # the password changed meanwhile
    if not matches:
        if user is not None:
            record(user, "user.login_failed", user)
        return None
    if not user.is_active_account:
        return None
    if needs_rehash(user.password_hash):
        # Hashed with older argon2 parameters: store it again with today's, now that
        # the password is at hand (the session version stays: no session ends).
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(user, "user.logged_in", user)
    return user


def change_password(user: User, current: str, new: str, *, revoke_tokens: bool = False) -> None:
    """Change the password after checking the current one; other sessions end, API tokens too on
    request."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_("The current password is not correct."), code="wrong_password")
    check_password_policy(new, user.email)
    user.password_hash = hash_password(new)
    # Other devices logged in with the old password are logged out.
    user.session_version += 1
    record(user, "user.password_changed", user)
    if revoke_tokens:
        revoke_all_api_tokens(user, actor=user)


def end_all_sessions(user: User, *, actor: User, revoke_tokens: bool = False) -> None:
    """Log ``user`` out everywhere (session version), and revoke their API tokens on request
    (audited)."""
    user.session_version += 1
    record(actor, "user.sessions_ended", user)
    if revoke_tokens:
        revoke_all_api_tokens(user, actor=actor)


def log_out(user: User) -> None:
    """End this login for good.

    The session lives in a signed cookie, so clearing it in the browser does
    not stop a copy taken earlier from working; raising the session version
    does. Signed-cookie sessions cannot be told apart, so the user's other
    sessions end too.
    """
    user.session_version += 1
    record(user, "user.logged_out", user)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way.

    The mail is sent by a background thread, so the answer takes the same
    time whether the account exists or not.
    """
    user = user_by_email(email)
    if user is None or not user.is_active_account:
        return
    # The hash prefix makes the link single-use: it stops matching once the
    # password changes.
    token = make_link_token("reset", {"uid": user.id, "ph": user.password_hash[-16:]})
    queue_mail(
        user.email,
        "reset_password",
        locale=user.locale,
        user=user,
        link=url_for("accounts.reset_password", token=token, _external=True),
        in_background=True,
    )
    record(user, "user.password_reset_requested", user)


def reset_password(token: str, new: str, *, revoke_tokens: bool = True) -> User:
    """Set a new password from a reset link (valid once, for RESET_TOKEN_MAX_AGE); confirms the
    address, ends other sessions."""
    try:
        data = read_link_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    except TokenError as exc:
        raise Refused(
            _("This password reset link has expired or is not valid. Ask for a new one."),
            code="token_invalid",
        ) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("ph"):
        raise Refused(
            _("This password reset link has already been used. Ask for a new one."),
            code="token_used",
        )
    check_password_policy(new, user.email)
    user.password_hash = hash_password(new)
    user.session_version += 1
    if user.email_confirmed_at is None:
        # The link arrived at this address, so the address is confirmed.
        user.email_confirmed_at = utcnow()
    record(user, "user.password_reset", user)
    if revoke_tokens:
        # Whoever knew the old password may have made tokens with it.
        revoke_all_api_tokens(user, actor=user)
    return user


def invite_colleague(org: Organization, email: str, *, actor: User) -> Invitation:
    """Invite ``email`` into ``org`` by mail; refused if the address already has an account."""
    email = normalise_email(email)
    existing = user_by_email(email)
    if existing is not None:
        raise Refused(_("%(email)s already has an account.", email=email), code="email_taken")
    invitation = Invitation(organization=org, email=email, invited_by=actor)
    db.session.add(invitation)
    db.session.flush()
    token = make_link_token("invite", {"iid": invitation.id, "email": email})
    queue_mail(
        email,
        "invitation",
        locale=actor.locale,
        organization=org,
        inviter=actor,
        link=url_for("accounts.accept_invitation", token=token, _external=True),
    )
    record(actor, "organization.colleague_invited", org, email=email)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation an invitation link names; refused when expired, withdrawn or already used."""
    try:
        data = read_link_token("invite", token, current_app.config["INVITE_TOKEN_MAX_AGE"])
    except TokenError as exc:
        raise Refused(
            _(
                "This invitation has expired or is not valid. Ask your colleague to invite you again."
            ),
            code="token_invalid",
        ) from exc
    invitation = db.session.get(Invitation, data.get("iid"))
    if (
        invitation is None
        or invitation.email != data.get("email")
        or invitation.revoked_at is not None
        or invitation.accepted_at is not None
    ):
        raise Refused(
            _("This invitation has already been used or was withdrawn."), code="token_used"
        )
    return invitation


def accept_invitation(
    invitation: Invitation, *, name: str, password: str, locale: str | None
) -> User:
    """Create the invited member's account (address confirmed by the link) and use up the
    invitation."""
    check_password_policy(password, invitation.email)
    _check_unique_email(invitation.email)
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.MEMBER,
        organization_id=invitation.organization_id,
        email_confirmed_at=utcnow(),
        locale=locale,
    )
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    record(user, "organization.invitation_accepted", invitation.organization, user_id=user.id)
    return user


def remove_member(org: Organization, member: User, *, actor: User) -> None:
    """Take a user out of the organization: the account is disabled and logged out."""
    if member.organization_id != org.id:
        raise NotAllowed(_("This user is not in your organization."))
    if member.is_org_admin:
        admins = db.session.scalar(
            select(func.count(User.id)).where(
                User.organization_id == org.id,
                User.is_org_admin.is_(True),
                User.is_active_account.is_(True),
            )
        )
        if admins <= 1:
            raise Refused(
                _("The organization's last administrator cannot be removed."), code="last_admin"
            )
    member.is_active_account = False
    member.session_version += 1
    record(actor, "organization.member_removed", org, user_id=member.id, email=member.email)


def set_role(user: User, role: Role, *, actor: User) -> None:
    """The secretariat makes a user a reviewer or a secretariat member (or back)."""
    if user.id == actor.id and role != Role.SECRETARIAT:
        raise Refused(_("You cannot take away your own secretariat role."), code="own_role")
    if role == Role.MEMBER and user.organization_id is None:
        raise Refused(
            _("A member must belong to an organization."), code="member_without_organization"
        )
    old = user.role
    user.role = role
    user.session_version += 1  # the new role applies from the next login
    record(actor, "user.role_changed", user, old=str(old), new=str(role))


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Enable or disable an account (the secretariat); one's own cannot be disabled, sessions end
    either way."""
    if user.id == actor.id:
        raise Refused(_("You cannot disable your own account."), code="own_account")
    user.is_active_account = active
    user.session_version += 1
    record(actor, "user.enabled" if active else "user.disabled", user)


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    organization: Organization | None = None,
    actor: User | None = None,
    confirmed: bool = True,
) -> User:
    """Create a user directly (CLI, secretariat, demo data)."""
    email = normalise_email(email)
    check_password_policy(password, email)
    _check_unique_email(email)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        organization=organization,
        is_org_admin=organization is not None and not organization.users,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.created", user, role=str(role))
    return user


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    secret = new_api_token()
    token = ApiToken(
        user=user,
        name=name.strip() or "token",
        prefix=secret[:10],
        token_hash=hash_api_token(secret),
    )
    db.session.add(token)
    db.session.flush()
    record(user, "api_token.created", token, name=token.name)
    return token, secret


def revoke_api_token(token: ApiToken, *, actor: User) -> None:
    """Revoke an API token (once; audited)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "api_token.revoked", token)


def revoke_all_api_tokens(user: User, *, actor: User) -> int:
    """Revoke every active token of `user`; the number revoked."""
    active = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in active:
        revoke_api_token(token, actor=actor)
    return len(active)


def user_for_api_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None; notes its last use (at most once a
    minute)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_api_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active_account:
        return None
    now = utcnow()
    # Writing on every request would make reads into writes; a minute's
    # precision is enough for "last used".
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return token.user
