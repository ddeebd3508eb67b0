"""Forms for the leader's side of a lesson; each also works as a plain HTML form."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from .services import REFLECTION_MAX_CHARS


def _one_character_line_breaks(text: str | None) -> str | None:
    # Browsers send a textarea's line breaks as CR LF but count each as one character
    # against maxlength: count them the same here, or an entry the phone allowed is refused.
    return text.replace("\r\n", "\n") if text else text


class ReflectionForm(FlaskForm):
    # Empty is allowed: clearing the notebook is a save like any other.
    body = TextAreaField(
        validators=[Length(max=REFLECTION_MAX_CHARS)], filters=[_one_character_line_breaks]
    )


class AnswerForm(FlaskForm):
    choice = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=20)])


class PositionForm(FlaskForm):
    seconds = FloatField(validators=[InputRequired(), NumberRange(min=0, max=24 * 3600)])


class CompleteForm(FlaskForm):
    """Only the CSRF token: marking a lesson complete carries no other data."""


def _new_sitting_key() -> str:
    return secrets.token_hex(16)


class SelfAssessmentForm(FlaskForm):
    """CSRF and the sitting's key here; the ratings are one radio group per competency,
    named ``c<id>``, drawn from the framework when the page renders."""

    # An idempotency key, new each time the form is drawn and sent back with it: a double
    # tap on Save sends the same key twice and records one sitting. A form sent without
    # one (a page from before the key) gets a new key, so a new sitting, as it always did.
    sitting_key = HiddenField(default=_new_sitting_key, validators=[Length(max=64)])

    def ratings(self, formdata, competency_ids, level_numbers) -> dict[int, int]:
        chosen = {}
        for competency_id in competency_ids:
            value = formdata.get(f"c{competency_id}", "")
            if value.isdigit() and int(value) in level_numbers:
                chosen[competency_id] = int(value)
        return chosen
