"""Forms of the programme pages and of a leader's research answers."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.accounts.forms import MultiCheckboxField
from app.forms import Form
from app.urls import row_id

from .services.research import GENDERS, LOCALITIES, MAX_YEARS, SCHOOL_SIZES, SCHOOL_TYPES


def _framework_or_none(value) -> int:
    """A framework's id, or 0 for the "None" choice."""
    return 0 if str(value) == "0" else row_id(value)


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    framework_id = SelectField(
        _l("Competency framework"), coerce=_framework_or_none, validate_choice=False
    )
    region = StringField(
        _l("Country"),
        validators=[Optional(), Length(min=2, max=2)],
        description=_l(
            "Two letters, for example KE. Phone numbers in an import may then be written "
            "as people dial them there."
        ),
    )
    course_ids = MultiCheckboxField(_l("Courses"), coerce=row_id, validate_choice=False)


class CohortForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])


class AddMemberForm(Form):
    """An existing leader's account, into this cohort."""

    identifier = StringField(
        _l("Email or phone number of an existing account"),
        validators=[DataRequired(), Length(max=254)],
    )
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=80)])


class ImportForm(Form):
    """The file is read from ``request.files``. ``upload_key``, drawn with the form, names
    the check it starts: the same form sent twice starts one check
    (services.invitations.upload_import)."""

    # A key that is not one the form drew is dropped (the service draws another): a hidden
    # field's error would be one nobody can see or fix.
    upload_key = HiddenField(
        default=lambda: secrets.token_urlsafe(24),
        filters=[lambda key: key if key and len(key) <= 64 else ""],
    )


class ConfirmImportForm(Form):
    # Names the draft its upload started (services.invitations.upload_import).
    key = HiddenField(validators=[DataRequired(), Length(max=64)])


def _choices(mapping, blank):
    return [SelectChoice("", blank), *(SelectChoice(k, v) for k, v in mapping.items())]


PREFER_NOT = _l("I prefer not to say")


class ResearchForm(Form):
    consent = BooleanField(
        _l(
            "Yes, the programme may use my answers below, without my name, to learn who "
            "leads schools and what helps them."
        )
    )
    gender = SelectField(
        _l("Gender"),
        choices=_choices(GENDERS, PREFER_NOT),
        validate_choice=False,  # the service keeps only known answers
        description=_l("Few women become head teachers; this shows whether the programme helps."),
    )
    years_as_head = IntegerField(
        _l("Years as a head teacher"),
        validators=[Optional(), NumberRange(min=0, max=MAX_YEARS)],
        description=_l("New and experienced heads need different support."),
    )
    school_type = SelectField(
        _l("Type of school"),
        choices=_choices(SCHOOL_TYPES, PREFER_NOT),
        validate_choice=False,  # the service keeps only known answers
        description=_l("To see whether the programme serves every kind of school."),
    )
    school_size = SelectField(
        _l("Size of school"),
        choices=_choices(SCHOOL_SIZES, PREFER_NOT),
        validate_choice=False,  # the service keeps only known answers
        description=_l("Leading a large school is different from leading a small one."),
    )
    locality = SelectField(
        _l("Where is your school?"),
        choices=_choices(LOCALITIES, PREFER_NOT),
        validate_choice=False,  # the service keeps only known answers
        description=_l(
            "Rural schools often get less support; this shows whether they get it here."
        ),
    )
