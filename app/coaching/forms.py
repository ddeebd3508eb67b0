"""Coaching's forms; each also works as a plain HTML form. Forms that add a row are keyed
(``app.forms.KeyedForm``), so a double tap adds it once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from app.accounts.forms import choices
from app.forms import Form, KeyedForm, single_line_breaks
from app.urls import row_id

from .services import REASON_MAX_CHARS, TEXT_MAX_CHARS

MODE_LABELS = {
    "visit": _l("School visit"),
    "call": _l("Phone call"),
    "video": _l("Video call"),
    "message": _l("Messages"),
}
STATUS_LABELS = {
    "active": _l("Working on it"),
    "achieved": _l("Achieved"),
    "paused": _l("Paused"),
}
OWNER_LABELS = {"leader": _l("The leader"), "coach": _l("The coach")}


def _text(label):
    validators = [Length(max=TEXT_MAX_CHARS, message=_l("Keep it shorter: this is too long."))]
    return TextAreaField(label, validators=validators, filters=[single_line_breaks])


class PairForm(Form):
    coach = SelectField(_l("Coach"), coerce=int, validators=[InputRequired()])
    leader = SelectField(_l("Leader"), coerce=int, validators=[InputRequired()])


class ConfirmForm(Form):
    """Only the CSRF token: the URL says what to do."""


class PriorityForm(KeyedForm):
    """Each save adds a change to the priority's history."""

    title = StringField(
        _l("The priority"),
        validators=[DataRequired(_l("Give the priority a title.")), Length(max=200)],
        description=_l("For example: every teacher checks understanding before moving on."),
    )
    why = _text(_l("Why it matters"))
    measure = StringField(
        _l("How success will be seen"),
        validators=[Length(max=300)],
        description=_l("What you will count or look at, such as lessons observed."),
    )
    baseline = StringField(_l("Where it is now"), validators=[Length(max=200)])
    target = StringField(_l("Where it should be"), validators=[Length(max=200)])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS))


class ScheduleForm(KeyedForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose the day."))])
    at = TimeField(_l("Time"), validators=[InputRequired(_l("Choose the time."))])
    mode = RadioField(
        _l("How you will meet"),
        choices=choices(MODE_LABELS),
        default="call",
        validators=[InputRequired(_l("Choose how you will meet."))],
    )


class RescheduleForm(Form):
    """The new day and time, on the mover's own clock, as the booking form reads them."""

    day = DateField(_l("New date"), validators=[InputRequired(_l("Choose the day."))])
    at = TimeField(_l("New time"), validators=[InputRequired(_l("Choose the time."))])


class CancelForm(Form):
    reason = StringField(
        _l("Why (optional)"),
        validators=[Length(max=REASON_MAX_CHARS, message=_l("Keep it shorter: this is too long."))],
        description=_l("A few words the other side reads, such as: I am ill this week."),
    )


class PreparationForm(Form):
    tried = _text(_l("What did you try since we last met?"))
    happened = _text(_l("What happened?"))
    help_needed = _text(_l("What help do you need?"))


class NotesForm(Form):
    notes = _text(_l("Notes you both see"))
    private = _text(_l("Private notes (only you see these)"))


class RatingForm(Form):
    """CSRF here; the ratings are one radio group per competency, named ``c<id>``."""

    def ratings(self, formdata) -> dict[int, str]:
        """The levels chosen, by competency id: every answered ``c<id>`` field, as sent.
        ``save_ratings`` decides which competencies and levels are allowed."""
        chosen = {}
        for name in formdata:
            value = formdata.get(name, "").strip()
            if name.startswith("c") and value:
                try:
                    chosen[row_id(name[1:])] = value
                except ValueError:
                    continue
        return chosen


class ActionForm(KeyedForm):
    title = StringField(
        _l("What is to be done"),
        validators=[DataRequired(_l("Say what is to be done.")), Length(max=300)],
    )
    owner = RadioField(
        _l("Who will do it"),
        choices=choices(OWNER_LABELS),
        default="leader",
        validators=[InputRequired(_l("Choose who will do it."))],
    )
    due_on = DateField(_l("By when"), validators=[InputRequired(_l("Choose the day it is due."))])


class TickForm(Form):
    done = HiddenField(default="1")
