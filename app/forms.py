"""The form every area's forms derive from: Flask-WTF's, with the check every text needs.

No text column can hold a NUL character (``\\x00``): PostgreSQL refuses it outright. A form
takes it out of any field that holds one, so the page sent back keeps everything typed
but that invisible character, and refuses the post with an error at the field.
"""

from __future__ import annotations

from functools import cache

from babel.support import Translations
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.i18n import messages_path

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
