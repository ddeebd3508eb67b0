"""Forms of the practices area; each works as a plain HTML form. The form that adds a
practice and the reviewer's form add a row each time, so they carry a key
(``app.forms.KeyedForm``); the others write the one row a person has."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.forms import MultiCheckboxField, choices
from app.forms import Form, KeyedForm
from app.urls import row_id

from .services.drafting import TEXT_MAX, TITLE_MAX
from .services.reviewing import COMMENT_MAX
from .services.trying import NOTE_MAX

LANGUAGE_LABELS = {"en": "English", "fr": "Français", "sw": "Kiswahili"}

DECISION_LABELS = {
    "approve": _l("Approve and share it"),
    "changes": _l("Ask for changes"),
    "comment": _l("Comment only"),
}
OUTCOME_LABELS = {
    "worked": _l("It worked"),
    "partly": _l("It partly worked"),
    "not": _l("Not for us"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for review"),
    "changes": _l("Changes asked"),
    "approved": _l("Approved"),
}


def _one_character_line_breaks(text: str | None) -> str | None:
    # A textarea sends CR LF but counts one character against maxlength: count alike here.
    return text.replace("\r\n", "\n") if text else text


def _text(label, description=None):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=TEXT_MAX)],
        filters=[_one_character_line_breaks],
        description=description,
    )


class PracticeForm(Form):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Give the practice a title.")),
            Length(max=TITLE_MAX),
        ],
    )
    problem = _text(_l("The problem it answers"))
    steps = _text(_l("What you do"), _l("The steps, so another leader can do it too."))
    takes = _text(_l("What it takes"), _l("Time, materials, who takes part."))
    evidence = _text(_l("How you know it works"), _l("Before and after, pupils' work, a measure."))
    language = SelectField(_l("Written in"), choices=choices(LANGUAGE_LABELS))
    competency_ids = MultiCheckboxField(
        _l("Competencies it shows"), coerce=row_id, validate_choice=False
    )


class NewPracticeForm(PracticeForm, KeyedForm):
    """The first save of a practice adds it: the same form sent twice adds one draft."""


class ReviewForm(KeyedForm):
    decision = RadioField(
        _l("Your decision"),
        choices=choices(DECISION_LABELS),
        validators=[DataRequired(message=_l("Choose approve, ask for changes or comment."))],
    )
    comment = TextAreaField(
        _l("Comment for the author"),
        validators=[Optional(), Length(max=COMMENT_MAX)],
        filters=[_one_character_line_breaks],
    )


class OutcomeForm(Form):
    outcome = RadioField(
        _l("How did it go?"),
        choices=choices(OUTCOME_LABELS),
        validators=[DataRequired(message=_l("Choose how it went."))],
    )
    note = StringField(_l("A line why (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])


class ActionForm(Form):
    """A button that writes (send for review, I'll try this): its CSRF token alone."""


class PhotoForm(KeyedForm):
    """One photo more: a row added each time, so its form carries a key."""

    photo = FileField(
        _l("A photo (up to three)"),
        validators=[
            FileRequired(_l("Choose a photo first.")),
            FileAllowed(["jpg", "jpeg", "png", "webp"], _l("Choose a JPEG or PNG photo.")),
        ],
    )


ERASURE_LABELS = {
    "keep": _l("Keep them, credited to “a former member”"),
    "remove": _l("Remove them"),
}


class ErasureChoiceForm(Form):
    choice = RadioField(
        _l("If your data is erased, your approved practices:"),
        choices=choices(ERASURE_LABELS),
        validators=[DataRequired(message=_l("Choose one."))],
    )
