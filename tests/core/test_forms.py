"""The base form: WTForms' own messages in the reader's language, read from disk once."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from app.forms import Form, _wtforms_messages


class NameForm(Form):
    name = StringField(validators=[DataRequired()])


def _errors(app, language: str) -> list[str]:
    with (
        app.app_context(),
        app.test_request_context(  # a fresh g: the language is kept there
            "/", method="POST", data={"name": ""}, headers={"Accept-Language": language}
        ),
    ):
        form = NameForm()
        assert not form.validate()
        return form.name.errors


def test_wtforms_messages_follow_the_reader_and_are_read_once(app):
    _wtforms_messages.cache_clear()
    assert _errors(app, "fr") == ["Ce champ est requis."]
    assert _errors(app, "en") == ["This field is required."]
    assert _errors(app, "fr") == ["Ce champ est requis."]
    assert _wtforms_messages.cache_info().misses == 2  # fr and en, once each
