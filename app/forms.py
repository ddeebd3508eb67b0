"""The form every area's forms derive from: Flask-WTF's, with the check every text needs,
and the small pieces every area's forms and routes share.

No text column can hold a NUL character (``\\x00``): PostgreSQL refuses it outright. A form
takes it out of any field that holds one, so the page sent back keeps everything typed
but that invisible character, and refuses the post with an error at the field.

- :meth:`Form.show_error` puts a service's refusal on the field it names;
  :func:`status_of` is the page's status: 422 when a form has an error.
- :func:`single_line_breaks`: a text's line breaks as one ``\\n`` each (a browser sends
  CR LF), as a field's filter and in the services that store text.
- :class:`MultiCheckboxField`: a list of checkboxes.
- :func:`csrf_token_ok`: the CSRF check of a view that takes its body itself.
"""

from __future__ import annotations

import re
import secrets
from functools import cache

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.errors import ServiceError
from app.urls import row_id

NUL_ERROR = _l(
    "This held an invisible character (NUL) that cannot be saved; it is taken out now. "
    "Check the text and send it again."
)


@cache
def _wtforms_messages(locale: str) -> Translations:
    """WTForms' own messages ("This field is required.") in one language, read once per
    process: Flask-WTF reads the catalogue from disk again for every request with a form."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale()))

    def validate(self, extra_validators=None) -> bool:
        with_nul = [field for field in self if isinstance(field.data, str) and "\x00" in field.data]
        for field in with_nul:
            field.data = field.data.replace("\x00", "")
        valid = super().validate(extra_validators)
        for field in with_nul:
            field.errors.append(NUL_ERROR)
        return valid and not with_nul

    def show_error(self, error: ServiceError, default: str | None = None) -> None:
        """A service's refusal, in the reader's language, on the field it names (else on
        ``default``, else on the form as a whole)."""
        field = getattr(self, error.field or default or "", None)
        (field.errors if field is not None else self.form_errors).append(error.translated())


def status_of(*forms: FlaskForm, ok: int = 200) -> int:
    """The status of a page that shows ``forms``: 422 if one of them has an error (a field's
    or the form's own), else ``ok``."""
    return 422 if any(form.errors for form in forms) else ok


def single_line_breaks(text: str | None) -> str | None:
    """``text`` with each CR LF a browser sends as one ``\\n``, so a length limit counts a
    line break once, as the page's counter does."""
    return text.replace("\r\n", "\n") if text else text


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def csrf_token_ok(token: str | None) -> bool:
    """Whether ``token`` is this session's CSRF token (always, where the check is off): for
    a view that reads its body itself, exempt from CSRFProtect, which would read it first."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return True
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


class IdField(IntegerField):
    """A row's id sent with a form, read as a path's id is (``app.urls.row_id``): any other
    value is this field's error and leaves its data None, so nothing looks it up."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist) -> None:
        if not valuelist or valuelist[0] == "":
            return
        try:
            self.data = row_id(valuelist[0])
        except ValueError:
            self.data = None
            message = self.invalid_message or self.gettext("Not a valid integer value.")
            raise ValueError(message) from None


KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEY_ERROR = _l("This form is out of date. Reload the page, then send it again.")


def new_form_key() -> str:
    """A fresh key for a form that adds a row (also for forms written out by hand)."""
    return secrets.token_urlsafe(16)


def _valid_key(form, field) -> None:
    if not isinstance(field.data, str) or not KEY_PATTERN.fullmatch(field.data):
        raise ValidationError(KEY_ERROR)


class KeyField(HiddenField):
    """The key of a form that adds a row (``app/form_keys.py``): drawn when the form is
    drawn, sent back with it, required and checked, so the same form sent twice adds its
    row once. A page that shows the form again after an error keeps the key it came with."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [_valid_key, *(validators or [])], default=new_form_key, **kwargs)

    def process_formdata(self, valuelist) -> None:
        # A form sent without its key has none (an error), never a fresh default one: that
        # would be a form without protection that looks protected.
        self.data = valuelist[0] if valuelist else None


class KeyedForm(Form):
    """A form that adds a row: its ``key`` goes to :func:`app.form_keys.claim_key`."""

    key = KeyField()
