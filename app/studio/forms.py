"""The studio's forms; each works as a plain HTML form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, KeyedForm, KeyField, MultiCheckboxField, single_line_breaks
from app.urls import row_id


class CourseForm(KeyedForm):
    """A new course (the studio's home page)."""

    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the course a title.")), Length(max=200)]
    )
    summary = TextAreaField(
        _l("Summary"), validators=[Length(max=2000)], filters=[single_line_breaks]
    )
    language = SelectField(_l("Language the course is written in"))
    framework = SelectField(_l("Competency framework"), coerce=int)


class CourseTextForm(Form):
    """The course's title and summary in one language (empty: not translated yet)."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(
        _l("Summary"), validators=[Length(max=2000)], filters=[single_line_breaks]
    )


class TitleForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=200)])


class NewTitleForm(TitleForm, KeyedForm):
    """A new module, or a new lesson in a module: a title is all it takes."""


class CoauthorForm(Form):
    email = EmailField(
        _l("Email of the author to add"),
        validators=[DataRequired(_l("Write the author's email address.")), Length(max=254)],
    )


class MoveForm(Form):
    step = IntegerField(validators=[InputRequired(), NumberRange(min=-1, max=1)])


class ActionForm(Form):
    """A button and its CSRF token: publish, unpublish, remove."""


class LessonForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[Length(max=50_000)], filters=[single_line_breaks]
    )
    reflection_prompt = TextAreaField(
        _l("Reflection prompt"), validators=[Length(max=2000)], filters=[single_line_breaks]
    )
    tried_prompt = TextAreaField(
        _l("“Have you tried it?” question (optional)"),
        validators=[Length(max=500)],
        filters=[single_line_breaks],
    )
    duration_minutes = IntegerField(
        _l("Estimated length in minutes"), validators=[Optional(), NumberRange(min=0, max=60)]
    )
    competencies = MultiCheckboxField(_l("Competencies"), coerce=row_id, validate_choice=False)
    preview = HiddenField()


class QuestionForm(Form):
    prompt = TextAreaField(
        _l("Question"), validators=[DataRequired(_l("Write the question.")), Length(max=1000)]
    )
    choices = TextAreaField(
        _l("Answers, one on each line"),
        validators=[DataRequired(_l("Give the answers, one on each line.")), Length(max=3000)],
        filters=[single_line_breaks],
    )
    answer = IntegerField(
        _l("Number of the right answer"), validators=[Optional(), NumberRange(min=1, max=6)]
    )
    feedback_correct = TextAreaField(
        _l("Feedback when right"), validators=[Length(max=1000)], filters=[single_line_breaks]
    )
    feedback_incorrect = TextAreaField(
        _l("Feedback when wrong"), validators=[Length(max=1000)], filters=[single_line_breaks]
    )
    # All questions come back in the leaders' daily review unless the author says not.
    in_review = BooleanField(_l("Comes back in the daily review"), default=True)


class NewQuestionForm(QuestionForm):
    """A question added to a lesson."""

    key = KeyField()


class CaptionsForm(Form):
    language = SelectField(_l("Language of the captions"))
