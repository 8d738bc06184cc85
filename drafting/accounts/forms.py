"""Forms for registering, logging in and managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from drafting.accounts.models import ORGANIZATION_TYPE_LABELS, ROLE_LABELS


class RegisterForm(FlaskForm):
    org_name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    org_credit_code = StringField(
        _l("Unified social credit code"),
        validators=[DataRequired(), Length(min=18, max=18)],
        description=_l("18 characters, as on the business licence."),
    )
    org_type = SelectField(
        _l("Organization type"),
        choices=[(t.value, label) for t, label in ORGANIZATION_TYPE_LABELS.items()],
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    user_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class EmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ResetPasswordForm(NewPasswordForm):
    revoke_tokens = BooleanField(_l("Also revoke all my API tokens"), default=True)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    revoke_tokens = BooleanField(_l("Also revoke all my API tokens"), default=False)


class EndSessionsForm(FlaskForm):
    revoke_tokens = BooleanField(_l("Also revoke all my API tokens"), default=False)


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(
        _l("Organization type"),
        choices=[(t.value, label) for t, label in ORGANIZATION_TYPE_LABELS.items()],
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=50)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(), Length(max=254)]
    )


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    locale = SelectField(_l("Language"), choices=[("zh", "中文"), ("en", "English")])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""

    confirm = BooleanField(default=True)
