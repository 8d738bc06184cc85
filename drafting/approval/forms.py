"""The editors' sections of the 编制说明, and the publication dates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from drafting.approval.services import MAX_SECTION_CHARS

_SECTION = [Optional(), Length(max=MAX_SECTION_CHARS)]


class NotesForm(FlaskForm):
    technical_content = TextAreaField(
        _l("Main technical content and its basis"),
        validators=_SECTION,
        description=_l("The main requirements, and the tests, data or references they rest on."),
    )
    relations = TextAreaField(
        _l("Relation to laws, regulations and other standards"),
        validators=_SECTION,
        description=_l(
            "How the standard fits with the laws and regulations, and with national, industry and "
            "other group standards."
        ),
    )
    divergences = TextAreaField(
        _l("Major divergences and how they were handled"),
        validators=_SECTION,
        description=_l("Major divergent opinions, how they were settled and on what basis."),
    )
    other = TextAreaField(
        _l("Anything else to explain"),
        validators=_SECTION,
        description=_l(
            "Anything else the approving body should know: patents, a transition period, …"
        ),
    )
    version = IntegerField(validators=[Optional()])


class PublishForm(FlaskForm):
    published_on = DateField(
        _l("Publication date"),
        validators=[InputRequired(message=_l("Give the publication date."))],
    )
    implemented_on = DateField(
        _l("Implementation date"),
        validators=[InputRequired(message=_l("Give the implementation date."))],
    )
