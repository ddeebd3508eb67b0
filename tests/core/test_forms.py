"""The base form: WTForms' own messages in the reader's language, read from disk once; and
the small helpers every area's forms and routes share."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf
from wtforms import StringField
from wtforms.validators import DataRequired

from app.errors import N_, ServiceError
from app.forms import Form, _wtforms_messages, csrf_token_ok, single_line_breaks, status_of
from app.urls import id_arg


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


class NoteForm(Form):
    title = StringField()
    body = StringField(filters=[single_line_breaks])


def test_a_service_error_goes_on_its_field_else_a_default_else_the_form(app):
    with app.test_request_context("/", method="POST", data={"body": "one\r\ntwo\r\n"}):
        form = NoteForm(meta={"csrf": False})
        assert form.validate() and form.body.data == "one\ntwo\n"  # a break counts once
        assert status_of(form) == 200
        form.show_error(ServiceError(N_("Too long by %(n)s."), "body", n=3))
        form.show_error(ServiceError(N_("No such field.")), default="title")
        form.show_error(ServiceError(N_("Somewhere else."), "nothing"))
        assert form.body.errors == ["Too long by 3."]
        assert form.title.errors == ["No such field."]
        assert form.form_errors == ["Somewhere else."]
        assert status_of(NoteForm(meta={"csrf": False}), form) == 422
        assert status_of(NoteForm(meta={"csrf": False}), ok=303) == 303


def test_a_csrf_token_is_checked_by_hand_only_where_the_check_is_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # as the tests run
    with app.test_request_context("/"):
        assert csrf_token_ok(None)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.test_request_context("/"):
        assert not csrf_token_ok("forged") and not csrf_token_ok(None)
        assert csrf_token_ok(generate_csrf())


def test_a_query_string_id_is_bounded_as_a_paths_is(app):
    for query, found in [("page=3", 3), ("page=0", 1), ("page=²", 1), ("page=99999999999", 1)]:
        with app.test_request_context(f"/?{query}"):
            assert id_arg("page", 1) == found
    with app.test_request_context("/?before=-1"):
        assert id_arg("before") is None and id_arg("missing") is None
