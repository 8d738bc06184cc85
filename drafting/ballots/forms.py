"""Forms of the ballot pages: open, vote, close early."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from drafting.ballots.services import MAX_REASON
from drafting.ballots.states import CHOICE_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenBallotForm(FlaskForm):
    revision = SelectField(_l("Revision voted on"), coerce=int, validators=[DataRequired()])
    closes_at = DateTimeLocalField(
        _l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    organizations = MultiCheckboxField(
        _l("Organizations entitled to vote"), coerce=int, validators=[Optional()]
    )


class VoteForm(FlaskForm):
    choice = RadioField(
        _l("Vote"),
        choices=[(k.value, v) for k, v in CHOICE_LABELS.items()],
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("Reason (required when voting against)"),
        validators=[Optional(), Length(max=MAX_REASON)],
    )
    clause = SelectField(_l("Clause"), validators=[Optional()], validate_choice=False)
    comments = TextAreaField(
        _l("Comments (required with “in favour, with comments”)"),
        validators=[Optional(), Length(max=MAX_REASON)],
    )


class CloseBallotForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it closes early (optional)"), validators=[Optional(), Length(max=MAX_REASON)]
    )
