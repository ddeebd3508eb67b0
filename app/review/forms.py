"""The review's forms; each also works as a plain HTML form."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from app.forms import Form, KeyedForm

from .services import PER_DAY_CHOICES


class AnswerForm(KeyedForm):
    """An answer; its key is drawn with the question (the page, or the phone's offline
    copy), so a double tap or a replay counts once. ``answered_at`` is the phone's clock
    (JavaScript fills it; without, the server's)."""

    choice = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=20)])
    answered_at = StringField(validators=[Optional()])

    def said_at(self) -> datetime | None:
        """The phone's moment, if it sent one that reads as one."""
        try:
            moment = datetime.fromisoformat((self.answered_at.data or "").replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class TriedForm(Form):
    """The answer to a lesson's "have you tried it?" question: three buttons."""

    answer = StringField(validators=[DataRequired()])


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


class SettingsForm(Form):
    per_day = SelectField(
        _l("Questions a day"),
        choices=[SelectChoice(n, str(n)) for n in PER_DAY_CHOICES],
        coerce=int,
        validators=[NumberRange(min=3, max=10)],
    )
    remind_hour = SelectField(
        _l("Remind me at"),
        choices=[SelectChoice("", _l("No reminder"))]
        + [SelectChoice(str(h), _hour_label(h)) for h in range(24)],
        validators=[Optional()],
    )

    def hour(self) -> int | None:
        return int(self.remind_hour.data) if self.remind_hour.data else None
