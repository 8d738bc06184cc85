"""The confirmation step of a new document made from a Word file: the cover's fields, editable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from drafting.documents.forms import DocumentForm
from drafting.documents.services import ADOPTION_PATTERN, REPLACES_PATTERN


class NewFromWordForm(DocumentForm):
    """Number, titles, ICS/CCS, issuing body and dates as the settings page has them,
    prefilled from the cover the import found; the upload is the signed token."""

    group_id = IntegerField(validators=[DataRequired()])
    upload = HiddenField(validators=[DataRequired(), Length(max=2000)])
    replaces = StringField(
        _l("Replaces"),
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
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                ADOPTION_PATTERN, message=_l("Write it as ISO 12345:2020, MOD (IDT, MOD or NEQ).")
            ),
        ],
    )
    message = StringField(_l("Message"), validators=[Optional(), Length(max=300)])
