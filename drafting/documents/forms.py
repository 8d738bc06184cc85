"""Forms for documents, the editor, comments and stage moves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from drafting.documents.services import ADOPTION_PATTERN, REPLACES_PATTERN
from drafting.documents.states import COMMENT_TYPE_LABELS, RESOLUTION_LABELS
from drafting.groups.models import GROUP_ROLE_LABELS

# Long enough for any standard; MAX_FORM_MEMORY_SIZE (8 MB) is the real bound.
MAX_TEXT = 6_000_000
NUMBER_RE = r"^T/[A-Za-z0-9]+ [0-9.]+[—-][0-9]{4}$"


class DocumentForm(FlaskForm):
    number = StringField(
        _l("Number"),
        description=_l("T/<association code> <nnnn>—<yyyy>, e.g. T/CESA 1201—2026"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(NUMBER_RE, message=_l("Write the number as T/CESA 1201—2026.")),
        ],
    )
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    ics = StringField(_l("ICS"), validators=[Optional(), Length(max=40)])
    ccs = StringField(_l("CCS"), validators=[Optional(), Length(max=40)])
    issuing_body = StringField(_l("Issuing body"), validators=[Optional(), Length(max=200)])
    planned_published_on = DateField(_l("Planned publication date"), validators=[Optional()])
    planned_implemented_on = DateField(_l("Planned implementation date"), validators=[Optional()])

    def cover_fields(self) -> dict:
        """The fields above as the document services take them (blank optional text is "")."""
        return {
            "number": self.number.data,
            "title_zh": self.title_zh.data,
            "title_en": self.title_en.data or "",
            "ics": self.ics.data or "",
            "ccs": self.ccs.data or "",
            "issuing_body": self.issuing_body.data or "",
            "planned_published_on": self.planned_published_on.data,
            "planned_implemented_on": self.planned_implemented_on.data,
        }


class NewDocumentForm(DocumentForm):
    group_id = SelectField(
        _l("Drafting group"),
        coerce=int,
        description=_l("An existing group, or a new one named after the document."),
    )
    main_unit_id = SelectField(
        _l("Main drafting unit of a new group"), coerce=int, validators=[Optional()]
    )


class DraftersForm(FlaskForm):
    organization_id = IntegerField(validators=[DataRequired()])
    names = TextAreaField(_l("Drafters, one per line, in order"), validators=[Length(max=5000)])


class MoveForm(FlaskForm):
    group_id = SelectField(_l("Drafting group"), coerce=int, validators=[DataRequired()])


class SettingsForm(DocumentForm):
    replaces = StringField(
        _l("Replaces"),
        description=_l(
            "The documents this one replaces, e.g. T/CESA 1100—2020; printed on the cover and in the foreword."
        ),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                REPLACES_PATTERN, message=_l("Write the replaced documents as T/CESA 1100—2020.")
            ),
        ],
    )
    adoption = StringField(
        _l("Degree of correspondence"),
        description=_l(
            "The international document and IDT, MOD or NEQ, e.g. ISO 12345:2020, MOD; printed under the English title and in the foreword."
        ),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                ADOPTION_PATTERN, message=_l("Write it as ISO 12345:2020, MOD (IDT, MOD or NEQ).")
            ),
        ],
    )
    known_patents = BooleanField(
        _l(
            "The document involves known patents (the foreword states them instead of the default patent sentence)"
        )
    )
    comment_period_ends_at = DateTimeLocalField(
        _l("End of the comment period"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    comments_public = BooleanField(
        _l("Anyone may comment during the comment period (not only member organizations)")
    )


class EditorForm(FlaskForm):
    text = TextAreaField(_l("Text"), validators=[Length(max=MAX_TEXT)])
    base_revision_id = IntegerField(validators=[DataRequired()])
    message = StringField(_l("What did you change?"), validators=[Optional(), Length(max=300)])


class CommentForm(FlaskForm):
    revision_id = HiddenField()
    clause = SelectField(_l("Clause"), validators=[Optional()])
    type = SelectField(
        _l("Type"), choices=[(k.value, v) for k, v in COMMENT_TYPE_LABELS.items()], default="te"
    )
    quote = TextAreaField(_l("Quoted text (optional)"), validators=[Optional(), Length(max=5000)])
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=20_000)])
    proposed_change = TextAreaField(
        _l("Proposed change"), validators=[Optional(), Length(max=20_000)]
    )
    author_name = StringField(_l("Your name"), validators=[Optional(), Length(max=100)])
    organization_name = StringField(
        _l("Your organization"), validators=[Optional(), Length(max=200)]
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=20_000)])
    author_name = StringField(_l("Your name"), validators=[Optional(), Length(max=100)])
    organization_name = StringField(
        _l("Your organization"), validators=[Optional(), Length(max=200)]
    )


class ResolveForm(FlaskForm):
    resolution = SelectField(
        _l("Resolution"), choices=[(k.value, v) for k, v in RESOLUTION_LABELS.items()]
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    # the resolution being changed, as the page showed it (see resolve_comment)
    replaces = HiddenField(validators=[Optional(), Length(max=30)])


class StageForm(FlaskForm):
    stage = HiddenField(validators=[DataRequired()])
    override_checks = BooleanField(_l("Override the checks (secretariat)"))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class MemberForm(FlaskForm):
    organization_id = SelectField(_l("Organization"), coerce=int)
    role = SelectField(
        _l("Role"),
        choices=[(role.value, label) for role, label in GROUP_ROLE_LABELS.items()],
    )


class NameEditorForm(FlaskForm):
    email = StringField(
        _l("Email of the editor"), validators=[DataRequired(), Email(), Length(max=254)]
    )
