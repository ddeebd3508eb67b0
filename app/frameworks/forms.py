"""Forms for editing frameworks in the web app."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import Form, KeyedForm

from .files import (
    CODE_RE,
    FILE_EXTENSIONS,
    LANGUAGE_RE,
    MAX_LANGUAGE,
    MAX_LEVEL_NAME,
    MAX_TITLE,
    MAX_VERSION,
)

# A framework of a few hundred competencies is tens of kilobytes; anything near this is
# not a framework.
MAX_IMPORT_BYTES = 1024 * 1024


class FrameworkForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    scope = StringField(_l("Country or scope"), validators=[Optional(), Length(max=MAX_TITLE)])
    version = StringField(_l("Version"), validators=[Optional(), Length(max=MAX_VERSION)])
    language = StringField(
        _l("Language code"),
        validators=[
            DataRequired(),
            Length(max=MAX_LANGUAGE, message=_l("Use a language code such as en, fr or sw.")),
            Regexp(LANGUAGE_RE, message=_l("Use a language code such as en, fr or sw.")),
        ],
    )


class LevelForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_LEVEL_NAME)])
    descriptor = TextAreaField(_l("Descriptor"), validators=[Optional(), Length(max=2000)])


class DomainForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class CompetencyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    retired = BooleanField(_l("Retired (hidden from new lessons and self-assessments)"))


class NewCompetencyForm(KeyedForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=32),
            Regexp(
                CODE_RE,
                message=_l("Use letters, digits, dots or dashes, no spaces (for example LL.5)."),
            ),
        ],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])


class ImportForm(Form):
    file = FileField(
        _l("Framework file"),
        description=_l(
            "A .yaml, .yml or .csv file of at most 1 MB. A framework with the same "
            "code is updated in place; nothing changes if the file has a problem."
        ),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(FILE_EXTENSIONS, _l("Choose a .yaml, .yml or .csv file.")),
            FileSize(
                MAX_IMPORT_BYTES,
                message=_l(
                    "This file is larger than 1 MB. "
                    "A framework file is much smaller: check you chose the right one."
                ),
            ),
        ],
    )
