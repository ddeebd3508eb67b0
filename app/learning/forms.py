"""Forms for the leader's side of a lesson; each also works as a plain HTML form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import Form, KeyedForm, single_line_breaks

from .services import REFLECTION_MAX_CHARS


class ReflectionForm(Form):
    # Empty is allowed: clearing the notebook is a save like any other.
    body = TextAreaField(
        validators=[
            Length(max=REFLECTION_MAX_CHARS, message=_l("Not saved: the entry is too long."))
        ],
        filters=[single_line_breaks],
    )


class AnswerForm(Form):
    choice = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=20)])


class PositionForm(Form):
    seconds = FloatField(validators=[InputRequired(), NumberRange(min=0, max=24 * 3600)])


class CompleteForm(Form):
    """Only the CSRF token: marking a lesson complete carries no other data."""


class SelfAssessmentForm(KeyedForm):
    """CSRF and the form's key here (a double tap on Save records one sitting); the ratings
    are one radio group per competency, named ``c<id>``, drawn from the framework when the
    page renders."""

    def ratings(self, formdata, competency_ids, level_numbers) -> tuple[dict[int, int], set[int]]:
        """The level chosen for each competency rated, and the competencies whose value is
        not one of the levels. A value is compared as the text the radio button sends, so
        ``²`` or ``١`` (digits to ``str.isdigit``, not to ``int``) is simply not a level."""
        levels = {str(number): number for number in level_numbers}
        chosen, invalid = {}, set()
        for competency_id in competency_ids:
            value = formdata.get(f"c{competency_id}", "").strip()
            if value in levels:
                chosen[competency_id] = levels[value]
            elif value:
                invalid.add(competency_id)
        return chosen, invalid
