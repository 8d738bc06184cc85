"""Forms for calls, their standards and requirements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from drafting.calls.models import EVIDENCE_LABELS, EvidenceKind


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    issuing_body = StringField(_l("Issuing body"), validators=[Optional(), Length(max=200)])
    notice = TextAreaField(_l("Notice (Markdown)"), validators=[Optional(), Length(max=100_000)])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=300)])
    opens_at = DateTimeLocalField(
        _l("Opens at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )


class StandardForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    scope = TextAreaField(_l("Scope"), validators=[Optional(), Length(max=5000)])
    planned_number = StringField(_l("Planned number"), validators=[Optional(), Length(max=50)])
    main_capacity = IntegerField(
        _l("Main drafting units it takes"), default=3, validators=[NumberRange(min=0, max=100)]
    )


class RequirementForm(FlaskForm):
    text = TextAreaField(_l("Requirement"), validators=[DataRequired(), Length(max=5000)])
    mandatory = BooleanField(_l("Mandatory"), default=True)
    evidence = SelectField(
        _l("Evidence expected"),
        choices=[(k.value, v) for k, v in EVIDENCE_LABELS.items()],
        default=EvidenceKind.BOTH.value,
    )
    weight = IntegerField(_l("Weight"), default=1, validators=[NumberRange(min=0, max=100)])
    standards = SelectMultipleField(
        _l("Applies to (none chosen: every standard)"), coerce=int, validators=[Optional()]
    )


class ExtendForm(FlaskForm):
    closes_at = DateTimeLocalField(
        _l("New deadline"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
