"""The public comment form and the secretariat's extension form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from drafting.documents.states import COMMENT_TYPE_LABELS


class PublicCommentForm(FlaskForm):
    # The service names a clause that is not in the revision.
    clause = SelectField(_l("Clause"), validators=[Optional()], validate_choice=False)
    type = SelectField(
        _l("Type"), choices=[(k.value, v) for k, v in COMMENT_TYPE_LABELS.items()], default="te"
    )
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=20_000)])
    proposed_change = TextAreaField(
        _l("Proposed change"), validators=[Optional(), Length(max=20_000)]
    )
    # Only for commenters without an account (the service checks them).
    author_name = StringField(_l("Your name"), validators=[Optional(), Length(max=100)])
    organization_name = StringField(
        _l("Your organization"), validators=[Optional(), Length(max=200)]
    )
    email = StringField(
        _l("Your email address"),
        description=_l("We send a link there: your comment counts once you follow it."),
        validators=[Optional(), Length(max=254)],
    )


class ExtendForm(FlaskForm):
    closes_at = DateTimeLocalField(
        _l("New close date"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
