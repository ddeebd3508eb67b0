"""Forms of the programme pages and of a leader's research answers."""

from __future__ import annotations

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
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, KeyedForm, KeyField, MultiCheckboxField
from app.urls import row_id

from .services.privacy import CHANNELS, FORMATS, REFERENCE_MAX
from .services.research import GENDERS, LOCALITIES, MAX_YEARS, SCHOOL_SIZES, SCHOOL_TYPES


def _framework_or_none(value) -> int:
    """A framework's id, or 0 for the "None" choice."""
    return 0 if str(value) == "0" else row_id(value)


class ProgrammeForm(Form):
    """A programme's settings (the form that adds one is :class:`NewProgrammeForm`)."""

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


class NewProgrammeForm(ProgrammeForm):
    key = KeyField()


class CohortForm(Form):
    """A cohort's name and dates (the form that adds one is :class:`NewCohortForm`)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])


class NewCohortForm(CohortForm):
    key = KeyField()


class AddMemberForm(Form):
    """An existing leader's account, into this cohort."""

    identifier = StringField(
        _l("Email or phone number of an existing account"),
        validators=[DataRequired(), Length(max=254)],
    )
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=80)])


def _cohort_or_none(value) -> int | None:
    """A cohort's id, or None for the "Choose a cohort" line (and for anything that cannot
    be an id, which the same message answers)."""
    try:
        return row_id(value)
    except ValueError:
        return None


class AddToCohortForm(Form):
    """This person, into a cohort: from their page. ``cohort_id``'s choices are the cohorts
    they are not in yet."""

    cohort_id = SelectField(
        _l("Add to a cohort"),
        coerce=_cohort_or_none,
        validate_choice=False,  # the route looks the cohort up: one gone since is a message
        validators=[DataRequired(message=_l("Choose a cohort."))],
    )
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=80)])


class OnBehalfForm(Form):
    """How a person asked an admin to act for them, for the audit log."""

    channel = SelectField(
        _l("How did they ask?"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(key, label) for key, label in CHANNELS.items()],
        validators=[InputRequired(message=_l("Say how the person asked."))],
    )
    reference = StringField(
        _l("Your reference (optional)"),
        validators=[Optional(), Length(max=REFERENCE_MAX)],
        description=_l(
            "The letter's date or your case number, to find the request again. Not their "
            "name: the audit log keeps this after their data is erased."
        ),
    )


class ExportForm(OnBehalfForm):
    # Sent by the button pressed: "Download (JSON)" or "Download (CSV)".
    format = StringField(validators=[InputRequired(), AnyOf(FORMATS)])


class EraseForm(OnBehalfForm):
    confirm = BooleanField(
        _l("I have checked that this person asked. Erasing cannot be undone."),
        validators=[
            DataRequired(
                message=_l("Tick the box to confirm. To keep their data, leave this page.")
            )
        ],
    )


class ImportForm(KeyedForm):
    """The file is read from ``request.files``; the form's key makes the same form sent
    twice start one check (services.invitations.upload_import)."""


class ConfirmImportForm(Form):
    # The draft its upload started, by its key (``ImportBatch.key``).
    batch = HiddenField(validators=[DataRequired(), Length(max=64)])


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
